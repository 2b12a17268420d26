#!/usr/bin/env python3
"""ONNX Runtime 1.32 CPU: a Conv node with auto_pad = SAME_UPPER whose stride exceeds the kernel by
2 or more reads the wrong pixels: the total padding SAME asks for, (out - 1) * stride + kernel - in,
is negative there, and instead of padding nothing (TensorFlow's SAME, and ONNX's own "output =
ceil(in / stride)" with the padding split between the sides) ONNX Runtime crops half of it from the
start, so every output reads the pixel after the one it should.

Found by `conform check --candidate "python candidates/onnxruntime_candidate.py" --cases 1000
--seed 11 --max-size 40`: conv2d case 341, depthwise_conv2d cases 554 and 947, separable_conv2d
case 248 and conv1d case 894, each shrunk to 5 to 13 elements; the smallest is below.

Exits 1 while ONNX Runtime still departs from the definition, 0 once it computes it."""
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


# One row of 4 pixels [0, 1, 0, 0], a 1x1 kernel of 1, stride 4. SAME keeps ceil(4 / 4) = 1 output;
# the padding it needs, (1 - 1) * 4 + 1 - 4 = -3, is none, so the output is the first pixel: 0.
x = np.array([0, 1, 0, 0], np.float32).reshape(1, 1, 1, 4)
w = np.ones([1, 1, 1, 1], np.float32)
want = np.zeros([1, 1, 1, 1], np.float32)
departed = False
got = conv(x, w, kernel_shape=[1, 1], strides=[1, 4], auto_pad="SAME_UPPER")
if got.shape != want.shape or not np.array_equal(got, want):
    departed = True
    print(f"ONNX Runtime {ort.__version__}: SAME_UPPER, stride 4, 1x1 kernel on [0, 1, 0, 0] returns {got.ravel()}, "
          f"the definition {want.ravel()}")
# The same in 1-D over 12 samples, the 1 at index 9: outputs read x[0], x[4], x[8].
x1 = np.zeros([1, 1, 12], np.float32)
x1[0, 0, 9] = 1
got1 = conv(x1, np.ones([1, 1, 1], np.float32), kernel_shape=[1], strides=[4], auto_pad="SAME_UPPER")
if not np.array_equal(got1, np.zeros([1, 1, 3], np.float32)):
    departed = True
    print(f"ONNX Runtime {ort.__version__}: 1-D, 12 samples, stride 4 returns {got1.ravel()}, the definition [0. 0. 0.]")
print("still departs" if departed else f"ONNX Runtime {ort.__version__} computes SAME_UPPER past the kernel as defined")
sys.exit(1 if departed else 0)
