import Formats
import Optimized
import Reference

/// Every property, in one place: differential (optimized vs reference under both fills), the
/// metamorphic laws, and the error properties. A campaign runs those of each op on its cases.
public enum Properties {
    public static let all: [Property] = differential + otherVariant + variantLaws + OpTable.descriptors.flatMap(\.laws)

    /// The laws of its own that `op`'s descriptor lists, from the families they are written in.
    static func laws(of op: String) -> [Property] {
        (convolutionLaws + gradientLaws + sequenceLaws + viewLaws + kerasAndRandomLaws).filter { $0.op == op }
    }

    /// The properties of one op.
    public static func of(_ op: String) -> [Property] { all.filter { $0.op == op } }

    /// The property named `name` (`op/law`). The differential law also answers to the name a
    /// candidate's failures carry (`op/<candidate>-vs-reference`, `differentialName`).
    public static func named(_ name: String) -> Property? {
        if let exact = all.first(where: { $0.name == name }) { return exact }
        guard name.hasSuffix(differentialSuffix), let slash = name.firstIndex(of: "/") else { return nil }
        return all.first { $0.name == name[..<slash] + "/optimized" + differentialSuffix }
    }

    static let differentialSuffix = "-vs-reference"

    /// What a failure of `property` is called when `candidate` is under test: the differential law
    /// is named after the candidate (`conv2d/my-ops-vs-reference`), since it is the candidate's
    /// answer and not Conform's optimized ops that departed; every other law keeps its name.
    /// A candidate name that is not a plain word, or that a law of any op already uses, reads `candidate`.
    public static func reportedName(_ property: String, candidate: String?) -> String {
        guard let candidate, property.hasSuffix("/optimized" + differentialSuffix), let slash = property.firstIndex(of: "/") else {
            return property
        }
        let op = property[..<slash]
        let plain = !candidate.isEmpty && candidate.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        let law = "/" + candidate + differentialSuffix
        return plain && !all.contains(where: { $0.name.hasSuffix(law) }) ? op + law : op + "/candidate" + differentialSuffix
    }

    /// Optimized against reference on random fill (within the bound, or bit for bit for exact ops)
    /// and on exact fill (bit for bit), plus each op's invalid cases, for every op.
    static let differential: [Property] = OpTable.all.flatMap { entry -> [Property] in
        [
            Property(entry.name, "optimized-vs-reference", .valid([.random, .exact])) { c, fill in versusReference(c, fill, entry.kind) },
            Property(entry.name, "invalid-input-raises", .invalid) { c, _ in invalidRaises(c) },
        ]
    }

    /// The name of the law that judges a second execution path (its failures depart on that path).
    public static let otherVariantLaw = "other-variant-vs-reference"

    /// A candidate that declares execution paths (`CandidateVariant`) is judged on a second one for
    /// every case: the case's variant with its first switchable axis moved to the next value. So
    /// every case checks two paths of the program, and a departure of one path is its own finding.
    static let otherVariant: [Property] = OpTable.all.map { entry in
        Property(entry.name, otherVariantLaw, .valid([.random, .exact])) { c, fill in
            guard let candidate = UnderTest.implementation.candidate, let other = CandidateVariant.current?.other(candidate.variants) else {
                return .discard
            }
            return CandidateVariant.$current.withValue(other) {
                let verdict = versusReference(c, fill, entry.kind)
                guard case let .fail(why) = verdict else { return verdict }
                return knownDeparture(c).map(Verdict.quirk) ?? .fail("under \(other): \(why)")
            }
        }
    }

    /// The differential check, with the mistrust guard on arithmetic outputs.
    static func versusReference(_ c: GeneratedCase, _ fill: Fill, _ kind: OpEntry.Kind) -> Verdict {
        let r: (reference: ReferenceRun, optimized: [String: AnyTensor], prepared: PreparedCase)
        do { r = try Run.both(c) } catch is NotOffered { return .discard } catch { return .fail("raised \(error)") }
        if kind == .arithmetic, let reason = mistrust(r.reference.outputs["output"], accumulated: r.reference.accumulated["output"]) { return .mistrusted(reason) }
        return judge(r.optimized, against: r.reference, r.prepared, fill: fill, kind: kind)
    }

