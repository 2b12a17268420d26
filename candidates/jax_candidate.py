#!/usr/bin/env python3
"""JAX as a conform-candidate/1 program: the convolutions JAX computes natively, through
`jax.lax.conv_general_dilated` with NHWC/HWIO dimension numbers (`feature_group_count` for groups
and depthwise), and the input gradient of conv2d as its training path computes it, `jax.vjp` of
that convolution. JAX has no frame, windows, glimpse, Keras parameter counts or Philox stream of its
own, so it offers none of those.

    conform check --candidate "$PEERS/bin/python candidates/jax_candidate.py" --ops conv2d

float64 needs `jax_enable_x64`, set here. Requests run on the CPU backend, with one intra-op
thread unless `--threads N` says otherwise (XLA's Eigen pool would otherwise take every core).

Its hello declares a request variant (docs/CANDIDATES.md, "Variants"), `mode`: the op compiled
whole under `jax.jit` (XLA fuses the separable convolution's two steps) or dispatched op by op
under `jax.disable_jit()`."""
import functools
import os

import candidate_protocol
from candidate_protocol import serve, threads

os.environ.setdefault("JAX_PLATFORMS", "cpu")
if threads() == 1:
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
from jax import lax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


OPS = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_backprop_input", "conv2d_backprop_filter",
       "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter", "conv2d_transpose",
       "conv1d_transpose"]


def padding(p, kernel, dilation):
    """The attribute as lax takes it: "SAME"/"VALID" by name (lax's SAME is TensorFlow's: the odd
    pixel after), explicit pairs as they are, CAUSAL as its definition's pairs ((k-1)·d before)."""
    if p == "CAUSAL":
        return [((kernel - 1) * dilation, 0)]
    return p if isinstance(p, str) else [tuple(pair) for pair in p]


VARIANTS = {"mode": {"scope": "request", "values": ["jit", "eager"]}}


def conv(x, w, strides, pad, dilations, groups, spec):
    return lax.conv_general_dilated(x, w, window_strides=strides, padding=pad, rhs_dilation=dilations,
                                    dimension_numbers=spec, feature_group_count=groups)


def frozen(value):
    """A hashable copy of an attribute (lists become tuples), for jit's static arguments."""
    return tuple(frozen(v) for v in value) if isinstance(value, list) else value


@functools.partial(jax.jit, static_argnums=(0, 1))
def compiled(op, attrs, inputs):
    return forward(op, dict(attrs), inputs)


def run(op, a, inputs):
    """`forward` as the request's mode runs it: one compiled function, or op by op."""
    if candidate_protocol.variant.get("mode") == "jit":
        out = compiled(op, tuple(sorted((k, frozen(v)) for k, v in a.items())), inputs)
    else:
        with jax.disable_jit():
            out = forward(op, a, inputs)
    return {"output": np.asarray(out["output"])}


def forward(op, a, inputs):
    if "_backprop_" in op:
        return {"output": gradient(op, a, inputs)}
    if op.endswith("_transpose"):
        return {"output": gradient(*candidate_protocol.transpose_as_input_gradient(op, a, inputs))}
    x = inputs["input"]
    if op == "conv1d":
        w = inputs["filters"]
        return {"output": conv(x, w, a["strides"], padding(a["padding"], w.shape[0], a["dilations"][0]), a["dilations"],
                               x.shape[2] // w.shape[1], ("NWC", "WIO", "NWC"))}
    if op == "conv2d":
        w = inputs["filters"]
        return {"output": conv(x, w, a["strides"], padding(a["padding"], 0, 0), a["dilations"], x.shape[3] // w.shape[2],
                               ("NHWC", "HWIO", "NHWC"))}
    if op in ("depthwise_conv2d", "separable_conv2d"):
        f = inputs["filter" if op == "depthwise_conv2d" else "depthwise_filter"]
        kh, kw, c, m = f.shape
        if x.shape[3] != c:  # shapes are static under jit too
            raise ValueError(f"input has {x.shape[3]} channels, the filter {c}")
        # Depthwise is a grouped convolution with one input channel per group; output channel
        # c·M + m is filter[:, :, c, m], which is HWIO [kh, kw, 1, C·M] in row-major order.
        depthwise = conv(x, f.reshape(kh, kw, 1, c * m), a["strides"], padding(a["padding"], 0, 0), a["dilations"], c,
                         ("NHWC", "HWIO", "NHWC"))
        if op == "depthwise_conv2d":
            return {"output": depthwise}
        return {"output": conv(depthwise, inputs["pointwise_filter"], [1, 1], "VALID", [1, 1], 1, ("NHWC", "HWIO", "NHWC"))}
    raise ValueError(f"not offered: {op}")


def gradient(op, a, inputs):
    """The pullback (`jax.vjp`) of the forward op at a zero operand of `input_sizes` or
    `filter_sizes` (the op is linear in each), applied to the output's gradient."""
    fop = op.split("_backprop_")[0]
    of_input = op.endswith("_input")
    fname = "filter" if fop == "depthwise_conv2d" else "filters"
    given, g = inputs["filter" if of_input else "input"], inputs["out_backprop"]
    sizes = tuple(a["input_sizes" if of_input else "filter_sizes"])
    forward_attrs = {k: v for k, v in a.items() if k not in ("input_sizes", "filter_sizes")}
    if fop != "depthwise_conv2d":
        cin, per_group = (sizes[-1], given.shape[-2]) if of_input else (given.shape[-1], sizes[-2])
        if per_group == 0 or cin % per_group:
            raise ValueError(f"the filter's {per_group} input channels per group do not divide the input's {cin}")

    def f(z):
        operands = {"input": z, fname: given} if of_input else {"input": given, fname: z}
        return forward(fop, forward_attrs, operands)["output"]
    y, pullback = jax.vjp(f, jnp.zeros(sizes, given.dtype))
    if y.shape != g.shape:
        raise ValueError(f"out_backprop has shape {list(g.shape)}, the convolution's output {list(y.shape)}")
    return pullback(g)[0]



if __name__ == "__main__":
    serve("jax", jax.__version__, OPS, run, variants=VARIANTS)
