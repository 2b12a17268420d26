import Foundation

/// A JUnit XML document, as GitLab, Jenkins, Buildkite and most CI dashboards read it: test
/// suites of test cases, each passed or failed (a failure carries a type, a one-line message and
/// its text, for Conform the REPRO). Counts and times are computed from the cases, so they agree.
public struct JUnit: Sendable {
    public struct TestCase: Sendable {
        public var classname: String
        public var name: String
        public var seconds: Double
        public var failure: (type: String, message: String, text: String)?
        /// Said beside a passing case (a known quirk that explains it).
        public var output: String?
        /// Why the case was not tested (not a failure).
        public var skipped: String?

        public init(classname: String, name: String, seconds: Double = 0, failure: (type: String, message: String, text: String)? = nil,
                    output: String? = nil, skipped: String? = nil) {
            self.classname = classname
            self.name = name
            self.seconds = seconds
            self.failure = failure
            self.output = output
            self.skipped = skipped
        }
    }

    public struct Suite: Sendable {
        public var name: String
        public var properties: [(String, String)]
        public var cases: [TestCase]
        /// The suite's own time when it is not the sum of its cases' (a campaign timed as a whole).
        public var seconds: Double?

        public init(name: String, properties: [(String, String)] = [], cases: [TestCase], seconds: Double? = nil) {
            self.name = name
            self.properties = properties
            self.cases = cases
            self.seconds = seconds
        }

        var failures: Int { cases.filter { $0.failure != nil }.count }
        var skipped: Int { cases.filter { $0.failure == nil && $0.skipped != nil }.count }
        var time: Double { seconds ?? cases.reduce(0) { $0 + $1.seconds } }
    }

    public var name: String
    public var suites: [Suite]

    public init(name: String, suites: [Suite]) {
        self.name = name
        self.suites = suites
    }

    /// The document's text.
    public var xml: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let tests = suites.reduce(0) { $0 + $1.cases.count }, failures = suites.reduce(0) { $0 + $1.failures }
        out += "<testsuites name=\"\(Self.escaped(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" time=\"\(Self.seconds(suites.reduce(0) { $0 + $1.time }))\">\n"
        for suite in suites {
            out += "  <testsuite name=\"\(Self.escaped(suite.name))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\" errors=\"0\" skipped=\"\(suite.skipped)\" time=\"\(Self.seconds(suite.time))\">\n"
            if !suite.properties.isEmpty {
                out += "    <properties>" + suite.properties.map { "<property name=\"\(Self.escaped($0.0))\" value=\"\(Self.escaped($0.1))\"/>" }.joined() + "</properties>\n"
            }
            for c in suite.cases {
                out += "    <testcase classname=\"\(Self.escaped(c.classname))\" name=\"\(Self.escaped(c.name))\" time=\"\(Self.seconds(c.seconds))\""
                if c.failure == nil && c.output == nil && c.skipped == nil {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                if let f = c.failure {
                    out += "      <failure type=\"\(Self.escaped(f.type))\" message=\"\(Self.escaped(f.message))\">\(Self.escaped(f.text, attribute: false))</failure>\n"
                }
                if c.failure == nil, let skipped = c.skipped { out += "      <skipped message=\"\(Self.escaped(skipped))\"/>\n" }
                if let output = c.output { out += "      <system-out>\(Self.escaped(output, attribute: false))</system-out>\n" }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func seconds(_ x: Double) -> String { String(format: "%.3f", x.isFinite && x > 0 ? x : 0) }

    /// `text` as XML 1.0 character data or attribute value: markup escaped, and characters XML
    /// cannot hold (controls but tab, newline and return; lone surrogates cannot occur in a
    /// Swift string) written as `\u{…}`.
    static func escaped(_ text: String, attribute: Bool = true) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // An attribute's value keeps its line breaks and tabs only as references (a parser turns raw ones into spaces).
            case "\t", "\n", "\r":
                if attribute { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
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
}
