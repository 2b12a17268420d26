#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN on (its default), one intra-op thread: tf.nn.depthwise_conv2d with
unequal row and column strides returns wrong values: zeros for this case, and for others (a
[1, 4, 2, 1] input, 1x3 kernel) values like 2.5e24 that change from call to call, as if read from
uninitialised memory.

Without oneDNN (TF_ENABLE_ONEDNN_OPTS=0) TensorFlow refuses unequal strides ("Current implementation
only supports equal length strides in the row and column dimensions"); with it, the input is
accepted and the answer is wrong.

Found by Conform's live campaigns (shrunk cases below):
    conform check --candidate "python candidates/tensorflow_candidate.py" --ops depthwise_conv2d --cases 300 --seed 7
    conform check --candidate "python candidates/tensorflow_candidate.py" --cases 600 --seed 11 --max-size 40
The second found it in separable_conv2d too (case 352: its depthwise step is the same kernel).

Exits 1 while TensorFlow still departs from the definition, 0 once it computes it or refuses."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)

x = np.array([0.0, 1.0], np.float32).reshape(1, 2, 1, 1)   # NHWC: 2 rows, 1 column
f = np.array([0, 1, 0, 0], np.float32).reshape(1, 2, 1, 2)  # 1x2 kernel, multiplier 2
strides = (1, 2)

# The definition (SAME, stride s, kernel k along an axis of length n): ceil(n/s) outputs, total
# padding max((out-1)*s + k - n, 0), the smaller half before; VALID: (n-k)//s + 1 outputs, no
# padding; out[i] = sum x[i*s + d - before] * f[d].
def definition(x, f, strides, padding="SAME"):
    n, h, w, c = x.shape
    kh, kw, _, m = f.shape
    out_shape, before = [], []
    for size, k, s in ((h, kh, strides[0]), (w, kw, strides[1])):
        out = -(-size // s) if padding == "SAME" else (size - k) // s + 1
        total = max((out - 1) * s + k - size, 0)
        out_shape.append(out)
        before.append(total // 2)
    y = np.zeros((n, out_shape[0], out_shape[1], c * m), np.float64)
    for b in range(n):
        for i in range(out_shape[0]):
            for j in range(out_shape[1]):
                for ch in range(c):
                    for mm in range(m):
                        acc = 0.0
                        for di in range(kh):
                            for dj in range(kw):
                                r, q = i * strides[0] + di - before[0], j * strides[1] + dj - before[1]
                                if 0 <= r < h and 0 <= q < w:
                                    acc += float(x[b, r, q, ch]) * float(f[di, dj, ch, mm])
                        y[b, i, j, ch * m + mm] = acc
    return y


# separable_conv2d's shrunk case: a 2x3 image with its 1 at (1, 1), VALID, strides (1, 2); the
# pointwise step keeps depthwise channel 1, which reads the image through the kernel's second tap.
xs = np.array([0, 0, 0, 0, 1, 0], np.float32).reshape(1, 2, 3, 1)
ds = np.array([0, 0, 0, 1], np.float32).reshape(1, 2, 1, 2)
ps = np.array([0, 1], np.float32).reshape(1, 1, 2, 1)
cases = [
    ("depthwise_conv2d", lambda: tf.nn.depthwise_conv2d(x, f, [1, *strides, 1], "SAME"), definition(x, f, strides)),
    ("separable_conv2d", lambda: tf.nn.separable_conv2d(xs, ds, ps, [1, *strides, 1], "VALID"),
     np.tensordot(definition(xs, ds, strides, "VALID"), ps[0, 0], axes=([3], [0]))),
]
departed = False
for name, run, want in cases:
    for attempt in range(5):
        try:
            got = run().numpy()
        except tf.errors.InvalidArgumentError as error:
            print(f"{name}: TensorFlow {tf.__version__} refuses unequal strides: {error.message.splitlines()[0][:120]}")
            break
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=1e-6):
            departed = True
            print(f"{name}, call {attempt}: TensorFlow {tf.__version__} returned {got.ravel().tolist()}, "
                  f"the definition is {want.ravel().tolist()}")
print("still departs" if departed else f"TensorFlow {tf.__version__} computes the definition or refuses")
sys.exit(1 if departed else 0)
