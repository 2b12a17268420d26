import ArgumentParser
import Foundation
import Optimized
import PropertyCheck
import Report

/// `conform fixtures DIR...`: judges every case of the given fixture sets.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Judge the implementations on fixture sets (folders holding manifest.json).",
        discussion: "Prints one line per failing case, then 'N passed, M failed'. Exit status: 0 all passed, 1 something failed, 2 unusable input.")

    @Argument(help: "Fixture folders, each holding a manifest.json.")
    var directories: [String]

    @Flag(name: .shortAndLong, help: "Also print a line for every passing case.")
    var verbose = false

    @Option(name: .long, help: "Judge only these implementations (reference, optimized).")
    var implementation: [Implementation] = Implementation.allCases

    @Option(help: "Threads for the optimized ops (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        Threading.count = threads
        let urls = directories.map { URL(fileURLWithPath: $0) }
        let terminal = isatty(STDERR_FILENO) != 0
        let run = FixtureRunner(implementations: implementation).run(directories: urls) { done, total in
            if terminal { FileHandle.standardError.write(Data("\r\(done)/\(total) cases".utf8)) }
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for line in FixtureReport.lines(for: run, verbose: verbose) { print(line) }
        throw ExitCode(run.exitCode)
    }
}

extension Implementation: ExpressibleByArgument {}
