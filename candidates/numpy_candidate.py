#!/usr/bin/env python3
"""A conform-candidate/1 program in Python and NumPy (docs/CANDIDATES.md): conv1d, conv2d and frame,
written from their definitions. Run it under Conform:

    conform fixtures --candidate "python3 candidates/numpy_candidate.py" fixtures/tensorflow
    conform check --candidate "python3 candidates/numpy_candidate.py" --ops conv2d,frame

Only NumPy and candidate_protocol.py (the protocol loop, beside it) are needed. Conform's own tests do not use it (they use a Swift candidate)."""
import numpy as np

from candidate_protocol import serve


def pads(n, k, s, d, padding):
    """Output length and (before, after) pads of one axis, TensorFlow's rules."""
    span = d * (k - 1) + 1
    if padding == "VALID":
        return (n - span) // s + 1, (0, 0)
    if padding in ("SAME", "CAUSAL"):
        out = -(-n // s)
        total = max(0, (out - 1) * s + span - n)
        return out, ((span - 1, 0) if padding == "CAUSAL" else (total // 2, total - total // 2))
    before, after = padding
    return (n + before + after - span) // s + 1, (before, after)


def conv(x, w, strides, padding, dilations):
    """Grouped N-D cross-correlation, channels last: x [N, *S, C], w [*K, C/G, O]."""
    rank = x.ndim - 2
    groups = x.shape[-1] // w.shape[-2]
    outs, pairs = [], [(0, 0)]
    for a in range(rank):
        pad = padding if isinstance(padding, str) else padding[a]
        o, p = pads(x.shape[1 + a], w.shape[a], strides[a], dilations[a], pad)
        if o <= 0:
            raise ValueError(f"axis {a}: the kernel is larger than the padded input")
        outs.append(o)
        pairs.append(p)
    xp = np.pad(x.astype(np.float64), pairs + [(0, 0)])
    y = np.zeros([x.shape[0], *outs, w.shape[-1]])
    cpg, opg = w.shape[-2], w.shape[-1] // groups
    for tap in np.ndindex(*w.shape[:rank]):
        index = tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s in zip(tap, dilations, outs, strides))
        patch = xp[(slice(None),) + index]
        for g in range(groups):
            y[..., g * opg:(g + 1) * opg] += patch[..., g * cpg:(g + 1) * cpg] @ w[tap][:, g * opg:(g + 1) * opg].astype(np.float64)
    return y.astype(x.dtype)


def run(op, attrs, inputs):
    if op == "conv1d":
        padding = attrs["padding"] if isinstance(attrs["padding"], str) else [attrs["padding"][0]]
        return {"output": conv(inputs["input"], inputs["filters"], attrs["strides"], padding, attrs["dilations"])}
    if op == "conv2d":
        return {"output": conv(inputs["input"], inputs["filters"], attrs["strides"], attrs["padding"], attrs["dilations"])}
    if op == "frame":
        x, length, step = inputs["signal"], attrs["frame_length"], attrs["frame_step"]
        axis = attrs["axis"] % x.ndim
        n = x.shape[axis]
        frames = -(-n // step) if attrs["pad_end"] else max(0, (n - length) // step + 1)
        if attrs["pad_end"]:
            widths = [(0, 0)] * x.ndim
            widths[axis] = (0, max(0, (frames - 1) * step + length - n))
            x = np.pad(x, widths, constant_values=np.asarray(attrs["pad_value"]).astype(x.dtype))
        taken = [np.take(x, np.arange(i * step, i * step + length), axis=axis) for i in range(frames)]
        shape = list(x.shape[:axis]) + [frames, length] + list(x.shape[axis + 1:])
        return {"output": np.stack(taken, axis=axis) if taken else np.zeros(shape, x.dtype)}
    raise ValueError(f"unknown op {op}")


def main():
    serve("numpy", np.__version__, ["conv1d", "conv2d", "frame"], run)


if __name__ == "__main__":
    main()
