#!/usr/bin/env python3
"""PyTorch as a conform-candidate/1 program: what `torch.nn.functional` and `Tensor.unfold`
compute natively. Convolutions go through `F.conv1d`/`F.conv2d` (channels-first, so the NHWC
tensors are permuted in and out; `groups` for grouped and depthwise), their padding through
`F.pad` (PyTorch pads symmetrically and has no strided "same", so the definition's amounts are
padded explicitly); frames are `Tensor.unfold`; the gradients of conv1d, conv2d and depthwise
are autograd's, through the same `F.conv1d`/`F.conv2d` (PyTorch's training path: its convolution
backward kernels). PyTorch has no glimpse, Keras counts, Keras
windows or TensorFlow's Philox stream, so it offers none of those.

    conform check --candidate "$PEERS/bin/python candidates/torch_candidate.py" --ops conv2d,frame

One intra-op thread unless `--threads N` says otherwise. Its hello declares two request variants
(docs/CANDIDATES.md, "Variants"), PyTorch's run-time choices of kernel: `layout` (contiguous
channels-first tensors, channels-last tensors, channels-last weights with a channels-first input,
or contiguous with oneDNN switched off) and `threads` (1 or 2 intra-op threads for the request)."""
import contextlib

import numpy as np
import torch
import torch.nn.functional as F

import candidate_protocol
from candidate_protocol import serve, threads

VARIANTS = {
    "layout": {"scope": "request", "values": ["contiguous", "channels_last", "channels_last_weights", "mkldnn_off"]},
    "threads": {"scope": "request", "values": ["1", "2"]},
}

OPS = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d", "frame", "conv2d_backprop_input", "conv2d_backprop_filter",
       "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter", "conv2d_transpose",
       "conv1d_transpose"]


def same(n, k, s, d):
    """TensorFlow's SAME padding along one axis (docs/OPS.md): out = ceil(n/s), the odd pixel after."""
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def pads(p, spatial, kernel, strides, dilations):
    """(before, after) per spatial axis from the attribute."""
    if p == "VALID":
        return [(0, 0)] * len(spatial)
    if p == "SAME":
        return [same(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilations)]
    if p == "CAUSAL":
        return [((kernel[0] - 1) * dilations[0], 0)]
    return [tuple(pair) for pair in p]


def padded(x, amounts):
    """x channels-first, padded with zeros by (before, after) per spatial axis (F.pad lists the last axis first)."""
    flat = [v for before, after in reversed(amounts) for v in (before, after)]
    return F.pad(x, flat) if any(flat) else x


def laid_out(x, w):
    """x and w in the memory layout the request's variant names (as given without one)."""
    layout = candidate_protocol.variant.get("layout")
    if layout == "channels_last":
        return x.contiguous(memory_format=torch.channels_last), w.contiguous(memory_format=torch.channels_last)
    if layout == "channels_last_weights":
        return x.contiguous(), w.contiguous(memory_format=torch.channels_last)
    if layout in ("contiguous", "mkldnn_off"):
        return x.contiguous(), w.contiguous()
    return x, w


def conv2d(x, w, a, groups):
    """x NCHW, w OIHW; the attribute's padding applied first."""
    x = padded(x, pads(a["padding"], x.shape[2:], w.shape[2:], a["strides"], a["dilations"]))
    x, w = laid_out(x, w)
    return F.conv2d(x, w, stride=a["strides"], dilation=a["dilations"], groups=groups)


