import unicodedata


def find_leak(text, secrets):
    """The first secret that text leaks, ignoring case and spaces, else None."""
    def normal(s):
        return s.lower().replace(" ", "")

    for secret in secrets:
        if len(normal(secret)) < 8:
            raise ValueError(f"secret {secret!r} is too short")
    haystack = normal(text)
    for secret in secrets:
        if normal(secret) in haystack:
            return secret
    return None
