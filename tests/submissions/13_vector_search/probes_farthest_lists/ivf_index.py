def build_ivf(vectors, n_lists, seed):
    vectors = np.array(vectors, dtype=np.float64)
    centroids, assignments = kmeans(vectors, n_lists, seed)
    lists = [np.flatnonzero(assignments == j) for j in range(n_lists)]
    return IVFIndex(centroids, lists, vectors)


def search_ivf(index, query, k, nprobe):
    if k < 1 or nprobe < 1:
        raise ValueError(f"k and nprobe must be at least 1; got k={k}, nprobe={nprobe}")
    to_centroids = squared_distances(query, index.centroids)[0]
    probed = np.argsort(to_centroids)[::-1][:nprobe]
    candidates = np.sort(np.concatenate([index.lists[j] for j in probed]))
    distances = squared_distances(query, index.vectors[candidates])[0]
    order = np.argsort(distances, kind="stable")[:k]
    return [(int(candidates[i]), float(distances[i])) for i in order], int(len(candidates))
