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
                              ("multiplier", multiplier), ("length", length), ("rate", rate), ("batch", batch)] {
            try Limits.check(name, value, in: 1...(1 << 20))
        }
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
        case "windows", "timeseries_windows":
            lines = try Explain.windows(data: try parse(data, "data"), length: length, stride: stride, rate: rate, batch: batch)
        default:
            throw ValidationError("explain knows conv1d, conv2d, separable_conv2d, glimpse and windows, not \(op)")
        }
        for line in lines { say(line) }
    }
}
