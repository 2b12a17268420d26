import ArgumentParser
import Formats
import Foundation
import PropertyCheck
import Report

/// `conform`: checks tensor ops against TensorFlow's fixtures and against each other.
@main
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Checks whether tensor ops compute what TensorFlow computes, and how fast.",
        version: ConformVersion.current,
        subcommands: [ReportCommand.self, FixturesCommand.self, CheckCommand.self, ReplayCommand.self, BenchCommand.self, ExplainCommand.self,
                      WorkerCommand.self, CandidateCommand.self])

    /// Every command reports unusable input the same way: one `ERROR` line on stdout naming what
    /// is wrong, exit status 2. Help and version requests and the commands' own exit codes pass through.
    static func main() {
        // Every process this command starts is a ChildProcess: an orphan it adopts is a stray.
        ChildProcess.ownsEveryChild = true
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitRefusing(error, parsing: true)
        }
        do {
            var running = command
            try running.run()
        } catch let code as ExitCode {
            // An interrupt's clean-up owns the exit status (128 + the signal): let it finish.
            while ScratchFolders.interrupted.withLock({ $0 }) { sleep(1) }
            Foundation.exit(code.rawValue)
        } catch {
            exitRefusing(error, parsing: false)
        }
        Foundation.exit(0)
    }

    static func exitRefusing(_ error: Error, parsing: Bool) -> Never {
        if exitCode(for: error) == .success { exit(withError: error) }
        let message = parsing || error is ValidationError
            ? fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            : "\(error)"
        print("ERROR " + Inert.terminal(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message))
        Foundation.exit(2)
    }
}
