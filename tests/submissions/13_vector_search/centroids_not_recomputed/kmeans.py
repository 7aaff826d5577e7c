def kmeans(vectors, k, seed, max_iter=20):
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(vectors)
    if not 1 <= k <= n or max_iter < 1:
        raise ValueError(f"need 1 <= k <= {n} and max_iter >= 1; got k={k}, max_iter={max_iter}")
    centroids = vectors[np.random.default_rng(seed).choice(n, size=k, replace=False)]
    assignments = None
    for _ in range(max_iter):
        nearest = np.argmin(squared_distances(vectors, centroids), axis=1)
        if assignments is not None and np.array_equal(nearest, assignments):
            break
        assignments = nearest
    return centroids, assignments
