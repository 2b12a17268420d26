import Reference

// Each op's `conform explain`: its options (with their defaults) and the Explain function that
// answers. The descriptors (OpDescriptor+Ops) name these.
extension ExplainSpec {
    static func convolution(rank: Int) -> ExplainSpec {
        ExplainSpec(
            example: rank == 1 ? "conv1d --input 800x10 --filters 16 --kernel 6" : "conv2d --input 56x56x64 --filters 64 --kernel 3",
            options: [Option("input", rank == 1 ? "Input shape without batch, WxC." : "Input shape without batch, HxWxC."),
                      Option("filters", "Output filters.", default: "16"), Option("kernel", "Kernel size, e.g. 6 or 3x3.", default: "3"),
                      Option("stride", "Stride.", default: "1"), Option("dilation", "Dilation.", default: "1"),
                      Option("groups", "Groups.", default: "1")]
        ) { a in
            try Explain.convolution(rank: rank, input: try a.dims("input"), filters: try a.int("filters"), kernel: try a.dims("kernel"),
                                    stride: try a.int("stride"), dilation: try a.int("dilation"), groups: try a.int("groups"))
        }
    }

    static let conv1d = convolution(rank: 1)
    static let conv2d = convolution(rank: 2)

    static let separableConv2d = ExplainSpec(
        aliases: ["separable"], example: "separable_conv2d --input 8x8x768 --filters 128 --kernel 5",
        options: [Option("input", "Input shape without batch, HxWxC."), Option("filters", "Output filters.", default: "16"),
                  Option("kernel", "Kernel size, e.g. 5 or 3x3.", default: "3"), Option("multiplier", "Depth multiplier.", default: "1")]
    ) { a in
        try Explain.separable(input: try a.dims("input"), filters: try a.int("filters"), kernel: try a.dims("kernel"), multiplier: try a.int("multiplier"))
    }

    static let conv2dAt = ExplainSpec(
        example: "conv2d_at --input 10000x10000 --kernel 10000x10000 --at 5000,5000 --anchor center",
        options: [Option("input", "Input shape HxW."), Option("kernel", "Kernel shape KHxKW.", default: "3x3"),
                  Option("at", "The output's position row,col.", default: "0,0"),
                  Option("mode", "correlation or convolution.", default: "correlation"), Option("anchor", "corner or center.", default: "corner")]
    ) { a in
        let at = try a.integers("at", count: 2)
        return try Explain.convolutionAt(input: try a.dims("input"), kernel: try a.dims("kernel"), at: (at[0], at[1]),
                                         mode: try a.text("mode"), anchor: try a.text("anchor"))
    }

    static let conv2dBackpropInput = ExplainSpec(
        aliases: ["backprop_input"], example: "conv2d_backprop_input --input 56x56x64 --filters 64 --kernel 3 --stride 2",
        options: [Option("input", "The forward input's shape without batch, HxWxC."), Option("filters", "Output filters.", default: "16"),
                  Option("kernel", "Kernel size, e.g. 3 or 3x5.", default: "3"), Option("stride", "Stride.", default: "1"),
                  Option("dilation", "Dilation.", default: "1"), Option("padding", "VALID or SAME.", default: "SAME"),
                  Option("groups", "Groups.", default: "1")]
    ) { a in
        try Explain.backpropInput(input: try a.dims("input"), filters: try a.int("filters"), kernel: try a.dims("kernel"), stride: try a.int("stride"),
                                  dilation: try a.int("dilation"), padding: try a.text("padding"), groups: try a.int("groups"))
    }

