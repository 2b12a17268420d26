import Formats
import Foundation
import Optimized
import Reference

/// Judges the implementations on fixture sets by docs/FIXTURES.md's rules.
public struct FixtureRunner: Sendable {
    /// Which implementations to judge (both by default, where an op has both).
    public var implementations: [Implementation]
    /// The part of the cases to judge: case k of all the sets' cases, in order, when k mod n = i.
    public var shard = Shard(index: 0, count: 1)

    public init(implementations: [Implementation] = Implementation.allCases, shard: Shard = Shard(index: 0, count: 1)) {
        self.implementations = implementations
        self.shard = shard
    }

    /// Runs every case of every folder; `progress(done, total)` is called as cases finish.
    public func run(directories: [URL], progress: (Int, Int) -> Void = { _, _ in }) -> FixtureRun {
        Threading.poisonUninitializedMemory()
        var run = FixtureRun()
        var sets = [FixtureSet]()
        for directory in Self.expand(directories) {
            do throws(FixtureError) { sets.append(try FixtureSet(directory: directory)) } catch { run.unusableSets.append(error) }
        }
        // With candidate programs, cases run in parallel (each request goes to one of the program's
        // worker copies); results keep the manifests' order.
        let width = implementations.compactMap { ($0.candidate as? ProgramCandidate)?.workers }.max() ?? 1
        let work = sets.flatMap { set in set.manifest.cases.map { (set, $0) } }.enumerated()
            .filter { shard.includes($0.offset) }.map(\.element)
        let total = work.count
        (run.sets, run.cases) = (sets.count, total)
        var slots = [[CaseResult]](repeating: [], count: work.count)
        let lock = NSLock()
        var done = 0
        func judgeOne(_ i: Int) {
            let results = self.judge(work[i].1, in: work[i].0)
            lock.lock()
            slots[i] = results
            done += 1
            let finished = done
            lock.unlock()
            progress(finished, total)
        }
        if width > 1 {
            withoutActuallyEscaping(judgeOne as (Int) -> Void) { body in
                let box = UnsafeTransfer(body)
                DispatchQueue.concurrentPerform(iterations: width) { w in
                    var i = w
                    while i < work.count {
                        box.value(i)
                        i += width
                    }
                }
            }
        } else {
            for i in work.indices { judgeOne(i) }
        }
        run.results = slots.flatMap { $0 }
        return run
    }

    /// Judges one case under each implementation it has; `onCost` hears its work units (its
    /// floating-point operations and expected output elements) once it is decoded, before any runs.
    public func judge(_ fixtureCase: FixtureCase, in set: FixtureSet, onCost: (Double) -> Void = { _ in }) -> [CaseResult] {
        judgeCase(fixtureCase, in: set, onCost: onCost).map { result in
            var result = result
            result.set = set.directory.path
            return result
        }
    }

    private func judgeCase(_ fixtureCase: FixtureCase, in set: FixtureSet, onCost: (Double) -> Void) -> [CaseResult] {
        let file = set.manifestPath
        func unusable(_ error: FixtureError, _ implementation: Implementation? = nil) -> [CaseResult] {
            [CaseResult(id: fixtureCase.id, op: fixtureCase.op, implementation: implementation,
                        verdict: .unusable(error), checks: [], seconds: 0)]
        }
        guard let entry = OpTable.entry(named: fixtureCase.op) else {
            return unusable(FixtureError(.unknownOp, file: file, caseID: fixtureCase.id, field: "op",
                                         expected: "one of " + OpTable.names.joined(separator: ", "),
                                         actual: "\"\(fixtureCase.op)\""))
        }
        var context = CaseContext(fixtureCase: fixtureCase, file: file) { name, field throws(FixtureError) in
            try set.tensor(name, caseID: fixtureCase.id, field: field)
        }
        let prepared: PreparedCase
        var expected = [String: AnyTensor]()
        do throws(FixtureError) {
            // All of the case's tensors together, from their headers, before any body is read.
            try set.checkBudget(fixtureCase)
            prepared = try entry.prepare(&context)
            for (name, fileName) in fixtureCase.outputs {
                expected[name] = try set.tensor(fileName, caseID: fixtureCase.id, field: "outputs.\(name)")
            }
        } catch {
            return unusable(error)
        }
        onCost((prepared.flops ?? 0) + expected.values.reduce(0.0) { $0 + Double($1.count) })
        // Every run below counts its needs beside the tensors the case holds; inputs are read once.
        let loaded = context.loadedInputs
        let held = (Array(loaded.values) + Array(expected.values)).reduce(0) { $0 + $1.count * $1.dtype.byteWidth }
        return MemoryBudget.$held.withValue(held) {
            judge(fixtureCase, in: set, entry: entry, prepared: prepared, expected: expected, inputs: loaded)
        }
    }

