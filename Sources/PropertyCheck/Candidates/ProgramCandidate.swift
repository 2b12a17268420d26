import Dispatch
import Formats
import Foundation
import Synchronization
import Reference

/// A candidate program speaking `conform-candidate/1` (docs/CANDIDATES.md) over stdin and stdout, its
/// tensors as `.npy` files in a scratch folder Conform creates, owns and removes (also on
/// interrupt). Up to `workers` copies of the program run cases in parallel; a copy that dies,
/// misses the per-request timeout or breaks the protocol makes that case a finding (with the last
/// lines of its stderr) and is replaced by a fresh one.
public final class ProgramCandidate: Candidate, @unchecked Sendable {
    public let name: String
    public let ops: Set<String>
    public let version: String
    public let command: String?
    /// The most one request may take (`--candidate-timeout`); each request's own limit follows its
    /// cost and the program's measured speed on the op (`limits`).
    public let timeout: Double
    public let limits: CaseTimeLimit
    public let workers: Int
    /// The input dtypes (NumPy descrs) the hello declares per op; an op it does not list takes every dtype.
    public let dtypes: [String: Set<String>]
    /// The execution paths the hello declares (none for an older hello).
    public let variants: [VariantAxis]
    let scratch: URL
    private let lock = NSLock()
    /// Idle copies by the environment they started with (`environmentKey`): a process variant's own pool.
    private var idle: [String: [ChildProcess]] = [:]
    private var running = 0
    private var nextID = 0
    /// Protocol violations and failed restarts in a row, and crashes and timeouts while they
    /// outnumber the good replies (a good reply resets it).
    private var consecutiveBreaks = 0
    /// Good replies and crashes or timeouts so far: a program that mostly answers and dies or hangs
    /// on one kind of input has findings, one that mostly dies or hangs is broken.
    private var answered = 0, failed = 0
    private var unusableReason: String?
    /// Consecutive protocol violations or failed restarts after which the program is unusable.
    public static let breaksBeforeUnusable = 5

    /// Why the program was declared unusable, if it was: after `breaksBeforeUnusable` protocol
    /// violations or failed restarts in a row, no request is sent any more and the run should end
    /// with one ERROR (exit 2) rather than a finding per case.
    public var unusable: String? {
        lock.lock()
        defer { lock.unlock() }
        return unusableReason
    }

    /// Counts a protocol violation or failed restart (`why`), or a good reply (nil).
    private func note(broken why: String?) {
        lock.lock()
        defer { lock.unlock() }
        guard let why else { (consecutiveBreaks, answered) = (0, answered + 1); return }
        consecutiveBreaks += 1
        if consecutiveBreaks >= Self.breaksBeforeUnusable && unusableReason == nil {
            unusableReason = "\(consecutiveBreaks) requests in a row broke the protocol, could not restart it, or crashed or timed out (\(failed) crashes and timeouts against \(answered) answers); the last: \(why)"
        }
    }

    /// Counts a crash or a timeout: a break while crashes and timeouts outnumber the good replies.
    private func note(died why: String) {
        lock.lock()
        failed += 1
        let counts = failed > answered
        lock.unlock()
        if counts { note(broken: why) }
    }
    private let available: DispatchSemaphore

