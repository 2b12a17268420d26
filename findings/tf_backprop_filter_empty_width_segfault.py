#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN off (its default on CPUs without AVX-512 VNNI/BF16 or AMX):
Conv2DBackpropFilter of an input with no columns and a column stride above 1 kills the process
with SIGSEGV, where the definition gives a filter gradient of zeros (every element is an empty sum).

Found by `conform check --candidate "python candidates/tensorflow_candidate.py" --ops
conv2d_backprop_filter --cases 60 --seed 2026` (case 5, variant onednn=off: the candidate's
process died with signal 11; Conform's supervision recorded the crash and restarted it). Shrunk
by hand from input [3, 1, 0, 1], filter_sizes [4, 1, 1, 1], strides [4, 3], SAME to input
[1, 1, 0, 1], filter_sizes [1, 1, 1, 1], strides [1, 3], SAME; a row stride of 2 with stride 1 on
the columns does not crash. With TF_ENABLE_ONEDNN_OPTS=1 TensorFlow returns the zeros.

Runs the case in a child interpreter with oneDNN off. Exits 1 while the child dies by a signal,
0 once it returns zeros."""
import os
import subprocess
import sys

CHILD = r"""
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf
out = tf.raw_ops.Conv2DBackpropFilter(input=np.zeros([1, 1, 0, 1], np.float32), filter_sizes=[1, 1, 1, 1],
                                      out_backprop=np.zeros([1, 1, 0, 1], np.float32), strides=[1, 1, 3, 1], padding="SAME")
print(out.numpy().ravel().tolist())
"""


def main():
    run = subprocess.run([sys.executable, "-c", CHILD], env=dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0"), capture_output=True, text=True)
    if run.returncode < 0:
        print(f"Conv2DBackpropFilter(input [1, 1, 0, 1], filter_sizes [1, 1, 1, 1], strides [1, 3], SAME): killed by signal {-run.returncode}")
        print("TensorFlow departs")
        sys.exit(1)
    print(f"returned {run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()[-200:]}")
    print("TensorFlow computes the definition" if run.returncode == 0 and run.stdout.strip().endswith("[0.0]") else "TensorFlow departs")
    sys.exit(0 if run.returncode == 0 and run.stdout.strip().endswith("[0.0]") else 1)


if __name__ == "__main__":
    main()