    /// Judges a decoded case: the reference, then each implementation, against the expected outputs.
    private func judge(_ fixtureCase: FixtureCase, in set: FixtureSet, entry: OpEntry, prepared: PreparedCase,
                       expected: [String: AnyTensor], inputs loaded: [String: AnyTensor]) -> [CaseResult] {
        var expected = expected
        let file = set.manifestPath
        func unusable(_ error: FixtureError, _ implementation: Implementation? = nil) -> [CaseResult] {
            [CaseResult(id: fixtureCase.id, op: fixtureCase.op, implementation: implementation,
                        verdict: .unusable(error), checks: [], seconds: 0)]
        }

        let start = DispatchTime.now()
        let referenceRun: ReferenceRun
        do { referenceRun = try prepared.reference() } catch {
            return unusable(Self.opFailure(error, file: file, caseID: fixtureCase.id), .reference)
        }
        var results = [CaseResult]()
        let referenceSeconds = Self.seconds(since: start)
        // A departing case: implementations are judged against the definition, and the recorded
        // output must still depart from it the way the quirk says.
        var departureFailure: OutputCheck?
        if let quirk = fixtureCase.departs {
            guard let departure = Departure.all.first(where: { $0.id == quirk && $0.op == fixtureCase.op }) else {
                return unusable(FixtureError(.invalidInput, file: file, caseID: fixtureCase.id, field: "departs",
                                             expected: "a quirk of \(fixtureCase.op): " + Departure.all.filter { $0.op == fixtureCase.op }.map(\.id).joined(separator: ", "),
                                             actual: "\"\(quirk)\""))
            }
            let recorded = expected
            expected = referenceRun.outputs
            let inputs = loaded
            let name = recorded.keys.sorted().first ?? "output"
            if prepared.judge(.reference, referenceRun.outputs, recorded, referenceRun).allSatisfy(\.passed) {
                departureFailure = .mismatched(name, "TensorFlow no longer departs (quirk \(quirk)): the recorded output is the definition")
            } else if let r = recorded[name], let d = referenceRun.outputs[name], let why = departure.check(inputs, fixtureCase.attrs, r, d) {
                departureFailure = .mismatched(name, "the recorded output departs from the definition, but not as quirk \(quirk) says: \(why)")
            }
        }
        for implementation in implementations
        where implementation.candidate != nil ? implementation.offers(fixtureCase.op) : prepared.implementations.contains(implementation) {
            var got = referenceRun.outputs, seconds = referenceSeconds
            if let candidate = implementation.candidate {
                let t = DispatchTime.now()
                let inputs = fixtureCase.inputs.compactMap { name, _ in loaded[name].map { (name, $0) } }
                // A case the candidate does not compute (another dtype than its typed functions take): not judged.
                guard candidate.offers(op: fixtureCase.op, inputs: inputs) else { continue }
                do {
                    got = try candidate.run(op: fixtureCase.op, attrs: OpTable.filledAttributes(fixtureCase.op, fixtureCase.attrs), inputs: inputs,
                                            outputs: expected.keys.sorted())
                } catch {
                    // Refusing a valid input TensorFlow is known to refuse: that refusal, counted, not failed.
                    if case let .refused(message) = error,
                       let known = KnownRefusal.explaining(op: fixtureCase.op, attrs: fixtureCase.attrs,
                                                          inputs: inputs, outputShapes: expected.mapValues(\.shape), message: message) {
                        results.append(CaseResult(id: fixtureCase.id, op: fixtureCase.op, implementation: implementation, verdict: .quirk(known.id),
                                                  checks: [], seconds: Self.seconds(since: t)))
                        continue
                    }
                    // Refusing a valid input, dying, hanging or breaking the protocol: each a failure of this case.
                    let why = if case let .refused(message) = error { "refused a valid input: \(message)" } else { error.description }
                    results.append(CaseResult(id: fixtureCase.id, op: fixtureCase.op, implementation: implementation, verdict: .fail,
                                              checks: [.mismatched(expected.keys.sorted().first ?? "output", why)], seconds: Self.seconds(since: t)))
                    continue
                }
                seconds = Self.seconds(since: t)
            } else if implementation == .optimized, let optimized = prepared.optimized {
                let t = DispatchTime.now()
                do { got = try optimized() } catch {
                    results += unusable(Self.opFailure(error, file: file, caseID: fixtureCase.id), .optimized)
                    continue
                }
                seconds = Self.seconds(since: t)
            }
            let checks = prepared.judge(implementation, got, expected, referenceRun) + (departureFailure.map { [$0] } ?? [])
            var verdict: CaseResult.Verdict = checks.allSatisfy(\.passed) ? .pass : .fail
            // A candidate's departure that a known TensorFlow quirk explains is that quirk, counted, not a failure.
            if verdict == .fail, implementation.candidate != nil, departureFailure == nil {
                let inputs = loaded
                if let name = got.keys.sorted().first, let g = got[name], let d = referenceRun.outputs[name],
                   let departure = Departure.explaining(op: fixtureCase.op, inputs: inputs, attrs: fixtureCase.attrs, got: g, definition: d) {
                    verdict = .quirk(departure.id)
                }
            }
            results.append(CaseResult(id: fixtureCase.id, op: fixtureCase.op, implementation: implementation, verdict: verdict,
                                      checks: checks, seconds: seconds))
        }
        return results
    }