    /// The known TensorFlow quirk or refusal that explains the candidate under test's answer to
    /// `c` (one more run of the case, only after a failure): a law that fails on a case whose own
    /// answer departs as a quirk says fails because of that quirk.
    static func knownDeparture(_ c: GeneratedCase) -> String? {
        // The definition is run once: for the refusal's output shapes, the candidate's shape check and the quirk's comparison.
        guard let reference = try? c.prepare().reference() else { return nil }
        let answer: [String: AnyTensor]
        do { answer = try Run.underTest(c, definition: reference) } catch let CandidateError.refused(message) {
            return KnownRefusal.explaining(op: c.op, attrs: c.attrs, inputs: c.inputs, outputShapes: reference.outputs.mapValues(\.shape),
                                           message: message)?.id
        } catch { return nil }
        guard let name = reference.outputs.keys.sorted().first, let got = answer[name], let definition = reference.outputs[name] else { return nil }
        let inputs = Dictionary(c.inputs, uniquingKeysWith: { a, _ in a })
        return Departure.explaining(op: c.op, inputs: inputs, attrs: c.attrs, got: got, definition: definition)?.id
    }

    /// Judges optimized outputs against a reference run: bit for bit under exact fill (unless the
    /// path is FFT, exact only to its norm-wise bound), else by the case's judge.
    static func judge(_ got: [String: AnyTensor], against reference: ReferenceRun, _ prepared: PreparedCase,
                      fill: Fill, kind: OpEntry.Kind) -> Verdict {
        var reference = reference
        reference.optimizedSlack = prepared.optimizedSlack
        if fill == .exact && kind == .arithmetic && reference.optimizedSlack == 0 {
            // Every partial sum is an exactly representable integer: any correct order gives these bits.
            for (name, expected) in reference.outputs {
                if let d = Run.difference(got[name], expected) { return .fail("exact fill: \(name) \(d)") }
            }
            return .pass
        }
        let checks = prepared.judge(UnderTest.implementation, got, reference.outputs, reference)
        if let bad = checks.first(where: { !$0.passed }) {
            let worst = bad.worst.map { " at \($0.index): expected \($0.expected), got \($0.got)" + ($0.ratio.map { ", error/bound \($0)" } ?? "") } ?? ""
            return .fail("\(bad.name)\(bad.mismatch.map { ": \($0)" } ?? "")\(worst)")
        }
        return .pass
    }

    /// Every arithmetic op: each algorithm the geometry admits (direct, column-vectorised, im2col,
    /// 1×1 GEMM, FFT) on each ISA the host runs, against one reference run.
    static let variantLaws: [Property] = OpTable.all.filter { $0.kind == .arithmetic }.map { entry in
        Property(entry.name, "every-variant-vs-reference", .valid([.random, .exact])) { c, fill in
            // Conform's own algorithms and ISAs: nothing to vary in a candidate.
            guard UnderTest.isOptimized else { return .discard }
            let prepared: PreparedCase, reference: ReferenceRun
            do {
                prepared = try c.prepare()
                reference = try prepared.reference()
            } catch { return .fail("raised \(error)") }
            if let reason = mistrust(reference.outputs["output"], accumulated: reference.accumulated["output"]) { return .mistrusted(reason) }
            // conv1d through its height-1 conv2d, separable through its pointwise stage (whose FFT is
            // left out: separable's bound is elementwise); ops without an algorithm choice run once per ISA.
            let algorithms: [Conv2DPlan.Algorithm?] = prepared.plannedGeometry.map { g in
                Conv2DPlan.applicable(to: g).filter { c.op != "separable_conv2d" || $0 != .fft }
            } ?? [nil]
            var base = Execution.current
            for algorithm in algorithms {
                for isa in Execution.hostISAs {
                    (base.algorithm, base.isa) = (algorithm, isa)
                    let verdict: Verdict = Execution.with(base) {
                        do {
                            let variant = try c.prepare()
                            guard let run = variant.optimized else { return .discard }
                            return judge(try run(), against: reference, variant, fill: fill, kind: .arithmetic)
                        } catch { return .fail("raised \(error)") }
                    }
                    if case let .fail(why) = verdict { return .fail("\(algorithm?.rawValue ?? "default") on \(isa.rawValue): \(why)") }
                }
            }
            return .pass
        }
    }

