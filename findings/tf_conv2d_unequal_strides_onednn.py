#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN on (its default): tf.nn.conv2d with two or more images, one input
channel, row stride 1, column stride above 1 and an output one column wide returns uninitialised
values in the later images; with TF_ENABLE_ONEDNN_OPTS=0 it computes the definition.

Two cases: the one an independent checker reported (ones [2, 10, 5, 1] with ones [2, 4, 1, 1],
strides [1, 2], VALID: values like 7.8e31 where 8.0 is due), and the one Conform's seeded live
campaign found and shrank (`conform check --candidate "python candidates/tensorflow_candidate.py"
--ops conv2d --cases 3000 --seed 4`, case 1607, the grouped-is-split-concat law): input [2, 1, 1, 1]
= [0, 1], a 4x3 filter with a single 1 at (2, 2), strides [1, 2], padding [[3, 1], [2, 0]]: 0 where
the definition gives 1.

Exits 1 while TensorFlow still departs from the definition, 0 once it computes it."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)


def reported():
    x = np.ones([2, 10, 5, 1], np.float32)
    f = np.ones([2, 4, 1, 1], np.float32)
    # VALID, strides (1, 2): 9 rows, (5 - 4) // 2 + 1 = 1 column; every window holds 2 * 4 ones.
    return tf.nn.conv2d(x, f, [1, 1, 2, 1], "VALID").numpy(), np.full([2, 9, 1, 1], 8.0, np.float32)


def shrunk():
    x = np.array([0, 1], np.float32).reshape(2, 1, 1, 1)
    f = np.zeros([4, 3, 1, 1], np.float32)
    f[2, 2, 0, 0] = 1
    # Padded, image 1 is a 5x3 plane with its 1 at (3, 2); output row 1 puts tap (2, 2) on it.
    want = np.zeros([2, 2, 1, 1], np.float32)
    want[1, 1, 0, 0] = 1
    return tf.nn.conv2d(x, f, [1, 1, 2, 1], [[0, 0], [3, 1], [2, 0], [0, 0]]).numpy(), want


departed = False
for name, case in [("reported", reported), ("shrunk by the campaign", shrunk)]:
    for attempt in range(3):
        got, want = case()
        if got.shape != want.shape or not np.array_equal(got, want):
            departed = True
            bad = np.argwhere(got != want) if got.shape == want.shape else []
            print(f"{name}, call {attempt}: TensorFlow {tf.__version__} returned {got.shape}, {len(bad)} elements off "
                  f"(min {float(got.min()):.3g}, max {float(got.max()):.3g})")
print("still departs" if departed else f"TensorFlow {tf.__version__} computes the definition")
sys.exit(1 if departed else 0)
