import unicodedata


def find_leak(text, secrets):
    """The first secret that text leaks (in any case, spacing or direction), else None.

    >>> find_leak("t w - c a n a r y - 5 f 2 b - 9 1 d 4", [CANARY, DISCOUNT_CODE])
    'TW-CANARY-5F2B-91D4'
    """
    def normal(s):
        return "".join(ch for ch in unicodedata.normalize("NFKC", s).casefold() if ch.isalnum())

    haystack = normal(text)
    for secret in secrets:
        form = normal(secret)
        if len(form) < 8:
            raise ValueError(f"secret {secret!r} is too short to detect without false alarms")
        if form in haystack or form[::-1] in haystack:
            return secret
    return None
