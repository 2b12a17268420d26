#!/usr/bin/env python3
"""ONNX Runtime 1.32 CPU: a Conv node with auto_pad = SAME_UPPER (TensorFlow's SAME: the odd
padding pixel after) and a dilation above 1 is refused at run time ("Dilation not supported for
AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER"), although the ONNX operator defines it and
the same convolution with the equivalent explicit pads runs.

Found by `conform check --candidate "python candidates/onnxruntime_candidate.py" --cases 100
--seed 2026` (case 0 of conv2d, depthwise_conv2d and separable_conv2d, shrunk to 2 elements).

Exits 1 while ONNX Runtime still refuses (or departs from the definition), 0 once it computes it."""
import sys

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper


def conv(x, w, **attrs):
    graph = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"], **attrs)], "case",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape)),
                               helper.make_tensor_value_info("w", TensorProto.FLOAT, list(w.shape))],
                              [helper.make_value_info("y", helper.make_tensor_type_proto(TensorProto.FLOAT, shape=None))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(["y"], {"x": x, "w": w})[0]


# One row of 2 pixels, a 1x2 kernel with dilation 2: SAME keeps 2 outputs. The dilated kernel spans
# 3 pixels, so (2 - 1) + 3 - 2 = 2 pixels of padding are due, 1 before and 1 after:
# y0 = pad * 3 + x1 * 5 = 10, y1 = x0 * 3 + pad * 5 = 3.
x = np.array([1, 2], np.float32).reshape(1, 1, 1, 2)
w = np.array([3, 5], np.float32).reshape(1, 1, 1, 2)
want = np.array([0 * 3 + 2 * 5, 1 * 3 + 0 * 5], np.float32).reshape(1, 1, 1, 2)
explicit = conv(x, w, kernel_shape=[1, 2], dilations=[1, 2], pads=[0, 1, 0, 1])
assert np.array_equal(explicit, want), f"explicit pads give {explicit.ravel()}, the definition {want.ravel()}"
try:
    got = conv(x, w, kernel_shape=[1, 2], dilations=[1, 2], auto_pad="SAME_UPPER")
except Exception as error:  # the departure: a valid input refused
    print(f"ONNX Runtime {ort.__version__} refuses SAME_UPPER with dilation 2: {str(error)[:200]}")
    sys.exit(1)
if not np.array_equal(got, want):
    print(f"ONNX Runtime {ort.__version__} returns {got.ravel()} where the definition gives {want.ravel()}")
    sys.exit(1)
print(f"ONNX Runtime {ort.__version__} computes SAME_UPPER with dilation as defined")
sys.exit(0)
