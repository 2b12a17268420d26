import Formats
import Foundation
import PropertyCheck

/// What `conform check` gives CI systems: JUnit XML (GitLab, Jenkins, Buildkite and most
/// dashboards read it) and GitHub Actions annotations.
extension CheckReport {
    /// The results as JUnit XML: one test suite per implementation and op, with a test case for the
    /// op's campaign and one per distinct finding (its REPRO in the failure's text), mistrusted
    /// case and unreached path or boundary class, each a failure.
    public static func junit(_ results: [(implementation: String, result: Campaign.Result)], seed: UInt64) -> String {
        var suites = [String]()
        var (tests, failures, time) = (0, 0, 0.0)
        for (implementation, result) in results {
            let findings = Finding.group(result.failures)
            for s in result.summaries {
                var cases = [String]()
                let failedHere = s.failed + s.mistrusted
                let summary = "\(s.cases) cases: \(s.passed) passed, \(s.failed) failed, \(s.mistrusted) mistrusted, \(s.discarded) discarded"
                cases.append(testcase(op: s.op, implementation: implementation, name: "campaign, seed \(seed)", time: s.seconds,
                                      failure: failedHere > 0 ? ("FAIL", summary, "") : nil))
                for f in findings where f.first.op == s.op {
                    cases.append(testcase(op: s.op, implementation: implementation, name: "\(f.first.property) case \(f.first.caseIndex)", time: 0,
                                          failure: ("FAIL", f.first.message, "\(f.count) case(s) \(caseList(f))\nREPRO \(f.first.replayCommand)")))
                }
                for m in result.mistrusts where m.op == s.op {
                    cases.append(testcase(op: s.op, implementation: implementation, name: "\(m.property) case \(m.caseIndex) (mistrusted)", time: 0,
                                          failure: ("MISTRUSTED", m.message, "REPRO \(m.replayCommand)")))
                }
                for path in result.unreached where path.ops.contains(s.op) && path.ops.first(where: { op in result.summaries.contains { $0.op == op } }) == s.op {
                    cases.append(testcase(op: s.op, implementation: implementation, name: "path \(path.rawValue)", time: 0,
                                          failure: ("UNREACHED", "no case reached this path of the optimized code", "")))
                }
                for id in result.unreachedClasses where id.hasPrefix(s.op + "/") || id.hasPrefix(s.op + ":") {
                    cases.append(testcase(op: s.op, implementation: implementation, name: "boundary class \(id)", time: 0,
                                          failure: ("UNREACHED", "no judged case fell in this boundary class", "")))
                }
                let failedCases = cases.filter { $0.contains("<failure") }.count
                (tests, failures, time) = (tests + cases.count, failures + failedCases, time + s.seconds)
                suites.append("  <testsuite name=\"\(xml("conform.\(implementation).\(s.op)"))\" tests=\"\(cases.count)\" failures=\"\(failedCases)\" errors=\"0\" "
                              + "skipped=\"0\" time=\"\(String(format: "%.3f", s.seconds))\">\n"
                              + "    <properties><property name=\"seed\" value=\"\(seed)\"/><property name=\"implementation\" value=\"\(xml(implementation))\"/>"
                              + "<property name=\"conform\" value=\"\(ConformVersion.current)\"/></properties>\n"
                              + cases.joined() + "  </testsuite>\n")
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"conform check\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" time=\"\(String(format: "%.3f", time))\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    static func testcase(op: String, implementation: String, name: String, time: Double, failure: (type: String, message: String, text: String)?) -> String {
        let head = "    <testcase classname=\"\(xml("conform.\(implementation).\(op)"))\" name=\"\(xml(name))\" time=\"\(String(format: "%.3f", time))\""
        guard let failure else { return head + "/>\n" }
        return head + ">\n      <failure type=\"\(failure.type)\" message=\"\(xml(failure.message))\">\(xml(failure.text))</failure>\n    </testcase>\n"
    }

    /// `text` as XML 1.0 character data or attribute value: markup escaped, and characters XML
    /// cannot hold (controls but tab, newline and return; lone surrogates cannot occur in a
    /// Swift string) written as `\u{…}`.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
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
