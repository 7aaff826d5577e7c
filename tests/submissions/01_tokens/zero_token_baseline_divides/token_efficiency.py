def token_efficiency(samples, encoding, baseline="English"):
    """Tokens of each sample, per 100 characters, and relative to the baseline sample."""
    if baseline not in samples:
        raise ValueError(f"baseline {baseline!r} is not one of the samples {list(samples)}")
    counts = {}
    for label, text in samples.items():
        if not text:
            raise ValueError(f"sample {label!r} is empty")
        counts[label] = len(encoding.encode(text))
    return {
        label: {
            "tokens": n,
            "tokens_per_100_chars": round(100 * n / len(samples[label]), 1),
            "vs_baseline": round(n / counts[baseline], 2),
        }
        for label, n in counts.items()
    }
