#!/usr/bin/env python3
"""TensorFlow as a conform-candidate/1 program: every op TensorFlow computes natively, through its own
ops (Keras for the causal Conv1D, the windows and the parameter counts; raw ops where the Python
wrapper hides an attribute; the gradients of conv1d, conv2d and depthwise_conv2d through
`tf.GradientTape` over the forward op, their training path). Conform judges it against the definition, so it finds where TensorFlow
departs (the known quirks are counted, not failed):

    conform fixtures --candidate "$PEERS/bin/python candidates/tensorflow_candidate.py" fixtures/tensorflow
    conform check --candidate "$PEERS/bin/python candidates/tensorflow_candidate.py" --ops conv2d

Its hello declares oneDNN on and off as a process variant: Conform starts workers with
`TF_ENABLE_ONEDNN_OPTS` set each way and runs every case on both (without variants, as in `conform
bench` and `fixtures`, the environment decides: TensorFlow's default is on). One intra-op thread
unless `--threads N` says otherwise."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

from candidate_protocol import serve, threads  # noqa: E402

OPS = ["conv1d", "conv2d", "depthwise_conv2d", "separable_conv2d", "extract_glimpse", "timeseries_windows", "frame",
       "count_params", "stateless_uniform", "conv2d_backprop_input", "conv2d_backprop_filter", "depthwise_conv2d_backprop_input",
       "depthwise_conv2d_backprop_filter", "conv1d_backprop_input", "conv1d_backprop_filter", "conv2d_transpose", "conv1d_transpose"]


def padding2d(p):
    return p if isinstance(p, str) else [[0, 0]] + p + [[0, 0]]


def conv1d(x, w, a):
    stride, dilation, padding = a["strides"][0], a["dilations"][0], a["padding"]
    if padding == "CAUSAL":
        layer = keras.layers.Conv1D(w.shape[2], w.shape[0], strides=stride, padding="causal", dilation_rate=dilation,
                                    groups=x.shape[2] // w.shape[1], use_bias=False, dtype=x.dtype.name)
        layer.build(x.shape)
        layer.set_weights([w])
        return layer(x).numpy()
    if isinstance(padding, list):
        return tf.nn.conv2d(x[:, None], w[None], strides=[1, 1, stride, 1], padding=[[0, 0], [0, 0], padding[0], [0, 0]],
                            dilations=[1, 1, dilation, 1]).numpy()[:, 0]
    return tf.nn.conv1d(x, w, stride=stride, padding=padding, dilations=dilation).numpy()


def windows(inputs, a):
    data, targets = inputs["data"], inputs.get("targets")
    kwargs = {k: a[k] for k in ["sequence_length", "sequence_stride", "sampling_rate", "start_index", "end_index"]}
    ds = keras.utils.timeseries_dataset_from_array(data, targets, batch_size=None, shuffle=False, **kwargs)
    items = list(ds.as_numpy_iterator())
    empty = np.zeros([0, a["sequence_length"], *data.shape[1:]], data.dtype)
    if targets is None:
        return {"windows": np.stack(items) if items else empty}
    return {"windows": np.stack([w for w, _ in items]) if items else empty,
            "targets": np.stack([t for _, t in items]) if items else np.zeros([0, *targets.shape[1:]], targets.dtype)}


def count_params(a):
    layer = getattr(keras.layers, a["layer"]).from_config(dict(a["config"], name="candidate"))
    shape = (None, *a["input_shape"])
    layer.build(shape)
    out = layer.compute_output_shape(shape)
    trainable = sum(int(np.prod(v.shape)) for v in layer.trainable_weights)
    frozen = sum(int(np.prod(v.shape)) for v in layer.non_trainable_weights)
    return {"trainable": np.array(trainable, np.int64), "non_trainable": np.array(frozen, np.int64),
            "output_shape": np.array([-1 if d is None else d for d in out[1:]], np.int64)}


def forward(op, a):
    """The forward op a gradient op differentiates, as TensorFlow ops of (input, filter): what a
    training step runs (conv1d's CAUSAL as the zeros Keras pads in front, then VALID)."""
    strides, dils, p = a["strides"], a["dilations"], a["padding"]
    if op.startswith("conv2d"):
        return lambda x, w: tf.nn.conv2d(x, w, [1, *strides, 1], padding2d(p), dilations=[1, *dils, 1])
    if op.startswith("depthwise"):
        return lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, *strides, 1], padding2d(p), dilations=dils)

    def conv1d_forward(x, w):
        if p == "CAUSAL":
            x = tf.pad(x, [[0, 0], [dils[0] * (w.shape[0] - 1), 0], [0, 0]])
            return tf.nn.conv1d(x, w, stride=strides[0], padding="VALID", dilations=dils[0])
        if isinstance(p, list):
            return tf.nn.conv2d(x[:, None], w[None], strides=[1, 1, strides[0], 1], padding=[[0, 0], [0, 0], p[0], [0, 0]],
                                dilations=[1, 1, dils[0], 1])[:, 0]
        return tf.nn.conv1d(x, w, stride=strides[0], padding=p, dilations=dils[0])
    return conv1d_forward


