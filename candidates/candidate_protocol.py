"""The conform-candidate/1 loop (docs/CANDIDATES.md) shared by the Python candidate programs: the hello
line, then one JSON request per line, answered in order. A program supplies `run(op, attrs,
inputs) -> {output name: array}`; anything `run` raises is a refusal of that input."""
import json
import sys
import time


def threads():
    """The intra-op threads a peer runs with: `--threads N` on its command line, else 1 (so its
    timings compare with Conform's one-thread benchmarks; `conform bench --threads 2` pairs with
    `--threads 2` here)."""
    if "--threads" in sys.argv:
        return max(1, int(sys.argv[sys.argv.index("--threads") + 1]))
    return 1

import numpy as np

# The request's variant (axis → value) while `run` computes it: the values of the `request` axes
# the hello declared (a `process` axis is the environment the program was started with).
variant = {}


def serve(name, version, ops, run, error_limit=None, dtypes=None, variants=None):
    """Answers requests on stdin until it closes. `kind: time` requests are timed in-process,
    `repeat` calls of `run`; `error_limit` caps the length of a refusal's message; `dtypes`
    (op → NumPy descrs) narrows ops to the input dtypes the framework computes natively;
    `variants` declares the program's execution paths (docs/CANDIDATES.md, "Variants")."""
    global variant
    hello = {"protocol": "conform-candidate/1", "name": name, "version": version, "ops": ops}
    if dtypes:
        hello["dtypes"] = dtypes
    if variants:
        hello["variants"] = variants
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        variant = request.get("variant", {})
        try:
            inputs = {key: np.load(path) for key, path in request["inputs"].items()}
            outputs = run(request["op"], request["attrs"], inputs)
            reply = {"id": request["id"], "ok": True}
            if request.get("kind") == "time":
                seconds = []
                for _ in range(request.get("repeat", 1)):
                    start = time.perf_counter()
                    outputs = run(request["op"], request["attrs"], inputs)
                    seconds.append(time.perf_counter() - start)
                reply["seconds"] = seconds
            for key, path in request["outputs"].items():
                np.save(path, np.asarray(outputs[key]))
        except Exception as error:  # a refusal: the input is one it rejects
            reply = {"id": request["id"], "ok": False, "error": f"{type(error).__name__}: {str(error)[:error_limit]}"}
        print(json.dumps(reply), flush=True)


def transposed_length(n, k, s, d, padding, output_padding):
    """Keras's output length of a transposed convolution (conv_utils' rule)."""
    k = d * (k - 1) + 1
    if output_padding is None:
        return n * s + max(k - s, 0) if padding == "VALID" else n * s
    return (n - 1) * s + k - 2 * (k // 2 if padding == "SAME" else 0) + output_padding


def transpose_as_input_gradient(op, a, inputs):
    """A Keras transposed convolution as what it is, the input gradient of the convolution of its
    output's shape (Keras's rule) with the layer's input as the output's gradient: the (op, attrs,
    inputs) of that gradient request."""
    x, k = inputs["input"], inputs["kernel"]
    rank = 1 if op == "conv1d_transpose" else 2
    pads = a["output_padding"] or [None] * rank
    spatial = [transposed_length(n, kk, s, d, a["padding"], p)
               for n, kk, s, d, p in zip(x.shape[1:-1], k.shape[:rank], a["strides"], a["dilations"], pads)]
    attrs = {"input_sizes": [x.shape[0], *spatial, k.shape[-2]], "strides": a["strides"], "padding": a["padding"], "dilations": a["dilations"]}
    return ("conv1d_backprop_input" if rank == 1 else "conv2d_backprop_input"), attrs, {"filter": k, "out_backprop": x}
