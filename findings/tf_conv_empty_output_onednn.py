#!/usr/bin/env python3
"""TensorFlow 2.21 CPU, oneDNN on (its default): a VALID or explicitly padded tf.nn.conv2d or
tf.nn.depthwise_conv2d whose output extent is 0 by TensorFlow's own rule returns a tensor of the
input's spatial shape filled with uninitialised memory, where the rule (and TensorFlow with
TF_ENABLE_ONEDNN_OPTS=0) gives an empty tensor.

TensorFlow's output size is (n - extent + stride) / stride, truncated toward zero, and only a
negative size is an error: an input of height 2 with a kernel of height 3 at stride 1 has 0 output
rows, and so has a kernel of height 7 at stride 3. Found by `conform check --candidate "python
candidates/tensorflow_candidate.py" --ops conv2d --seed 1` (its boundary class `output extent 0`,
shrunk to 3 elements: input [1, 2, 1, 1], filter [3, 1, 1, 1], VALID). The fixture exporter
(fixtures/export.py, which exports every empty-output boundary with oneDNN off and compares) found
the rest: an empty batch answered with the input's shape, an input row of 0 under SAME answered
with the input's channel count, and 0 output channels refused ("filter must not have zero
elements").

Runs the cases in a fresh interpreter with oneDNN on. Exits 1 while TensorFlow still departs, 0
once it returns the empty outputs."""
import os
import subprocess
import sys

CASES = [
    ("conv2d", [1, 2, 1, 1], [3, 1, 1, 1], [1, 1], "VALID", [1, 0, 1, 1]),
    ("conv2d", [1, 2, 3, 1], [7, 1, 1, 1], [3, 1], "VALID", [1, 0, 3, 1]),
    ("conv2d", [2, 4, 2, 1], [1, 4, 1, 1], [1, 1], [[0, 0], [0, 0], [1, 0], [0, 0]], [2, 4, 0, 1]),
    ("depthwise_conv2d", [1, 2, 3, 1], [3, 1, 1, 1], [1, 1], "VALID", [1, 0, 3, 1]),
    ("conv2d", [0, 3, 3, 2], [2, 2, 2, 3], [1, 1], "VALID", [0, 2, 2, 3]),
    ("conv2d", [1, 0, 3, 2], [1, 1, 2, 3], [1, 1], "SAME", [1, 0, 3, 3]),
    ("conv2d", [1, 3, 3, 2], [2, 2, 2, 0], [1, 1], "VALID", [1, 2, 2, 0]),
]

CHILD = r"""
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf
op, xs, fs, s, pad = json.loads(sys.argv[1])
x, f = np.ones(xs, np.float32), np.ones(fs, np.float32)
try:
    y = (tf.nn.conv2d if op == "conv2d" else tf.nn.depthwise_conv2d)(x, f, [1, *s, 1], pad).numpy()
    print(json.dumps([list(y.shape), float(np.abs(y).max()) if y.size else None]))
except tf.errors.InvalidArgumentError as error:
    print(json.dumps([None, "refused: " + error.message.splitlines()[0][:100]]))
"""


def main():
    import json
    departs = False
    for op, xs, fs, s, pad, want in CASES:
        env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1")
        out = subprocess.run([sys.executable, "-c", CHILD, json.dumps([op, xs, fs, s, pad])], env=env,
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        shape, largest = json.loads(out)
        ok = shape == want
        departs |= not ok
        print(f"{op} input {xs} filter {fs} strides {s} padding {pad}: shape {shape}, want {want}"
              + ("" if ok else f" ({largest})" if shape is None else f" (largest |value| {largest})"))
    print("TensorFlow departs" if departs else "TensorFlow computes the definition")
    sys.exit(1 if departs else 0)


if __name__ == "__main__":
    main()