    /// Starts the program and reads its hello.
    ///
    /// - Throws: `FixtureError` naming the command when it cannot start or its first line is not
    ///   a `conform-candidate/1` hello within `startupTimeout` seconds (unusable input: exit 2).
    public init(command: String, timeout: Double = 60, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                startupTimeout: Double = 60) throws(FixtureError) {
        self.command = command
        self.timeout = timeout
        // A framework's first call of an op may trace or compile for seconds: a higher floor and more slack than a worker's.
        self.limits = CaseTimeLimit(ceiling: timeout, floor: 15, slack: 20)
        self.workers = max(1, workers)
        self.available = DispatchSemaphore(value: max(1, workers))
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conform-candidate-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw FixtureError(.io, file: scratch.path, field: "(scratch)", expected: "a writable temporary folder", actual: "\(error)")
        }
        ScratchFolders.register(scratch)
        let child: ChildProcess
        let hello: JSONValue
        do {
            child = try Self.start(command)
            let first = child.readLine(timeout: startupTimeout)
            guard case let .line(text) = first else {
                let tail = child.stderrLines()
                child.kill()
                // A program that ended is named as ended, not as slow.
                let what: String
                if first == .closed {
                    // The shell's own statuses for a command it could not run say so in words.
                    let ending = child.wait()
                    what = switch ending {
                    case .exited(127): "no line: the command was not found (the shell exited 127) before any hello"
                    case .exited(126): "no line: the command is not executable (the shell exited 126) before any hello"
                    default: "no line: the program \(ending) before its hello"
                    }
                } else {
                    what = "no line within \(Int(startupTimeout)) s"
                }
                throw FixtureError(.unsupportedFormat, file: command, field: "hello", expected: "a conform-candidate/1 hello line",
                                   actual: what + (tail.isEmpty ? "" : "; stderr: " + tail.joined(separator: " | ")))
            }
            guard let parsed = try? JSONParser.parse(text), parsed["protocol"]?.string == "conform-candidate/1" else {
                child.kill()
                throw FixtureError(.unsupportedFormat, file: command, field: "hello",
                                   expected: "{\"protocol\": \"conform-candidate/1\", \"name\": ..., \"ops\": [...]}", actual: String(text.prefix(200)))
            }
            hello = parsed
        } catch let error as FixtureError {
            ScratchFolders.remove(scratch)
            throw error
        } catch {
            ScratchFolders.remove(scratch)
            throw FixtureError(.io, file: command, field: "(start)", expected: "a program that starts", actual: "\(error)")
        }
        // An unusable hello: the program goes, and the scratch folder with it.
        let folder = scratch
        func abandon(_ error: FixtureError) -> FixtureError {
            child.kill()
            ScratchFolders.remove(folder)
            return error
        }
        guard let name = hello["name"]?.string, !name.isEmpty, let opList = hello["ops"]?.array?.compactMap(\.string) else {
            throw abandon(FixtureError(.missingField, file: command, field: "hello", expected: "a name and a list of ops", actual: hello.description))
        }
        if let unknown = opList.first(where: { OpTable.entry(named: $0) == nil }) {
            throw abandon(FixtureError(.unknownOp, file: command, field: "hello.ops", expected: "ops of " + OpTable.names.joined(separator: ", "),
                                       actual: "\"\(unknown)\""))
        }
        var dtypes = [String: Set<String>]()
        if let declared = hello["dtypes"] {
            guard let fields = declared.object else {
                throw abandon(FixtureError(.wrongType, file: command, field: "hello.dtypes", expected: "an object: op name → list of dtypes (\"<f4\")",
                                           actual: declared.description))
            }
            for (op, list) in fields {
                guard opList.contains(op), let descrs = list.array?.compactMap(\.string), descrs.count == list.array?.count,
                      descrs.allSatisfy({ DType(npyDescr: $0) != nil }) else {
                    throw abandon(FixtureError(.wrongType, file: command, field: "hello.dtypes.\(op)",
                                               expected: "a list of NumPy dtypes (<f2, <f4, <f8, <i4, <i8, |b1) for an op of hello.ops",
                                               actual: list.description))
                }
                dtypes[op] = Set(descrs.compactMap { DType(npyDescr: $0)?.npyDescr })
            }
        }
        self.dtypes = dtypes
        if let declared = hello["variants"] {
            do { variants = try VariantAxis.parse(declared, command: command) } catch { throw abandon(error) }
        } else {
            variants = []
        }
        self.name = name
        self.ops = Set(opList)
        self.version = hello["version"]?.string ?? ""
        idle = ["": [child]]
    }

    /// The environment a variant's process axes start the program with.
    func environment(_ variant: CandidateVariant?) -> [String: String] {
        guard let variant else { return [:] }
        var environment = [String: String]()
        for axis in variants where axis.scope == .process {
            if let value = variant.choices[axis.name], let variables = axis.environment[value] { environment.merge(variables) { _, b in b } }
        }
        return environment
    }

    static func environmentKey(_ environment: [String: String]) -> String {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// Whether it computes this case: an op it offers, every input of a dtype the hello allows for it.
    public func offers(op: String, inputs: [(String, AnyTensor)]) -> Bool {
        guard ops.contains(op) else { return false }
        guard let allowed = dtypes[op] else { return true }
        return inputs.allSatisfy { allowed.contains($0.1.dtype.npyDescr) }
    }

    deinit {
        for child in idle.values.joined() { child.finish(grace: 1) }
        ScratchFolders.remove(scratch)
    }

    static func start(_ command: String, environment: [String: String] = [:]) throws -> ChildProcess {
        if ScratchFolders.interrupted.withLock({ $0 }) { throw CandidateError.failed("interrupted") }
        return try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exec " + command], environment: environment)
    }

    /// A copy of the program for one request, started with `environment` (whose pool is `key`): an
    /// idle one, or a new one (its hello read and dropped).
    private func checkout(_ environment: [String: String], key: String) throws(CandidateError) -> ChildProcess {
        available.wait()
        lock.lock()
        if let child = idle[key]?.popLast() {
            lock.unlock()
            return child
        }
        lock.unlock()
        do {
            let child = try Self.start(command ?? "", environment: environment)
            guard case .line = child.readLine(timeout: timeout) else {
                available.signal()
                throw CandidateError.failed("restarted, it sent no hello: " + child.stderrLines().joined(separator: " | "))
            }
            return child
        } catch let error as CandidateError { throw error } catch {
            available.signal()
            throw CandidateError.failed("cannot restart \(command ?? ""): \(error)")
        }
    }

    private func checkin(_ child: ChildProcess?, key: String = "") {
        lock.lock()
        if let child { idle[key, default: []].append(child) }
        lock.unlock()
        available.signal()
    }

    public func run(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputs: [String]) throws(CandidateError)
        -> [String: AnyTensor] {
        try request(kind: "run", op: op, attrs: attrs, inputs: inputs, outputs: outputs, repeat: nil).outputs
    }

    /// Times a case in the program: `repeat` runs after a warm-up, measured around the computation.
    public func time(op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputs: [String], repeat count: Int)
        throws(CandidateError) -> [Double] {
        try request(kind: "time", op: op, attrs: attrs, inputs: inputs, outputs: outputs, repeat: count).seconds
    }

    private func request(kind: String, op: String, attrs: [(String, JSONValue)], inputs: [(String, AnyTensor)], outputs: [String],
                         repeat count: Int?) throws(CandidateError) -> (outputs: [String: AnyTensor], seconds: [Double]) {
        if ScratchFolders.interrupted.withLock({ $0 }) { throw .failed("interrupted") }
        if let why = unusable { throw .failed("unusable: \(why)") }
        lock.lock()
        nextID += 1
        let id = nextID
        lock.unlock()
        var inputFiles = [(String, JSONValue)](), outputFiles = [(String, JSONValue)]()
        // A folder per request, under a name the program cannot predict, reached only through Conform's own descriptor.
        let folder = try RequestFolder(in: scratch)
        defer { folder.remove() }
        for (index, (name, tensor)) in inputs.enumerated() {
            let file = "in-\(index).npy"
            try folder.create(file, tensor)
            inputFiles.append((name, .string(folder.path(of: file))))
        }
        for (index, name) in outputs.enumerated() {
            outputFiles.append((name, .string(folder.path(of: "out-\(index).npy"))))
        }
        var fields: [(String, JSONValue)] = [("id", JSONValue(id)), ("kind", .string(kind)), ("op", .string(op)), ("attrs", .object(attrs)),
                                             ("inputs", .object(inputFiles)), ("outputs", .object(outputFiles))]
        if let count { fields.append(("repeat", JSONValue(count))) }
        let variant = CandidateVariant.current
        let requestAxes = variants.filter { $0.scope == .request }.compactMap { axis in variant?.choices[axis.name].map { (axis.name, JSONValue.string($0)) } }
        if !requestAxes.isEmpty { fields.append(("variant", .object(requestAxes))) }
        let environment = environment(variant), key = Self.environmentKey(environment)
        let child: ChildProcess
        do { child = try checkout(environment, key: key) } catch {
            note(broken: error.description)
            throw error
        }
        func broken(_ what: String) -> CandidateError {
            child.kill()
            let ending = child.wait()
            let tail = child.stderrLines()
            checkin(nil)
            return .failed(what + " (the program \(ending))" + (tail.isEmpty ? "" : "; its stderr: " + tail.joined(separator: " | ")))
        }
        // Timed runs repeat the computation after a warm-up: each run counts.
        let units = CaseTimeLimit.units(op: op, attrs: attrs, inputs: inputs) * Double(1 + (count ?? 0))
        let limit = limits.limit(op: kind + "/" + op, units: units), sent = Date()
        func crashed(_ what: String) -> CandidateError {
            note(died: what)
            return broken(what)
        }
        guard child.send(JSONValue.object(fields).description) else { throw crashed("crashed: it stopped reading its stdin") }
        let reply: JSONValue
        switch child.readLine(timeout: limit) {
        case .timedOut:
            throw crashed("timed out: no reply in \(CaseTimeLimit.format(limit)) s (the case's limit, from its cost and the program's measured speed; --candidate-timeout caps it)")
        case .closed: throw crashed("crashed: it closed its stdout")
        case let .line(text):
            guard let json = try? JSONParser.parse(text), json["id"]?.int == id, let ok = json["ok"]?.bool else {
                let why = "protocol: expected the reply to request \(id), got \(String(text.prefix(200)))"
                note(broken: why)
                throw broken(why)
            }
            note(broken: nil)
            limits.record(op: kind + "/" + op, units: units, seconds: -sent.timeIntervalSinceNow)
            reply = json
            guard ok else {
                checkin(child, key: key)
                throw .refused(reply["error"]?.string ?? "no message")
            }
        }
        checkin(child, key: key)
        var result = [String: AnyTensor]()
        // An output may take a quarter of the run's memory budget: the run also holds the case's
        // inputs, the reference's outputs and accumulators, and the laws' copies of it.
        let largest = MemoryBudget.bytes / 4
        for (index, name) in outputs.enumerated() {
            result[name] = try folder.readOutput("out-\(index).npy", name: name, limit: largest)
        }
        let seconds = (reply["seconds"]?.array ?? []).compactMap(\.double)
        if kind == "time" && seconds.count != count {
            throw .failed("protocol: a time reply needs \(count ?? 0) seconds, got \(seconds.count)")
        }
        return (result, seconds)
    }
}

