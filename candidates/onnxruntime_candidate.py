#!/usr/bin/env python3
"""ONNX Runtime as a conform-candidate/1 program: each case is a model of one `Conv` node built
from the attributes (two for separable: the depthwise `Conv` with `group` = C, then the 1×1 one),
run on the CPU execution provider. ONNX is channels-first, so the NHWC tensors are transposed in
and out; SAME is ONNX's `auto_pad = SAME_UPPER` (the odd pixel after, as TensorFlow), explicit and
CAUSAL padding are `pads`. ONNX has no frame, windows, glimpse, Keras counts or Philox stream of
TensorFlow's kind, so it offers none of those.

    conform check --candidate "$PEERS/bin/python candidates/onnxruntime_candidate.py" --ops conv2d

A session is built once per geometry and reused, so `kind: time` times `InferenceSession.run`
(with the layout transposes), not model building. One intra-op thread unless `--threads N`.

Its hello declares a request variant (docs/CANDIDATES.md, "Variants"), `graph_optimization`: the
session's graph optimisation level (disabled, basic, extended, all), each a session of its own;
the levels differ in the Conv rewrites and kernels ONNX Runtime picks (NCHWc layouts at "all")."""
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

import candidate_protocol
from candidate_protocol import serve, threads

LEVELS = {"disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL, "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
          "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}
VARIANTS = {"graph_optimization": {"scope": "request", "values": list(LEVELS)}}

OPS = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d"]
ELEMENT = {np.dtype(np.float16): TensorProto.FLOAT16, np.dtype(np.float32): TensorProto.FLOAT,
           np.dtype(np.float64): TensorProto.DOUBLE}
sessions = {}


def conv_attributes(padding, kernel, strides, dilations, groups):
    attrs = {"strides": list(strides), "dilations": list(dilations), "group": groups, "kernel_shape": list(kernel)}
    if padding == "SAME":
        attrs["auto_pad"] = "SAME_UPPER"
    elif padding == "VALID":
        attrs["auto_pad"] = "VALID"
    elif padding == "CAUSAL":
        attrs["pads"] = [(kernel[0] - 1) * dilations[0], 0]
    else:
        attrs["pads"] = [pair[0] for pair in padding] + [pair[1] for pair in padding]
    return attrs


def session(key, nodes, inputs, dtype):
    """An InferenceSession for a graph of `nodes`, inputs by name and shape, output "y", at the
    request's optimisation level (ONNX Runtime's default, all, without one)."""
    level = candidate_protocol.variant.get("graph_optimization", "all")
    key = (level, *key)
    if key not in sessions:
        if len(sessions) >= 4:  # a campaign brings a new geometry per case: keep the recent ones only
            sessions.clear()
        element = ELEMENT[np.dtype(dtype)]
        graph = helper.make_graph(nodes, "case", [helper.make_tensor_value_info(n, element, list(s)) for n, s in inputs],
                                  [helper.make_value_info("y", helper.make_tensor_type_proto(element, shape=None))])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = LEVELS[level]
        sessions[key] = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return sessions[key]


def run(op, a, inputs):
    x = inputs["input"]
    rank = x.ndim
    to_first, to_last = (0, rank - 1, *range(1, rank - 1)), (0, *range(2, rank), 1)
    feeds = {"x": np.ascontiguousarray(x.transpose(to_first))}
    if op in ("conv1d", "conv2d"):
        w = inputs["filters"]
        # [K..., Cin/G, Cout] → [Cout, Cin/G, K...]
        feeds["w"] = np.ascontiguousarray(w.transpose(rank - 1, rank - 2, *range(rank - 2)))
        nodes = [helper.make_node("Conv", ["x", "w"], ["y"], **conv_attributes(
            a["padding"], w.shape[:-2], a["strides"], a["dilations"], x.shape[-1] // w.shape[-2]))]
    else:
        f = inputs["filter" if op == "depthwise_conv2d" else "depthwise_filter"]
        kh, kw, c, m = f.shape
        if x.shape[3] != c:
            raise ValueError(f"input has {x.shape[3]} channels, the filter {c}")
        # Output channel c·M + m is filter[:, :, c, m]: group c's m-th output, weight [C·M, 1, KH, KW].
        feeds["w"] = np.ascontiguousarray(f.reshape(kh, kw, c * m, 1).transpose(2, 3, 0, 1))
        depthwise = conv_attributes(a["padding"], (kh, kw), a["strides"], a["dilations"], c)
        if op == "depthwise_conv2d":
            nodes = [helper.make_node("Conv", ["x", "w"], ["y"], **depthwise)]
        else:
            feeds["p"] = np.ascontiguousarray(inputs["pointwise_filter"].transpose(3, 2, 0, 1))
            nodes = [helper.make_node("Conv", ["x", "w"], ["d"], **depthwise),
                     helper.make_node("Conv", ["d", "p"], ["y"], kernel_shape=[1, 1])]
    key = (op, str(a), x.dtype.str, *((name, value.shape) for name, value in feeds.items()))
    s = session(key, nodes, [(name, value.shape) for name, value in feeds.items()], x.dtype)
    (y,) = s.run(["y"], feeds)
    return {"output": np.ascontiguousarray(y.transpose(to_last))}


if __name__ == "__main__":
    # The CPU execution provider has no float64 Conv ("Could not find an implementation for Conv(11)").
    serve("onnxruntime", ort.__version__, OPS, run, dtypes={op: ["<f2", "<f4"] for op in OPS}, variants=VARIANTS)