    /// Why an arithmetic result proves nothing: non-finite values, or mostly zeros. With the
    /// reference's accumulation, only elements that sum at least one product count: an element
    /// with no terms (a gradient of an empty batch, a filter tap that reads only padding) is 0 by
    /// definition, and a result of nothing else is a boundary worth checking, not a weak case.
    public static func mistrust(_ output: AnyTensor?, accumulated: Accumulated? = nil) -> String? {
        guard let t = output, t.dtype.isFloatingPoint, t.count > 0 else { return nil }
        let values = t.doubles
        if let bad = values.firstIndex(where: { !$0.isFinite }) { return "non-finite output at \(bad)" }
        let counted = values.indices.filter { i in accumulated.map { $0.terms.count == values.count ? $0.terms[i] > 0 : true } ?? true }
        let zeros = counted.filter { values[$0] == 0 }.count
        if counted.count >= 8 && zeros * 10 > counted.count * 9 {
            return counted.count == t.count ? "\(zeros) of \(t.count) outputs are zero" : "\(zeros) of the \(counted.count) outputs that sum any product are zero"
        }
        return nil
    }

    /// What a candidate answered where it should have refused: whether the outputs are empty,
    /// finite or not, and their shapes (`an empty output (output [1, 0, 2, 1])`,
    /// `non-finite values (output [2, 3]: 4 of 6 non-finite)`).
    static func describe(_ answer: [String: AnyTensor]) -> String {
        let outputs = answer.sorted { $0.key < $1.key }
        let nonFinite = outputs.map { _, t in t.dtype.isFloatingPoint ? t.doubles.filter { !$0.isFinite }.count : 0 }
        let kind = outputs.allSatisfy({ $0.value.count == 0 }) ? "an empty output" : nonFinite.contains { $0 > 0 } ? "non-finite values" : "finite values"
        let shapes = zip(outputs, nonFinite).map { output, bad in
            "\(output.key) \(output.value.shape)" + (bad > 0 ? ": \(bad) of \(output.value.count) non-finite" : "")
        }
        return "\(kind) (\(shapes.joined(separator: ", ")))"
    }

    /// Both implementations must reject an invalid case with a typed error; a candidate must refuse
    /// it (`ok: false`), and one that computes something anyway accepts invalid input.
    static func invalidRaises(_ c: GeneratedCase) -> Verdict {
        if let candidate = UnderTest.implementation.candidate {
            guard candidate.offers(op: c.op, inputs: c.inputs) else { return .discard }
            // Only cases the specification itself rejects, and why it does.
            let reason: String
            do { _ = try c.prepare().reference(); return .discard } catch { reason = "\(error)" }
            do {
                let answer = try Run.underTest(c)
                return .acceptsInvalid("\(candidate.name) answered \(describe(answer)) for an input the specification rejects (\(reason))")
            } catch let CandidateError.failed(why) {
                return .fail(why)
            } catch {
                return .pass
            }
        }
        let prepared: PreparedCase
        do { prepared = try c.prepare() } catch { return .pass }  // rejected while decoding: a typed FixtureError
        var accepted = [String]()
        do { _ = try prepared.reference() } catch is OpError {} catch { return .fail("reference raised an untyped \(error)") }
        if (try? prepared.reference()) != nil { accepted.append("reference") }
        if let optimized = prepared.optimized {
            do { _ = try optimized() } catch is OpError {} catch { return .fail("optimized raised an untyped \(error)") }
            if (try? optimized()) != nil { accepted.append("optimized") }
        }
        return accepted.isEmpty ? .pass : .fail("\(accepted.joined(separator: " and ")) accepted an invalid case")
    }
}
