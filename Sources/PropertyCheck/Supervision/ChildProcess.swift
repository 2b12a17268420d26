import Formats
import Foundation
import Reference
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process spoken to in JSON lines over pipes: the one mechanism by which Conform runs
/// code it does not trust (its own optimized ops under a campaign, and later other people's
/// programs). It never blocks without a deadline, never dies of the child's death (SIGPIPE is
/// ignored), keeps the last lines of the child's stderr for messages, and says how the child ended.
public final class ChildProcess {
    /// How a child ended.
    public enum Ending: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case let .exited(code): "exited with status \(code)"
            case let .signalled(signal): "was killed by signal \(signal) (\(Self.name(signal)))"
            }
        }

        static func name(_ signal: Int32) -> String {
            switch signal {
            case SIGILL: "SIGILL: a Swift trap"
            case SIGTRAP: "SIGTRAP: a Swift trap"
            case SIGSEGV: "SIGSEGV: invalid memory access"
            case SIGBUS: "SIGBUS: invalid memory access"
            case SIGABRT: "SIGABRT: abort"
            case SIGFPE: "SIGFPE: arithmetic fault"
            case SIGKILL: "SIGKILL"
            default: "signal \(signal)"
            }
        }
    }

    /// What waiting for a line gave.
    public enum Read: Equatable, Sendable {
        case line(String)
        /// The child closed its stdout (it died or exited).
        case closed
        case timedOut
    }

    public let pid: pid_t
    private var input: Int32, output: Int32, errors: Int32
    private var buffer = [UInt8]()
    /// How much of `buffer` is known to hold no newline (so a long line is scanned once, not per read).
    private var scanned = 0
    private var stderrTail = [UInt8]()
    private var ending: Ending?
    /// Bytes of stderr kept.
    static let tailBytes = 4096
    /// The longest stdout line read (replies and events are short JSON): past it, what was read is
    /// handed on as a line (which no JSON parser accepts) and dropped, so a child that writes
    /// without end costs this much memory, not what it wrote.
    static let maxLineBytes = 16 << 20

    /// Starts `executable` with `arguments` and this process's environment plus `environment`;
    /// the child's stdin, stdout and stderr are pipes.
    public init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        signal(SIGPIPE, SIG_IGN)
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0], errorPipe: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0, pipe(&errorPipe) == 0 else {
            throw ChildError.spawn(executable, String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for fd in toChild + fromChild + errorPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        variables[Self.markVariable] = "\(getpid())"
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        // No other descriptor of this process leaks into the child (a test runner's or a supervisor's
        // pipes would otherwise stay open in grandchildren and hide their parent's exit).
        Self.closeOnExec()
        // Its own process group, so that killing it kills what it started; and Conform adopts any
        // descendant that leaves the group and outlives its parent, so it can kill that too.
        Self.becomeSubreaper()
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(toChild[0]); close(fromChild[1]); close(errorPipe[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0]); close(errorPipe[0])
            throw ChildError.spawn(executable, String(cString: strerror(status)))
        }
        (pid, input, output, errors) = (child, toChild[1], fromChild[0], errorPipe[0])
        _ = Self.live.withLock { $0.insert(child) }
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
        _ = fcntl(errors, F_SETFL, fcntl(errors, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill()
        for fd in [input, output, errors] where fd >= 0 { close(fd) }
    }

    /// Writes one line to the child's stdin; false when the child can no longer read it.
    @discardableResult
    public func send(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes.withUnsafeBytes { OutputFile.writeAll($0, to: input) }
    }

    /// The next line of the child's stdout, waiting at most `timeout` seconds.
    public func readLine(timeout: Double) -> Read {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                scanned = 0
                return .line(line)
            }
            scanned = buffer.count
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return .timedOut }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left * 1000, 1000).rounded(.up)))
            if ready < 0 && errno != EINTR { return .closed }
            if fds[1].revents != 0 { drainErrors() }
            if fds[0].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer += chunk[..<n]
                    if buffer.count > Self.maxLineBytes, !buffer[scanned...].contains(UInt8(ascii: "\n")) {
                        let start = String(decoding: buffer.prefix(120), as: UTF8.self)
                        buffer.removeAll()
                        scanned = 0
                        return .line(start + "… (a line of more than \(Self.maxLineBytes >> 20) MiB, not read further)")
                    }
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    drainErrors()
                    return .closed
                }
            }
        }
    }

    private func drainErrors() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(errors, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            stderrTail += chunk[..<n]
            if stderrTail.count > Self.tailBytes { stderrTail.removeFirst(stderrTail.count - Self.tailBytes) }
        }
    }

    /// The last non-empty lines the child wrote to stderr (what a crash message quotes), control
    /// characters removed; a Swift runtime "Fatal error" line is preferred when there is one.
    public func stderrLines(_ count: Int = 3) -> [String] {
        drainErrors()
        let lines = String(decoding: stderrTail, as: UTF8.self).split(separator: "\n").map {
            String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if let fatal = lines.last(where: { $0.contains("Fatal error") || $0.contains("fatal error") }) { return [fatal] }
        return Array(lines.suffix(count))
    }

    /// Closes the child's stdin and waits up to `grace` seconds for it to exit, then kills it.
    @discardableResult
    public func finish(grace: Double = 2) -> Ending {
        if input >= 0 { close(input); input = -1 }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if let ending = ended() { return ending }
            usleep(2000)
        }
        kill()
        return wait()
    }

    /// Kills the child and its process group (SIGKILL), and any descendant that left the group.
    public func kill() {
        // The group goes even when the child itself has already exited: what it forked may still run.
        _ = Glibc.kill(-pid, SIGKILL)
        if ending == nil && ended() == nil { _ = Glibc.kill(pid, SIGKILL) }
        if ending != nil { Self.killStrays() }
    }

    /// Waits for the child to end; what it left behind in its group, or adopted by Conform, is killed.
    @discardableResult
    public func wait() -> Ending {
        if let ending { return ending }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let e = record(status)
        _ = Glibc.kill(-pid, SIGKILL)
        Self.killStrays()
        return e
    }

    /// Makes Conform the reaper of its descendants' orphans (PR_SET_CHILD_SUBREAPER), once.
    static func becomeSubreaper() {
        _ = subreaper
    }

    private static let subreaper: Bool = {
        // prctl is variadic, which Swift does not import: called through its address with the
        // five integer arguments the x86-64 and arm64 conventions pass alike. 36 is PR_SET_CHILD_SUBREAPER.
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return false }
        return unsafeBitCast(symbol, to: Prctl.self)(36, 1, 0, 0, 0) == 0
    }()

    /// Whether every child of this process is Conform's: true in the `conform` command, which
    /// starts no process but through this type. Where Conform is a library in someone else's
    /// process (a test runner, a user's tool), that process's own children are not Conform's to
    /// kill: only an orphan whose environment carries this process's supervisor mark is.
    public static var ownsEveryChild: Bool {
        get { owning.withLock { $0 } }
        set { owning.withLock { $0 = newValue } }
    }
    private static let owning = Mutex(false)

    /// The variable every child (and, inherited, every descendant) is started with: the
    /// supervising process's pid.
    static let markVariable = "CONFORM_SUPERVISOR"

    /// Kills and reaps every child of Conform that is not one it started and still tracks: the
    /// orphans of candidate programs (a daemon that left its group), adopted as subreaper.
    public static func killStrays() {
        let me = getpid()
        let mark = Array("\(markVariable)=\(me)".utf8) + [0]
        let everyChild = ownsEveryChild
        let tracked = live.withLock { $0 }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for name in names {
            guard let pid = pid_t(name), pid != me, !tracked.contains(pid),
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after the command: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == me else { continue }
            if !everyChild {
                // The environment a process was started with, NUL-separated (a descendant that
                // cleared it is beyond a library's reach; the command kills it all the same).
                guard let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ"),
                      [UInt8](environ).split(separator: 0, omittingEmptySubsequences: true).contains(where: { Array($0) + [0] == mark })
                else { continue }
            }
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    /// How the child ended, without waiting; nil while it runs.
    public func ended() -> Ending? {
        if let ending { return ending }
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? record(status) : nil
    }

    /// Marks every open descriptor above stderr close-on-exec.
    static func closeOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let fd = Int32(name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Children not yet waited for: killed when Conform itself is interrupted.
    static let live = Mutex(Set<pid_t>())

    /// Kills every child still running (an interrupt's clean-up).
    public static func killAll() {
        for pid in live.withLock({ $0 }) {
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
        }
        killStrays()
    }

    private func record(_ status: Int32) -> Ending {
        _ = Self.live.withLock { $0.remove(pid) }
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import as functions.
        let signalNumber = status & 0x7F
        let e: Ending = signalNumber != 0 && signalNumber != 0x7F ? .signalled(signalNumber) : .exited((status >> 8) & 0xFF)
        ending = e
        return e
    }
}

/// A child that could not be started.
public enum ChildError: Error, CustomStringConvertible {
    case spawn(String, String)

    public var description: String {
        switch self {
        case let .spawn(executable, why): "cannot start \(executable): \(why)"
        }
    }
}