def split_groups(f):
    """A grouped forward op as its groups' convolutions side by side: what a TensorFlow user trains
    on CPU, whose gradient kernels refuse grouped convolutions."""
    def grouped(x, w):
        groups = x.shape[-1] // w.shape[-2]
        return tf.concat([f(a, b) for a, b in zip(tf.split(x, groups, axis=-1), tf.split(w, groups, axis=-1))], axis=-1)
    return grouped


def gradient(op, a, inputs, route="tape"):
    """What training computes: the tape's gradient of the forward op with respect to a zero operand
    of `input_sizes` or `filter_sizes` (the op is linear in each), given the output's gradient.
    Where TensorFlow's CPU gradient kernels refuse the op (grouped conv1d/conv2d; dilated ones), the
    route that trains on CPU instead: the groups side by side, or tf.nn.convolution's
    space-to-batch for a dilation with VALID or SAME."""
    try:
        return gradient_by(op, a, inputs, route)
    except tf.errors.InvalidArgumentError as error:
        said = error.message.lower()
        fallback = None
        # In a graph the filter's gradient kernel says it another way: it asks for Cin, not Cin/G, channels.
        if route == "tape" and ("grouped convolutions are not supported" in said or "filter_size does not have enough elements" in said):
            fallback = "split"
        # tf.nn.convolution's space-to-batch takes a dilation only at stride 1.
        if route == "tape" and "dilation rates larger than 1" in said and isinstance(a["padding"], str) and a["padding"] != "CAUSAL" \
                and all(s == 1 for s in a["strides"]):
            fallback = "space-to-batch"
        if fallback is None:
            raise
        try:
            return gradient_by(op, a, inputs, fallback)
        except (tf.errors.InvalidArgumentError, ValueError):
            # The other route refuses too (a grouped and dilated convolution): TensorFlow's own refusal stands.
            raise error from None


COMPILED = {}


def gradient_by(op, a, inputs, route):
    """The tape's gradient inside a tf.function, as Keras's training step runs it: in a graph,
    only the requested operand's gradient kernel runs (eagerly, Conv2D's registered gradient
    computes both operands'). One traced function per op, attributes, route and shapes, the last
    16 kept (a benchmark's repeated requests reuse one)."""
    given, g = inputs["filter" if op.endswith("_input") else "input"], inputs["out_backprop"]
    key = (op, repr(sorted(a.items())), route, given.shape, given.dtype.str, g.shape)
    if key not in COMPILED:
        if len(COMPILED) >= 16:
            COMPILED.pop(next(iter(COMPILED)))
        COMPILED[key] = tf.function(lambda given, g: traced_gradient(op, a, route, given, g))
    return COMPILED[key](tf.constant(given), tf.constant(g)).numpy()


