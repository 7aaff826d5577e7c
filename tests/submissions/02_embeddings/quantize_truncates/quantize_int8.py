def quantize_int8(matrix):
    matrix = np.asarray(matrix, dtype=np.float32)
    scale = np.abs(matrix).max(axis=1) / 127
    safe = np.where(scale == 0, 1.0, scale)
    codes = (matrix / safe[:, None]).astype(np.int8)
    return codes, scale.astype(np.float32)


def dequantize(codes, scale):
    return codes.astype(np.float32) * scale[:, None]
