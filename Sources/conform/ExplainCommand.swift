import ArgumentParser
import Report

/// `conform explain OP ...`: shapes, padding and parameter counts, in words.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain an op's shapes, windows and parameter counts.",
        discussion: """
        conform explain conv1d --input 800x10 --filters 16 --kernel 6
        conform explain conv2d --input 56x56x64 --filters 64 --kernel 3
        conform explain separable_conv2d --input 8x8x768 --filters 128 --kernel 5
        conform explain glimpse --image 5x5 --size 3x3 --offset 2,1
        conform explain windows --data 550000x28 --length 50
        """)

    @Argument(help: "conv1d, conv2d, separable_conv2d, glimpse (extract_glimpse) or windows (timeseries_windows).")
    var op: String

    @Option(help: "Input shape without batch, e.g. 800x10 or 56x56x64.") var input: String?
    @Option(help: "Output filters.") var filters: Int = 16
    @Option(help: "Kernel size, e.g. 6 or 3x3.") var kernel: String = "3"
    @Option(help: "Stride.") var stride: Int = 1
    @Option(help: "Dilation.") var dilation: Int = 1
    @Option(help: "Groups.") var groups: Int = 1
    @Option(help: "Depth multiplier (separable).") var multiplier: Int = 1
    @Option(help: "Glimpse image size HxW.") var image: String = "5x5"
    @Option(help: "Glimpse size HxW.") var size: String = "3x3"
    @Option(help: "Glimpse offset y,x.") var offset: String = "0,0"
    @Option(help: "Series shape TxF.") var data: String?
    @Option(help: "Window length.") var length: Int = 50
    @Option(help: "Windows sampling rate.") var rate: Int = 1
    @Option(help: "Batch size for the view.") var batch: Int = 256
    @Option(help: "conv2d_at: the output's position row,col.") var at: String = "0,0"
    @Option(help: "conv2d_at: correlation or convolution.") var mode: String = "correlation"
    @Option(help: "conv2d_at: corner or center.") var anchor: String = "corner"
    @Option(help: "frame: the signal's shape, e.g. 4x16000.") var signal: String = "16000"
    @Option(help: "frame: the step between frames.") var step: Int = 160
    @Flag(help: "frame: pad the end so every start gets a frame.") var padEnd = false
    @Option(help: "epoch_pairing: candidates per row, e.g. 3,1,4.") var rows: String = "3,1,4"
    @Option(help: "epoch_pairing: the seed; stateless_uniform: s0,s1.") var seed: String = "7"
    @Option(help: "epoch_pairing: the epochs to show.") var epochs: Int = 3
    @Option(help: "epoch_pairing: the first epoch.") var firstEpoch: Int = 0
    @Option(help: "epoch_pairing: tensorflow or cycle.") var pairingMode: String = "tensorflow"
    @Option(help: "stateless_uniform: the shape, e.g. 2x3.") var shape: String = "4"
    @Option(help: "stateless_uniform: float16, float32, float64, int32 or int64.") var dtype: String = "float32"
    @Option(help: "stateless_uniform: lower bound.") var minval: Double?
    @Option(help: "stateless_uniform: upper bound (required for integers).") var maxval: Double?

    func parse(_ text: String?, _ name: String) throws -> [Int] {
        guard let text, let dims = Explain.dims(text) else { throw ValidationError("--\(name) needs sizes like 800x10, got \(text ?? "nothing")") }
        // Sizes stay where their products (elements, bytes, parameters) cannot overflow.
        var product = 1
        for d in dims {
            let (p, overflow) = product.multipliedReportingOverflow(by: max(d, 1))
            guard (1...(1 << 31)).contains(d), !overflow, p <= 1 << 48 else {
                throw ValidationError("--\(name): expected sizes from 1 to 2147483648 with a product of at most 2^48, got \(text)")
            }
            product = p
        }
        return dims
    }

    func validate() throws {
        for (name, value) in [("filters", filters), ("stride", stride), ("dilation", dilation), ("groups", groups),
                              ("multiplier", multiplier), ("length", length), ("rate", rate), ("batch", batch), ("step", step),
                              ("epochs", epochs)] {
            try Limits.check(name, value, in: 1...(1 << 20))
        }
        try Limits.check("first-epoch", firstEpoch, in: 0...(1 << 40))
    }

    /// `a,b,…` as integers (`--at`, `--rows`, `--seed`).
    func integers(_ text: String, _ name: String, count: Int? = nil) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, !parts.contains(nil), count.map({ $0 == parts.count }) ?? true,
              parts.allSatisfy({ abs($0!) <= 1 << 48 }) else {
            throw ValidationError("--\(name) needs \(count.map { "\($0) " } ?? "")comma-separated integers of at most 2^48, got \(text)")
        }
        return parts.map { $0! }
    }

    func run() throws {
        let lines: [String]
        switch op {
        case "conv1d", "conv2d":
            lines = try Explain.convolution(rank: op == "conv1d" ? 1 : 2, input: try parse(input, "input"), filters: filters,
                                            kernel: try parse(kernel, "kernel"), stride: stride, dilation: dilation, groups: groups)
        case "separable_conv2d", "separable":
            lines = try Explain.separable(input: try parse(input, "input"), filters: filters, kernel: try parse(kernel, "kernel"), multiplier: multiplier)
        case "glimpse", "extract_glimpse":
            let parts = offset.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { throw ValidationError("--offset needs y,x, got \(offset)") }
            lines = try Explain.glimpse(image: try parse(image, "image"), size: try parse(size, "size"), offset: (parts[0], parts[1]))
        case "conv2d_at":
            let position = try integers(at, "at", count: 2)
            lines = try Explain.convolutionAt(input: try parse(input, "input"), kernel: try parse(kernel, "kernel"), at: (position[0], position[1]),
                                              mode: mode, anchor: anchor)
        case "frame":
            lines = try Explain.frame(signal: try parse(signal, "signal"), length: length, step: step, padEnd: padEnd)
        case "pairing", "epoch_pairing":
            lines = try Explain.pairing(rows: try integers(rows, "rows"), seed: Int64(try integers(seed, "seed", count: 1)[0]), epochs: epochs,
                                        firstEpoch: firstEpoch, mode: pairingMode)
        case "uniform", "stateless_uniform":
            let s = try integers(seed, "seed", count: 2)
            lines = try Explain.uniform(shape: try parse(shape, "shape"), seed: s.map(Int64.init), dtype: dtype, minval: minval, maxval: maxval)
        case "windows", "timeseries_windows":
            lines = try Explain.windows(data: try parse(data, "data"), length: length, stride: stride, rate: rate, batch: batch)
        default:
            throw ValidationError("explain knows conv1d, conv2d, conv2d_at, separable_conv2d, glimpse, windows, frame, epoch_pairing and stateless_uniform, not \(op)")
        }
        for line in lines { say(line) }
    }
}
