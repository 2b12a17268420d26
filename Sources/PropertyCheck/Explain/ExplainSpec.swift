import Foundation
import Reference

/// How `conform explain` answers for one op (its descriptor's `explain`): the options it takes,
/// an example, and the lines it prints, computed by the suite's own code.
public struct ExplainSpec: Sendable {
    /// One `--name value` option, or a `--name` flag, and its default.
    public struct Option: Sendable {
        public let name: String
        public let help: String
        /// The value when the option is not given; nil: required (a flag: off).
        public let defaultValue: String?
        public let isFlag: Bool

        public init(_ name: String, _ help: String, default defaultValue: String? = nil, flag isFlag: Bool = false) {
            (self.name, self.help, self.defaultValue, self.isFlag) = (name, help, defaultValue, isFlag)
        }
    }

    /// Other names the command accepts for the op (`glimpse` for extract_glimpse).
    public let aliases: [String]
    /// A command line that shows it, without `conform explain`.
    public let example: String
    public let options: [Option]
    let answer: @Sendable (ExplainArguments) throws -> [String]

    public init(aliases: [String] = [], example: String, options: [Option], answer: @escaping @Sendable (ExplainArguments) throws -> [String]) {
        (self.aliases, self.example, self.options, self.answer) = (aliases, example, options, answer)
    }

    /// The lines for `arguments` (`--name value` pairs and flags). A malformed command line is an
    /// `ExplainUsageError` naming the option; values the op refuses are its `OpError`.
    public func answer(_ arguments: [String]) throws -> [String] {
        try answer(ExplainArguments(parsing: arguments, options: options))
    }

    /// The options in words, one per line, for help.
    public var optionLines: [String] {
        options.map { o in
            "  --\(o.name)\(o.isFlag ? "" : " <value>")  \(o.help)" + (o.defaultValue.map { " (default: \($0))" } ?? "")
        }
    }
}

/// A command line `conform explain` cannot read: an unknown option, a missing or malformed value.
public struct ExplainUsageError: Error, CustomStringConvertible {
    public let description: String
}

/// The options given to one op's explanation, read with its defaults and checked.
public struct ExplainArguments: Sendable {
    var values: [String: String]
    var flags: Set<String>
    let options: [ExplainSpec.Option]

    init(parsing arguments: [String], options: [ExplainSpec.Option]) throws {
        (values, flags, self.options) = ([:], [], options)
        var rest = arguments[...]
        while let word = rest.popFirst() {
            guard word.hasPrefix("--") else { throw ExplainUsageError(description: "expected an option such as --\(options.first?.name ?? "input"), got \(word)") }
            var name = String(word.dropFirst(2)), inline: String?
            if let eq = name.firstIndex(of: "=") { (name, inline) = (String(name[..<eq]), String(name[name.index(after: eq)...])) }
            guard let option = options.first(where: { $0.name == name }) else {
                throw ExplainUsageError(description: "unknown option --\(name); this op takes " + options.map { "--\($0.name)" }.joined(separator: ", "))
            }
            if option.isFlag {
                flags.insert(name)
            } else {
                guard let value = inline ?? rest.popFirst() else { throw ExplainUsageError(description: "--\(name) needs a value") }
                values[name] = value
            }
        }
    }

    /// The option's text: given, or its default.
    public func text(_ name: String) throws -> String {
        guard let value = values[name] ?? options.first(where: { $0.name == name })?.defaultValue else {
            throw ExplainUsageError(description: "--\(name) is required")
        }
        return value
    }

    /// The option's text, or nil when neither given nor defaulted.
    public func optionalText(_ name: String) -> String? { values[name] ?? options.first { $0.name == name }?.defaultValue }

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Sizes like `800x10`: each from 1 to 2^31, their product at most 2^48 (so that elements,
    /// bytes and parameters cannot overflow).
    public func dims(_ name: String) throws -> [Int] {
        let text = try text(name)
        guard let dims = Explain.dims(text) else { throw ExplainUsageError(description: "--\(name) needs sizes like 800x10, got \(text)") }
        var product = 1
        for d in dims {
            let (p, overflow) = product.multipliedReportingOverflow(by: max(d, 1))
            guard (1...(1 << 31)).contains(d), !overflow, p <= 1 << 48 else {
                throw ExplainUsageError(description: "--\(name): expected sizes from 1 to 2147483648 with a product of at most 2^48, got \(text)")
            }
            product = p
        }
        return dims
    }

    /// An integer within `range` (by default 1 to 2^20).
    public func int(_ name: String, in range: ClosedRange<Int> = 1...(1 << 20)) throws -> Int {
        let text = try text(name)
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ExplainUsageError(description: "--\(name): expected an integer from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        return value
    }

    /// `a,b,…` as integers of at most 2^48 in magnitude, `count` of them when given.
    public func integers(_ name: String, count: Int? = nil) throws -> [Int] {
        let text = try text(name)
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, !parts.contains(nil), count.map({ $0 == parts.count }) ?? true, parts.allSatisfy({ abs($0!) <= 1 << 48 }) else {
            throw ExplainUsageError(description: "--\(name) needs \(count.map { "\($0) " } ?? "")comma-separated integers of at most 2^48, got \(text)")
        }
        return parts.map { $0! }
    }

    /// A finite number, or nil when neither given nor defaulted.
    public func double(_ name: String) throws -> Double? {
        guard let text = optionalText(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw ExplainUsageError(description: "--\(name): expected a number, got \(text)") }
        return value
    }
}