    /// The sets a list of paths names: a folder holding `manifest.json` is a set; a path to a
    /// `manifest.json` names its folder; any other folder stands for every set below it, at any
    /// depth (hidden folders skipped, symlinked folders not followed), in path order. A path that
    /// names no set is kept, so reading it reports why.
    public static func expand(_ paths: [URL]) -> [URL] {
        let fm = FileManager.default
        func isSet(_ dir: URL) -> Bool { fm.fileExists(atPath: dir.appendingPathComponent("manifest.json").path) }
        func below(_ dir: URL, depth: Int) -> [URL] {
            if isSet(dir) { return [dir] }
            guard depth < 64 else { return [] }
            let children = (try? fm.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
            return children.filter { !$0.hasPrefix(".") }.flatMap { name -> [URL] in
                let child = dir.appendingPathComponent(name)
                var info = stat()
                guard lstat(child.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return [] }
                return below(child, depth: depth + 1)
            }
        }
        return paths.flatMap { path -> [URL] in
            if path.lastPathComponent == "manifest.json" { return [path.deletingLastPathComponent()] }
            let sets = below(path, depth: 0)
            return sets.isEmpty ? [path] : sets
        }
    }

    /// Why `path` can name no fixture set, or nil when it can: it does not exist, it is a file
    /// other than a `manifest.json`, or it is a folder with no set in or below it.
    public static func unusablePath(_ path: URL) -> String? {
        var info = stat()
        guard lstat(path.path, &info) == 0 else { return "no such file or folder: \(path.path)" }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            return path.lastPathComponent == "manifest.json" ? nil
                : "\(path.path) is a file; expected a fixture folder (holding manifest.json), a folder of them, or a manifest.json"
        }
        let sets = expand([path])
        return sets == [path] && !FileManager.default.fileExists(atPath: path.appendingPathComponent("manifest.json").path)
            ? "no fixture set (a folder holding manifest.json) in or below \(path.path)" : nil
    }

    /// Carries a closure into Dispatch's concurrent loop (the caller serialises what it shares).
    struct UnsafeTransfer<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    static func opFailure(_ error: Error, file: String, caseID: String) -> FixtureError {
        if let e = error as? OpError { return FixtureError(e, file: file, caseID: caseID) }
        return FixtureError(.invalidInput, file: file, caseID: caseID, field: "(run)", expected: "a run", actual: "\(error)")
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
