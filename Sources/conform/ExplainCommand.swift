import ArgumentParser
import PropertyCheck

/// `conform explain OP ...`: shapes, windows and parameter counts, in words. The ops, their
/// options and their answers are their descriptors' (`OpDescriptor.explain`).
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain an op's shapes, windows and parameter counts.",
        discussion: (OpTable.explained.map { "conform explain " + $0.spec.example } + ["", "conform explain <op> --help lists the op's options."])
            .joined(separator: "\n"))

    @Argument(help: ArgumentHelp(
        "The op: " + OpTable.explained.map { ([$0.op] + $0.spec.aliases.map { "\($0)" }).joined(separator: " or ") }.joined(separator: ", ") + "."))
    var op: String

    @Argument(parsing: .captureForPassthrough, help: "The op's options, --name value (conform explain <op> --help).")
    var options: [String] = []

    func run() throws {
        guard let (name, spec) = OpTable.explanation(named: op) else {
            throw ValidationError("explain knows " + OpTable.explained.map(\.op).joined(separator: ", ") + ", not \(op)")
        }
        if options.contains("--help") || options.contains("-h") {
            say("conform explain \(name)\(spec.aliases.isEmpty ? "" : " (or " + spec.aliases.joined(separator: ", ") + ")") [options]")
            say("e.g. conform explain \(spec.example)")
            for line in spec.optionLines { say(line) }
            return
        }
        do {
            for line in try spec.answer(options) { say(line) }
        } catch let error as ExplainUsageError {
            throw ValidationError(error.description)
        }
    }
}
