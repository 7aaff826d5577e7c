import numpy as np


class SemanticCache:
    """Serve a stored answer when a new query is similar enough to a stored query.

    similarity = cosine similarity of the two embeddings (0.0 if either is all zeros).
    A hit needs similarity >= threshold. The most similar stored query wins; on a
    tie, the one stored first. lookup returns (answer, similarity) or None.

    cache = SemanticCache(FakeEmbedder(), threshold=0.9)
    cache.put("How do I reset my password?", "Use the link on the sign-in page.")
    cache.lookup("how do I reset my password")   # -> ('Use the link on the sign-in page.', 1.0...)
    cache.lookup("What does the Team plan cost?") # -> None
    """

    def __init__(self, embedder, threshold):
        self.embedder = embedder
        self.threshold = threshold
        self.queries, self.answers, self.vectors = [], [], []

    def put(self, query, answer):
        """Store an answer under the query's embedding."""
        self.queries.append(query)
        self.answers.append(answer)
        self.vectors.append(np.asarray(self.embedder.embed([query])[0], dtype=np.float64))

    def lookup(self, query):
        """(answer, similarity) of the most similar stored query if it reaches the threshold, else None."""
        if not self.vectors:
            return None
        q = np.asarray(self.embedder.embed([query])[0], dtype=np.float64)
        best, best_sim = None, None
        for index, vector in enumerate(self.vectors):
            norms = np.linalg.norm(q) * np.linalg.norm(vector)
            sim = float(q @ vector / norms) if norms else 0.0
            if best_sim is None or sim > best_sim:  # strict: the earliest wins a tie
                best, best_sim = index, sim
        if best_sim > self.threshold:
            return self.answers[best], best_sim
        return None


def false_hit_rate(pairs, embedder, threshold):
    """Share of the different-intent pairs whose similarity reaches the threshold.

    Each such pair is a false hit: a cache holding one query's answer would serve
    it for the other. Same-intent pairs are not counted. ValueError if the pairs
    hold no different-intent pair.
    false_hit_rate(load_cache_pairs(), FakeEmbedder(), threshold=1.01)  -> 0.0
    """
    different = [p for p in pairs if not p.same_intent]
    if not different:
        raise ValueError("no different-intent pairs: the false-hit rate is undefined")
    a = np.asarray(embedder.embed([p.a for p in different]), dtype=np.float64)
    b = np.asarray(embedder.embed([p.b for p in different]), dtype=np.float64)
    false_hits = 0
    for x, y in zip(a, b):
        norms = np.linalg.norm(x) * np.linalg.norm(y)
        if norms and float(x @ y / norms) > threshold:
            false_hits += 1
    return false_hits / len(different)
