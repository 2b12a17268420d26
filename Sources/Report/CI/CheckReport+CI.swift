import Formats
import Foundation
import PropertyCheck

/// What `conform check` gives CI systems: JUnit XML (GitLab, Jenkins, Buildkite and most
/// dashboards read it) and GitHub Actions annotations.
extension CheckReport {
    /// The results as JUnit XML: one test suite per implementation and op, a test case per
    /// property of the op (a failure when it has findings: each distinct finding's message, case
    /// count and REPRO in the failure's text; mistrusted cases likewise), and one per unreached
    /// path or boundary class, a failure. The op's campaign counts are the suite's properties.
    public static func junit(_ results: [(implementation: String, result: Campaign.Result)], seed: UInt64) -> String {
        var suites = [JUnit.Suite]()
        for (implementation, result) in results {
            let own = Implementation(rawValue: implementation) != nil
            let findings = Finding.group(result.failures)
            for s in result.summaries {
                let classname = "conform.\(implementation).\(s.op)"
                func testcase(_ name: String, _ failure: (String, String, String)?) -> JUnit.TestCase {
                    JUnit.TestCase(classname: classname, name: name, failure: failure)
                }
                var cases = [JUnit.TestCase]()
                for property in Properties.of(s.op) {
                    let name = Properties.reportedName(property.name, candidate: own ? nil : implementation)
                    let mine = findings.filter { $0.first.op == s.op && Properties.named($0.first.property)?.name == property.name }
                    let mistrusted = result.mistrusts.filter { $0.op == s.op && Properties.named($0.property)?.name == property.name }
                    if let first = mine.first {
                        let count = mine.reduce(0) { $0 + $1.count }
                        let text = mine.map { "\($0.count) case(s) \($0.caseList): \($0.first.message)\nREPRO \($0.first.replayCommand)" }
                        cases.append(testcase(name, ("FAIL", "\(mine.count) finding(s) in \(count) case(s): \(first.first.message)",
                                                              text.joined(separator: "\n\n"))))
                    } else if let first = mistrusted.first {
                        cases.append(testcase(name, ("MISTRUSTED", "\(mistrusted.count) case(s) proved nothing: \(first.message)", "REPRO \(first.replayCommand)")))
                    } else {
                        cases.append(testcase(name, nil))
                    }
                }
                for path in result.unreached where path.ops.contains(s.op) && path.ops.first(where: { op in result.summaries.contains { $0.op == op } }) == s.op {
                    cases.append(testcase("path \(path.rawValue)", ("UNREACHED", "no case reached this path of the optimized code", "")))
                }
                for id in result.unreachedClasses where id.hasPrefix(s.op + "/") || id.hasPrefix(s.op + ":") {
                    cases.append(testcase("boundary class \(id)", ("UNREACHED", "no judged case fell in this boundary class", "")))
                }
                suites.append(JUnit.Suite(name: classname, properties: [
                    ("seed", "\(seed)"), ("implementation", implementation), ("conform", ConformVersion.current),
                    ("cases", "\(s.cases)"), ("passed", "\(s.passed)"), ("failed", "\(s.failed)"), ("mistrusted", "\(s.mistrusted)"),
                    ("discarded", "\(s.discarded)"), ("accepted_invalid", "\(s.acceptsInvalid)"),
                ], cases: cases, seconds: s.seconds))
            }
        }
        return JUnit(name: "conform check", suites: suites).xml
    }

    /// Each distinct finding as a GitHub Actions error annotation (`::error title=…::…`), its
    /// REPRO on the annotation's second line.
    public static func githubAnnotations(_ result: Campaign.Result, implementation: String) -> [String] {
        Finding.group(result.failures).map { f in
            "::error title=\(annotation("conform \(implementation): \(f.first.property)", property: true))::"
                + annotation("\(f.count) case(s), shrunk to \(f.first.shrunk.elementCount) elements: \(f.first.message)\nREPRO \(f.first.replayCommand)", property: false)
        } + result.unreached.map { path in
            "::error title=\(annotation("conform \(implementation): unreached path", property: true))::" + annotation(path.rawValue, property: false)
        }
    }

    /// GitHub's workflow-command escaping: `%`, CR and LF always; `:` and `,` in a property.
    static func annotation(_ text: String, property: Bool) -> String {
        var out = text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        if property { out = out.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C") }
        return out
    }
}
