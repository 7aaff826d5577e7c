def token_efficiency(samples, encoding, baseline="English"):
    """Tokens of each sample, per 100 characters, and relative to the baseline sample."""
    if baseline not in samples:
        raise ValueError(f"no {baseline!r} sample")
    if not all(samples.values()):
        raise ValueError("a sample is empty")
    base = len(encoding.encode(samples[baseline]))
    if base == 0:
        raise ValueError("the baseline has no tokens")
    result = {baseline: {"tokens": base, "tokens_per_100_chars": round(100 * base / len(samples[baseline]), 1),
                         "vs_baseline": 1.0}}
    for label, text in samples.items():
        if label == baseline:
            continue
        n = len(encoding.encode(text))
        result[label] = {"tokens": n, "tokens_per_100_chars": round(100 * n / len(text), 1),
                         "vs_baseline": round(n / base, 2)}
    return result