def traced_gradient(op, a, route, given, g):
    f = forward(op, a)
    if route == "split":
        f = split_groups(f)
    elif route == "space-to-batch":
        f = lambda x, w: tf.nn.convolution(x, w, strides=a["strides"], padding=a["padding"], dilations=a["dilations"])
    of_input = op.endswith("_input")
    z = tf.zeros(a["input_sizes" if of_input else "filter_sizes"], given.dtype)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = f(z, given) if of_input else f(given, z)
    if list(y.shape) != list(g.shape):
        raise ValueError(f"out_backprop has shape {list(g.shape)}, the convolution's output {list(y.shape)}")
    grad = tape.gradient(y, z, output_gradients=g)
    return grad if grad is not None else tf.zeros_like(z)


def conv_transpose(op, a, inputs):
    """Keras's Conv1DTranspose / Conv2DTranspose layer (no bias) with the case's kernel."""
    x, k = inputs["input"], inputs["kernel"]
    rank = 1 if op == "conv1d_transpose" else 2
    cls = keras.layers.Conv1DTranspose if rank == 1 else keras.layers.Conv2DTranspose
    layer = cls(k.shape[-2], k.shape[:rank], strides=a["strides"], padding=a["padding"].lower(), output_padding=a["output_padding"],
                dilation_rate=a["dilations"], use_bias=False, dtype=x.dtype.name)
    layer.build(x.shape)
    layer.set_weights([k])
    return layer(x).numpy()


def run(op, a, inputs):
    x = inputs.get("input")
    if op.endswith("_transpose"):
        return {"output": conv_transpose(op, a, inputs)}
    if "_backprop_" in op:
        return {"output": gradient(op, a, inputs)}
    if op == "conv1d":
        return {"output": conv1d(x, inputs["filters"], a)}
    if op == "conv2d":
        return {"output": tf.nn.conv2d(x, inputs["filters"], [1, *a["strides"], 1], padding2d(a["padding"]),
                                       dilations=[1, *a["dilations"], 1]).numpy()}
    if op == "depthwise_conv2d":
        return {"output": tf.nn.depthwise_conv2d(x, inputs["filter"], [1, *a["strides"], 1], padding2d(a["padding"]),
                                                 dilations=a["dilations"]).numpy()}
    if op == "separable_conv2d":
        return {"output": tf.nn.separable_conv2d(x, inputs["depthwise_filter"], inputs["pointwise_filter"], [1, *a["strides"], 1],
                                                 a["padding"] if isinstance(a["padding"], str) else padding2d(a["padding"]),
                                                 dilations=a["dilations"]).numpy()}
    if op == "extract_glimpse":
        glimpse = tf.raw_ops.ExtractGlimpse if a["version"] == 1 else tf.raw_ops.ExtractGlimpseV2
        return {"output": glimpse(input=x, size=a["size"], offsets=inputs["offsets"], centered=a["centered"],
                                  normalized=a["normalized"], uniform_noise=False, noise=a["noise"]).numpy()}
    if op == "timeseries_windows":
        return windows(inputs, a)
    if op == "frame":
        return {"output": tf.signal.frame(inputs["signal"], a["frame_length"], a["frame_step"], pad_end=a["pad_end"],
                                          pad_value=a["pad_value"], axis=a["axis"]).numpy()}
    if op == "count_params":
        return count_params(a)
    if op == "stateless_uniform":
        kwargs = {"minval": a["minval"], "maxval": a["maxval"]} if "maxval" in a else {}
        return {"output": tf.random.stateless_uniform(a["shape"], seed=a["seed"], dtype=a["dtype"], **kwargs).numpy()}
    raise ValueError(f"not offered: {op}")


def main():
    tf.config.threading.set_intra_op_parallelism_threads(threads())
    tf.config.threading.set_inter_op_parallelism_threads(1)
    # oneDNN on (TensorFlow's default on x86) and off are two kernels for every convolution: Conform
    # starts one worker per value and checks both on every case.
    serve("tensorflow", tf.__version__, OPS, run, error_limit=300,
          variants={"onednn": {"scope": "process", "values": {"on": {"TF_ENABLE_ONEDNN_OPTS": "1"}, "off": {"TF_ENABLE_ONEDNN_OPTS": "0"}}}})


if __name__ == "__main__":
    main()
