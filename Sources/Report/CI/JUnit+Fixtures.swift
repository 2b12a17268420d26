import Formats
import PropertyCheck

extension JUnit {
    /// `conform fixtures` as JUnit: a suite per op, a test case per fixture case and
    /// implementation. A failed, crashed or unusable case is a failure whose text is the line the
    /// run printed and the command that reruns its set; a known quirk passes with its note.
    /// `commands`: the command of each candidate program by name, for its REPRO lines.
    public static func fixtures(_ verdicts: [FixtureVerdict], commands: [String: String] = [:], name: String = "conform fixtures") -> JUnit {
        var order = [String](), byOp = [String: [TestCase]]()
        for v in verdicts {
            let classname = "conform.fixtures.\(v.op)"
            let candidate = commands[v.implementation].map { "--candidate \(Campaign.Failure.shellQuoted($0)) " } ?? ""
            let repro = "REPRO conform fixtures \(candidate)\(Campaign.Failure.shellQuoted(v.set))"
            let type: String? = switch v.kind {
            case .pass, .quirk: nil
            case .fail: "FAIL"
            case .unusable: "ERROR"
            case .crash: "CRASH"
            }
            let failure = type.map { ($0, v.line, "\(v.line)\n\(repro)") }
            let label = v.implementation.isEmpty ? v.caseID : "\(v.caseID) [\(v.implementation)]"
            if byOp[v.op] == nil { order.append(v.op) }
            byOp[v.op, default: []].append(TestCase(classname: classname, name: label, seconds: v.seconds, failure: failure,
                                                    output: v.kind == .quirk ? v.line : nil))
        }
        return JUnit(name: name, suites: order.map { Suite(name: "conform.fixtures.\($0)", properties: [("conform", ConformVersion.current)],
                                                          cases: byOp[$0]!) })
    }
}
