import Formats
import Reference

/// Another implementation of some of Conform's ops (docs/CANDIDATES.md): a user's Swift code, or a
/// program in any language speaking `conform-candidate/1`. Judged exactly like Conform's own
/// optimized ops, against the reference.
public protocol Candidate: Sendable {
    /// The name reports print.
    var name: String { get }
    /// The ops it offers (docs/FIXTURES.md's names); Conform sends it no others.
    var ops: Set<String> { get }
    /// The command that starts it, for a program (REPRO lines name it); nil for Swift code.
    var command: String? { get }
    /// Whether it computes this case (a Swift candidate's typed functions take float32 only).
    func offers(op: String, inputs: [(String, AnyTensor)]) -> Bool
    /// Runs one case: the op, its attributes with every default filled in, its inputs by name,
    /// and the names of the outputs to produce.
    func run(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputs: [String]) throws(CandidateError)
        -> [String: AnyTensor]
    /// The execution paths it can be switched between (`CandidateVariant.current` picks one per case).
    var variants: [VariantAxis] { get }
}

extension Candidate {
    public var variants: [VariantAxis] { [] }
}

/// Why a candidate produced no outputs for a case.
public enum CandidateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// It refused the input (`ok: false`), with its own message.
    case refused(String)
    /// It died, hung, broke the protocol or wrote unreadable outputs: a finding of its own.
    case failed(String)

    public var description: String {
        switch self {
        case let .refused(why): "refused: \(why)"
        case let .failed(why): why
        }
    }
}
