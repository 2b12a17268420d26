import Dispatch
import Reference

/// Shrinks a failing case: first its structure (every parameter toward its minimum), then its
/// values (zeroing runs of elements, then small integers), keeping each step only while the
/// property still fails. Capped in steps and seconds.
///
/// A failure that depends on uninitialised memory or thread timing may not come back: the result
/// is the smallest accepted case that fails `confirmations` more times in a row, walking back
/// through the accepted steps (the original case last), so a printed repro replays.
public struct Shrinker: Sendable {
    public var maxSteps = 600
    public var maxSeconds = 20.0
    /// Extra reruns the final case must fail.
    public var confirmations = 3

    public init() {}

    /// The result: the smallest failing case found, its spec (before value edits), and the message.
    public struct Result: Sendable {
        public var spec: CaseSpec
        public var shrunk: GeneratedCase
        public var message: String
        public var steps: Int
    }

    /// Shrinks `spec`. `check` judges a candidate (nil: it passes); by default the property runs in
    /// this process, a supervisor passes one that runs it in a fresh child (a crash is a failure).
    public func shrink(_ spec: CaseSpec, generator: OpGenerator, property: Property, invalid: Bool = false,
                       check: ((GeneratedCase) -> String?)? = nil) -> Result? {
        let start = DispatchTime.now().uptimeNanoseconds
        var steps = 0
        func budgetLeft() -> Bool {
            steps < maxSteps && Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < maxSeconds
        }
        func failure(_ c: GeneratedCase) -> String? {
            steps += 1
            if let check { return check(c) }
            if case let .fail(message) = property.check(c, fill: spec.fill) { return message }
            return nil
        }
        func build(_ s: CaseSpec) -> GeneratedCase? { invalid ? generator.invalidCase(s) : generator.build(s) }
        guard let first = build(spec), var message = failure(first) else { return nil }
        var best = spec, bestCase = first
        // Every accepted step but the last, oldest first (the last is best/bestCase).
        var accepted = [(CaseSpec, GeneratedCase, String)]()
        // A size class first becomes the same case in plain parameters, which then shrink freely.
        if let declassify = generator.declassify, !invalid {
            var plain = spec
            plain.params = declassify(spec.params)
            if plain != spec, let c = build(plain), c == first, let m = failure(c) {
                accepted.append((best, bestCase, message))
                (best, bestCase, message) = (plain, c, m)
            }
        }

        // Structure: each parameter toward its minimum, until no step helps. Last declared first:
        // generators declare their size-class switches last, and leaving a class while the other
        // parameters are still as drawn is what keeps a failure that every class shows.
        var improved = true
        while improved && budgetLeft() {
            improved = false
            for param in generator.params.reversed() where budgetLeft() {
                let value = best.params[param.name] ?? param.minimum
                let candidates = [param.minimum, param.minimum + (value - param.minimum) / 2, value - 1]
                for candidate in Set(candidates).sorted() where candidate >= param.minimum && candidate < value && budgetLeft() {
                    var next = best
                    next.params[param.name] = candidate
                    guard let c = build(next), c.elementCount <= bestCase.elementCount, let m = failure(c) else { continue }
                    accepted.append((best, bestCase, message))
                    (best, bestCase, message, improved) = (next, c, m, true)
                    break
                }
            }
        }

        // Values: zero runs of elements (halving the run), then small integers. A case whose every
        // expected value is zero cannot tell an output computed as zero from one never written
        // (a zeroed page reads as right), so its failure may not come back: values are not zeroed
        // that far, where the case had a nonzero expected value to keep.
        let keepNonzero = expectsNonzero(bestCase) == true
        for (index, (name, tensor)) in bestCase.inputs.enumerated() where tensor.dtype.isFloatingPoint {
            var values = tensor.doubles
            func attempt(_ candidate: [Double]) -> Bool {
                var c = bestCase
                c.inputs[index] = (name, tensor.with(shape: tensor.shape, values: candidate))
                if keepNonzero && expectsNonzero(c) == false { return false }
                guard let m = failure(c) else { return false }
                accepted.append((best, bestCase, message))
                (bestCase, message, values) = (c, m, candidate)
                return true
            }
            var run = values.count
            while run >= 1 && budgetLeft() {
                var i = 0
                while i < values.count && budgetLeft() {
                    if values[i..<min(values.count, i + run)].contains(where: { $0 != 0 }) {
                        var candidate = values
                        for j in i..<min(values.count, i + run) { candidate[j] = 0 }
                        _ = attempt(candidate)
                    }
                    i += run
                }
                run /= 2
            }
            for i in values.indices where values[i] != 0 && ![1, -1].contains(values[i]) && budgetLeft() {
                for small in [1.0, -1.0, 2.0, -2.0] {
                    var candidate = values
                    candidate[i] = small
                    if attempt(candidate) { break }
                }
            }
        }
        // Confirm, walking back from the smallest case to the original one.
        accepted.append((best, bestCase, message))
        for (spec, c, message) in accepted.reversed() {
            if (0..<confirmations).allSatisfy({ _ in failure(c) != nil }) {
                return Result(spec: spec, shrunk: c, message: message, steps: steps)
            }
        }
        return Result(spec: spec, shrunk: first, message: message + " (flaky: it did not fail on every rerun)", steps: steps)
    }

    /// Whether some floating-point output the definition gives the case is nonzero; nil when the
    /// definition rejects the case or gives no floating-point output.
    func expectsNonzero(_ c: GeneratedCase) -> Bool? {
        guard let run = try? c.prepare().reference() else { return nil }
        let floats = run.outputs.values.filter { $0.dtype.isFloatingPoint && $0.count > 0 }
        return floats.isEmpty ? nil : floats.contains { $0.doubles.contains { $0 != 0 } }
    }
}
