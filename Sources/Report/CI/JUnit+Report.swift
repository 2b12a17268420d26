import Formats

extension JUnit {
    /// `conform report` as JUnit: a suite per implementation and op. Its test cases are each
    /// fixture case, each campaign finding (failure or mistrusted case, with its replay line) and
    /// the op's campaign as a whole; a suite `conform.paths` holds a case per path of the
    /// optimized code the host can run (skipped when no campaign case reached it).
    ///
    /// `campaigns`: each implementation's campaign lines (the optimized ops', then each candidate's).
    public static func report(_ data: ReportData, campaigns: [(implementation: String, lines: [ReportData.CampaignLine])]) -> JUnit {
        var order = [String](), suites = [String: Suite]()
        func add(_ implementation: String, _ op: String, _ testcase: (String) -> TestCase) {
            let name = "conform.\(implementation).\(op)"
            if suites[name] == nil {
                order.append(name)
                suites[name] = Suite(name: name, properties: [("seed", "\(data.seed)"), ("implementation", implementation),
                                                             ("conform", ConformVersion.current)], cases: [])
            }
            suites[name]!.cases.append(testcase(name))
        }
        for d in data.discrepancies {
            add(d.implementation, d.op) { classname in
                let ratio = d.maxRatio.map { ", max error/bound \($0)" } ?? ""
                let failure: (String, String, String)? = d.verdict == "pass" || d.verdict.hasPrefix("quirk") ? nil
                    : (d.verdict.uppercased(), "\(d.caseID): \(d.verdict)\(ratio)", "REPRO \(d.repro)")
                return TestCase(classname: classname, name: d.caseID, failure: failure,
                                output: d.verdict.hasPrefix("quirk") ? "explained by the known \(d.verdict)" : nil)
            }
        }
        for (implementation, lines) in campaigns {
            for line in lines {
                add(implementation, line.op) { classname in
                    let summary = "\(line.cases) cases: \(line.passed) passed, \(line.failed) failed, \(line.mistrusted) mistrusted, \(line.discarded) discarded"
                    return TestCase(classname: classname, name: "campaign, seed \(data.seed)", seconds: line.seconds,
                                    failure: line.failed + line.mistrusted > 0 ? ("FAIL", summary, data.campaignSource) : nil)
                }
            }
        }
        var all = order.map { suites[$0]! }
        let paths = data.paths.filter(\.available).map { p in
            // Coverage does not gate the report (its exit status is the verdicts'): an unreached path was not tested, not failed.
            TestCase(classname: "conform.paths", name: p.path, failure: p.failures > 0 ? ("FAIL", "\(p.failures) of its \(p.cases) cases failed", "") : nil,
                     skipped: p.cases == 0 ? "no campaign case reached this path of the optimized code" : nil)
        }
        if !paths.isEmpty { all.append(Suite(name: "conform.paths", properties: [("seed", "\(data.seed)")], cases: paths)) }
        return JUnit(name: "conform report", suites: all)
    }
}