/// Scratch folders Conform owns: removed when their candidate goes away, and on SIGINT/SIGTERM.
public enum ScratchFolders {
    nonisolated(unsafe) static var folders = Set<URL>()
    static let lock = NSLock()
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    /// Set when SIGINT or SIGTERM arrived: the process is on its way out with 128 + the signal.
    public static let interrupted = Mutex(false)
    static let installOnce: Void = {
        // A parent may start Conform with these signals blocked (test runners do): unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // First the flag (the main thread must not exit with its own status meanwhile, and
                // no request starts), then the programs (they must not write into a folder being
                // removed), then the folders, then out at once. A request already in flight may
                // still drop a file into a folder after its listing was read, so removal retries
                // until the folder is gone.
                interrupted.withLock { $0 = true }
                ChildProcess.killAll()
                lock.lock()
                for folder in folders {
                    for _ in 0..<50 {
                        try? FileManager.default.removeItem(at: folder)
                        if !FileManager.default.fileExists(atPath: folder.path) { break }
                        usleep(10_000)
                    }
                }
                lock.unlock()
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }()

    static func register(_ folder: URL) {
        _ = installOnce
        lock.lock()
        folders.insert(folder)
        lock.unlock()
    }

    static func remove(_ folder: URL) {
        lock.lock()
        folders.remove(folder)
        lock.unlock()
        try? FileManager.default.removeItem(at: folder)
    }
}
