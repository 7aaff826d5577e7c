import unicodedata


def normalize_query(text):
    """The exact-cache key of a query.

    NFKC-normalise, casefold, turn every run of whitespace into one space, strip
    both ends. Nothing else: punctuation, digits and word order are kept.
    normalize_query("  How do I   RESET\tmy password? ")  -> 'how do i reset my password?'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


class ExactCache:
    """Answers stored under normalize_query(query), with hit and miss counters.

    cache = ExactCache()
    cache.get("Hi")          # -> None (a miss: cache.misses == 1)
    cache.put("Hi", "Hello!")
    cache.get("  hi ")       # -> 'Hello!' (a hit: same key; cache.hits == 1)
    """

    store = {}  # normalised query -> answer

    def __init__(self):
        self.hits = 0
        self.misses = 0

    def get(self, query):
        """The stored answer (a hit), or None (a miss). Counts the hit or the miss."""
        key = normalize_query(query)
        if key in self.store:
            self.hits += 1
            return self.store[key]
        self.misses += 1
        return None

    def put(self, query, answer):
        """Store (or replace) the answer for this query. Counts nothing."""
        self.store[normalize_query(query)] = answer
