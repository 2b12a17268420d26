import Foundation
import Testing

/// Conform's executables run as processes, judged on their real output and exit status.
enum CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs the built `conform` with `arguments`.
    static func conform(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try run(Paths.products.appendingPathComponent("conform"), arguments, environment: environment)
    }

    /// Runs `executable`, its stdout captured and its stderr dropped, with `environment` added to this process's.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    /// `conform` run as `conform(_:)` runs it, with the peak resident memory of Conform's own
    /// process in bytes, as GNU time reports it (the programs Conform supervises are its children:
    /// their own peaks are not Conform's). Measured through `time`, not `wait4` here: a child of
    /// this large test process starts its peak at the parent's size.
    static func conformMeasured(_ arguments: [String], environment: [String: String] = [:]) throws -> (Output, peak: Int) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("conform-peak-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: report) }
        let out = try run(URL(fileURLWithPath: "/usr/bin/time"),
                          ["-f", "%M", "-o", report.path, Paths.products.appendingPathComponent("conform").path] + arguments, environment: environment)
        // The last line is the peak in KiB (a line before it says how the command ended, if it failed).
        let text = try String(contentsOf: report, encoding: .utf8)
        let kib = try #require(text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, "time said: \(text)")
        return (out, kib * 1024)
    }

    /// A copy of one committed fixture set in a temporary folder.
    static func copy(set: String) throws -> URL {
        let dir = Paths.temporary("cli").appendingPathComponent(set)
        try FileManager.default.copyItem(at: Paths.fixtures.appendingPathComponent(set), to: dir)
        return dir
    }
}
