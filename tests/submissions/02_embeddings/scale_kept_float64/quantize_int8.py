def quantize_int8(matrix):
    """Symmetric per-row int8 quantisation: (codes int8 (n, d), scale float32 (n,))."""
    scale = np.abs(matrix).max(axis=1) / 127
    safe = np.where(scale == 0, 1, scale)
    codes = np.clip(np.rint(matrix / safe[:, None]), -127, 127).astype(np.int8)
    return codes, scale


def dequantize(codes, scale):
    """The float32 approximation of the quantised rows: codes[i] * scale[i]."""
    return codes * scale[:, None]