def frame(signal, a):
    axis = a["axis"] % signal.ndim
    length, step = a["frame_length"], a["frame_step"]
    x = torch.from_numpy(signal)
    if a["pad_end"]:
        n = x.shape[axis]
        frames = -(-n // step)
        extra = max(0, (frames - 1) * step + length - n)
        widths = [0, 0] * (x.ndim - 1 - axis) + [0, extra]
        x = F.pad(x, widths, value=a["pad_value"]) if extra else x
    if x.shape[axis] < length:
        # No whole frame: unfold refuses a size past the axis, the definition gives zero frames.
        return x.narrow(axis, 0, 0).unsqueeze(axis + 1).expand(*x.shape[:axis], 0, length, *x.shape[axis + 1:]).numpy()
    # unfold puts the frame's samples last; the definition puts them right after the frame index.
    return x.unfold(axis, length, step).movedim(-1, axis + 1).numpy()


def channels_first(t):
    """An NHWC (or NWC) array as a channels-first torch tensor."""
    t = torch.from_numpy(t)
    return t.permute(0, 3, 1, 2) if t.ndim == 4 else t.permute(0, 2, 1)


def torch_forward(fop, a, x, w):
    """The forward convolution on channels-first x and the filter in the definition's layout
    (HWIO, WIO, or depthwise [KH, KW, C, M]), through F.conv1d/F.conv2d, channels-first out."""
    if fop == "conv2d":
        wt = w.permute(3, 2, 0, 1)
        if wt.shape[1] == 0 or x.shape[1] % wt.shape[1]:
            raise ValueError(f"the filter's {wt.shape[1]} input channels per group do not divide the input's {x.shape[1]}")
        return conv2d(x, wt, a, x.shape[1] // wt.shape[1])
    if fop == "depthwise_conv2d":
        kh, kw, c, m = w.shape
        if x.shape[1] != c:
            raise ValueError(f"input has {x.shape[1]} channels, the filter {c}")
        return conv2d(x, w.reshape(kh, kw, c * m, 1).permute(2, 3, 0, 1), a, c)
    wt = w.permute(2, 1, 0)
    if wt.shape[1] == 0 or x.shape[1] % wt.shape[1]:
        raise ValueError(f"the filter's {wt.shape[1]} input channels per group do not divide the input's {x.shape[1]}")
    x = padded(x, pads(a["padding"], x.shape[2:], wt.shape[2:], a["strides"], a["dilations"]))
    return F.conv1d(x, wt, stride=a["strides"], dilation=a["dilations"], groups=x.shape[1] // wt.shape[1])


def gradient(op, a, inputs):
    """A gradient as autograd computes it: a zero operand of `input_sizes` or `filter_sizes` that
    requires its gradient, the forward convolution, backward with the output's gradient."""
    fop = op.split("_backprop_")[0]
    g = channels_first(inputs["out_backprop"])
    if op.endswith("_input"):
        w = torch.from_numpy(inputs["filter"])
        sizes = a["input_sizes"]
        z = torch.zeros([sizes[0], sizes[-1], *sizes[1:-1]], dtype=w.dtype, requires_grad=True)
        y = torch_forward(fop, a, z, w)
    else:
        x = channels_first(inputs["input"])
        z = torch.zeros(a["filter_sizes"], dtype=x.dtype, requires_grad=True)
        y = torch_forward(fop, a, x, z)
    if tuple(y.shape) != tuple(g.shape):
        raise ValueError(f"out_backprop has shape {list(g.shape)} (channels first), the convolution's output {list(y.shape)}")
    y.backward(g.contiguous())
    grad = z.grad if z.grad is not None else torch.zeros_like(z)
    if op.endswith("_input"):
        grad = grad.permute(0, 2, 3, 1) if grad.ndim == 4 else grad.permute(0, 2, 1)
    return grad.contiguous().detach().numpy()



def run(op, a, inputs):
    """`compute` under the request's variant: its thread count, oneDNN off for `mkldnn_off`."""
    if "threads" in candidate_protocol.variant:
        torch.set_num_threads(int(candidate_protocol.variant["threads"]))
    off = candidate_protocol.variant.get("layout") == "mkldnn_off"
    with torch.backends.mkldnn.flags(enabled=False) if off else contextlib.nullcontext():
        return compute(op, a, inputs)


def compute(op, a, inputs):
    if op == "frame":
        return {"output": frame(inputs["signal"], a)}
    if "_backprop_" in op:
        return {"output": gradient(op, a, inputs)}
    if op.endswith("_transpose"):
        return {"output": gradient(*candidate_protocol.transpose_as_input_gradient(op, a, inputs))}
    x = torch.from_numpy(inputs["input"])
    if op == "conv1d":
        w = torch.from_numpy(inputs["filters"]).permute(2, 1, 0)
        x = x.permute(0, 2, 1)
        x = padded(x, pads(a["padding"], x.shape[2:], w.shape[2:], a["strides"], a["dilations"]))
        if candidate_protocol.variant.get("layout"):
            # Three-dimensional tensors have no channels-last format: every layout is contiguous here.
            x, w = x.contiguous(), w.contiguous()
        y = F.conv1d(x, w, stride=a["strides"], dilation=a["dilations"], groups=x.shape[1] // w.shape[1])
        return {"output": y.permute(0, 2, 1).contiguous().numpy()}
    x = x.permute(0, 3, 1, 2)
    if op == "conv2d":
        w = torch.from_numpy(inputs["filters"]).permute(3, 2, 0, 1)
        return {"output": conv2d(x, w, a, x.shape[1] // w.shape[1]).permute(0, 2, 3, 1).contiguous().numpy()}
    f = torch.from_numpy(inputs["filter" if op == "depthwise_conv2d" else "depthwise_filter"])
    kh, kw, c, m = f.shape
    if x.shape[1] != c:
        raise ValueError(f"input has {x.shape[1]} channels, the filter {c}")
    # Output channel c·M + m of the depthwise step is filter[:, :, c, m]: group c's m-th output.
    y = conv2d(x, f.reshape(kh, kw, c * m, 1).permute(2, 3, 0, 1), a, c)
    if op == "separable_conv2d":
        y = F.conv2d(y, torch.from_numpy(inputs["pointwise_filter"]).permute(3, 2, 0, 1))
    return {"output": y.permute(0, 2, 3, 1).contiguous().numpy()}


if __name__ == "__main__":
    torch.set_num_threads(threads())
    serve("torch", torch.__version__, OPS, run, variants=VARIANTS)
