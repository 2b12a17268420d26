#!/usr/bin/env python3
"""TensorFlow 2.21: tf.nn.depthwise_conv2d (and tf.nn.separable_conv2d, which runs it) with a
stride > 1 and a dilation > 1 only warns, then runs the strided convolution on each
space-to-batch phase of the input: along an axis with dilation r and stride s, element t of its
answer is element t mod r + r*s*floor(t/r) of the stride-1 dilated output (rows 0, 1, 4 for
r = s = 2, where the definition, Keras's DepthwiseConv2D, takes rows 0, 2, 4), in a shape of its
own. Conform's registry models it exactly (quirk depthwise-stride-dilation).

Found by Conform's live campaign:
    conform check --candidate "python candidates/tensorflow_candidate.py" --ops depthwise_conv2d --cases 400

Exits 1 while TensorFlow still departs from the definition, 0 once it computes it or refuses."""
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

warnings.simplefilter("ignore")
x = np.arange(1, 82, dtype=np.float32).reshape(1, 9, 9, 1)
f = np.ones([3, 3, 1, 1], np.float32)
s, r = 2, 2
# The definition (VALID): out[i, j] = sum over a, b of x[i*s + a*r, j*s + b*r] * f[a, b].
out = (9 - (3 - 1) * r - 1) // s + 1
want = np.zeros([1, out, out, 1], np.float64)
for i in range(out):
    for j in range(out):
        want[0, i, j, 0] = sum(float(x[0, i * s + a * r, j * s + b * r, 0]) for a in range(3) for b in range(3))
try:
    got = tf.nn.depthwise_conv2d(x, f, [1, s, s, 1], "VALID", dilations=[r, r]).numpy()
except (tf.errors.InvalidArgumentError, ValueError) as error:
    print(f"TensorFlow {tf.__version__} refuses: {str(error)[:120]}")
    sys.exit(0)
if got.shape == want.shape and np.allclose(got, want):
    print(f"TensorFlow {tf.__version__} computes the definition")
    sys.exit(0)
print(f"TensorFlow {tf.__version__} returned {got[0, :, :, 0].tolist()}, the definition is {want[0, :, :, 0].tolist()}")
sys.exit(1)
