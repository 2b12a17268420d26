#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN on (its default): tf.nn.conv2d of ones [2, 10, 5, 1] with ones
[2, 4, 1, 1], strides [1, 2], VALID returns values like 7.8e31 in batch 1's rows, different from
run to run; with TF_ENABLE_ONEDNN_OPTS=0 every output is the definition's 8.0.

Reported to the project by an independent checker; Conform's seeded campaigns (conv2d, seeds 1, 2
and 3, 1000 cases each, one intra-op thread) did not generate a case that triggers it. It shows
under `conform replay --candidate "python candidates/tensorflow_candidate.py"` with this case.

Exits 1 while TensorFlow still departs from the definition, 0 once it computes it."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

x = np.ones([2, 10, 5, 1], np.float32)
f = np.ones([2, 4, 1, 1], np.float32)
# VALID, strides (1, 2): 9 rows, (5 - 4) // 2 + 1 = 1 column; every window holds 2 * 4 ones.
want = np.full([2, 9, 1, 1], 8.0, np.float32)
departed = False
for attempt in range(3):
    got = tf.nn.conv2d(x, f, [1, 1, 2, 1], "VALID").numpy()
    if got.shape != want.shape or not np.array_equal(got, want):
        departed = True
        bad = np.argwhere(got != want) if got.shape == want.shape else []
        print(f"call {attempt}: TensorFlow {tf.__version__} returned {got.shape}, {len(bad)} elements not 8.0 "
              f"(min {float(got.min()):.3g}, max {float(got.max()):.3g})")
print("still departs" if departed else f"TensorFlow {tf.__version__} computes the definition")
sys.exit(1 if departed else 0)