    static let conv2dBackpropFilter = ExplainSpec(
        aliases: ["backprop_filter"], example: "conv2d_backprop_filter --input 56x56x64 --filters 64 --kernel 3",
        options: [Option("input", "The forward input's shape without batch, HxWxC."), Option("filters", "Output filters.", default: "16"),
                  Option("kernel", "Kernel size, e.g. 3 or 3x5.", default: "3"), Option("stride", "Stride.", default: "1"),
                  Option("dilation", "Dilation.", default: "1"), Option("padding", "VALID or SAME.", default: "SAME"),
                  Option("groups", "Groups.", default: "1"), Option("batch", "Batch.", default: "1")]
    ) { a in
        try Explain.backpropFilter(input: try a.dims("input"), filters: try a.int("filters"), kernel: try a.dims("kernel"), stride: try a.int("stride"),
                                   dilation: try a.int("dilation"), padding: try a.text("padding"), groups: try a.int("groups"),
                                   batch: try a.int("batch"))
    }

    static let extractGlimpse = ExplainSpec(
        aliases: ["glimpse"], example: "glimpse --image 5x5 --size 3x3 --offset 2,1",
        options: [Option("image", "Image size HxW.", default: "5x5"), Option("size", "Glimpse size HxW.", default: "3x3"),
                  Option("offset", "Offset y,x.", default: "0,0")]
    ) { a in
        let text = try a.text("offset")
        let parts = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts.allSatisfy(\.isFinite) else { throw ExplainUsageError(description: "--offset needs y,x, got \(text)") }
        return try Explain.glimpse(image: try a.dims("image"), size: try a.dims("size"), offset: (parts[0], parts[1]))
    }

    static let timeseriesWindows = ExplainSpec(
        aliases: ["windows"], example: "windows --data 550000x28 --length 50",
        options: [Option("data", "Series shape TxF."), Option("length", "Window length.", default: "50"), Option("stride", "Stride.", default: "1"),
                  Option("rate", "Sampling rate.", default: "1"), Option("batch", "Batch size for the view.", default: "256")]
    ) { a in
        try Explain.windows(data: try a.dims("data"), length: try a.int("length"), stride: try a.int("stride"), rate: try a.int("rate"),
                            batch: try a.int("batch"))
    }

    static let frame = ExplainSpec(
        example: "frame --signal 4x16000 --length 400 --step 160 --pad-end",
        options: [Option("signal", "The signal's shape, e.g. 4x16000.", default: "16000"), Option("length", "Frame length.", default: "400"),
                  Option("step", "The step between frames.", default: "160"),
                  Option("pad-end", "Pad the end so every start gets a frame.", flag: true)]
    ) { a in
        try Explain.frame(signal: try a.dims("signal"), length: try a.int("length"), step: try a.int("step"), padEnd: a.flag("pad-end"))
    }

    static let epochPairing = ExplainSpec(
        aliases: ["pairing"], example: "epoch_pairing --rows 3,1,4 --seed 7 --epochs 2",
        options: [Option("rows", "Candidates per row, e.g. 3,1,4.", default: "3,1,4"), Option("seed", "The seed.", default: "7"),
                  Option("epochs", "The epochs to show.", default: "3"), Option("first-epoch", "The first epoch.", default: "0"),
                  Option("mode", "tensorflow or cycle.", default: "tensorflow")]
    ) { a in
        try Explain.pairing(rows: try a.integers("rows"), seed: Int64(try a.integers("seed", count: 1)[0]), epochs: try a.int("epochs"),
                            firstEpoch: try a.int("first-epoch", in: 0...(1 << 40)), mode: try a.text("mode"))
    }

    static let statelessUniform = ExplainSpec(
        aliases: ["uniform"], example: "stateless_uniform --shape 2x3 --seed 1,2",
        options: [Option("shape", "The shape, e.g. 2x3.", default: "4"), Option("seed", "The seed s0,s1.", default: "0,0"),
                  Option("dtype", "float16, float32, float64, int32 or int64.", default: "float32"), Option("minval", "Lower bound."),
                  Option("maxval", "Upper bound (required for integers).")]
    ) { a in
        try Explain.uniform(shape: try a.dims("shape"), seed: try a.integers("seed", count: 2).map(Int64.init), dtype: try a.text("dtype"),
                            minval: try a.double("minval"), maxval: try a.double("maxval"))
    }
}
