#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN on: tf.nn.conv2d given an input of rank 3 (an invalid input: NHWC
has 4 axes) aborts the whole process with a CHECK failure ("tensor_format.h:428] Check failed:
index >= 0 && index < num_total_dims Invalid index from the dimension: 3, 0, C") instead of
raising. With oneDNN off it raises InvalidArgumentError ("convolution input must be
4-dimensional: [1,4,4]"), as a bad input should.

Found by `conform check --candidate "python candidates/tensorflow_candidate.py" --ops
conv2d_backprop_input --cases 30 --seed 2026` (the invalid-input-raises property, case 6: an
input_sizes of rank 3 reaches the forward conv2d the gradient tape runs; the candidate's process
died with SIGABRT).

Exits 1 while TensorFlow still aborts, 0 once it raises."""
import os
import subprocess
import sys

CHILD = """
import numpy as np, tensorflow as tf
try:
    tf.nn.conv2d(tf.zeros([1, 4, 4]), np.ones((2, 2, 2, 3), np.float32), [1, 1, 1, 1], "VALID")
    print("computed an output for a rank-3 input")
except Exception as error:
    print("raised", type(error).__name__)
"""

for onednn in ("1", "0"):
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=onednn, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=300)
    checks = [line for line in run.stderr.splitlines() if "Check failed" in line]
    said = run.stdout.strip() or (checks[0] if checks else "")
    print(f"oneDNN {'on' if onednn == '1' else 'off'}: exit {run.returncode}: {said[:200]}")
    if onednn == "1" and run.returncode < 0:
        sys.exit(1)
sys.exit(0)
