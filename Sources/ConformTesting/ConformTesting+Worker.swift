import Foundation
import PropertyCheck
import Testing

extension ConformTesting {
    /// The child process a supervised check runs the candidate in: this test binary, rerun with
    /// Swift Testing's filter on the one test that called `check`, and a variable that tells that
    /// call to serve the parent's requests (`WorkerServer`) instead of running a campaign.
    ///
    /// The test's code before the call runs again in the child (it builds the candidate); the call
    /// is found by its source location, candidate name, seed and case count, so a test with several
    /// checks, or parameterized, serves the right one. Swift Testing writes its own console output
    /// to standard error when standard output is not a terminal, so the protocol's stdout stays clean.
    struct Worker {
        /// The variable that makes a check call serve: its `key`.
        static let variable = "CONFORM_TESTING_WORKER"
        /// The key of the check call this process serves, when it is such a child.
        static var served: String? { ProcessInfo.processInfo.environment[variable] }

        let key: String

        init(candidate: SwiftCandidate, seed: UInt64, cases: Int, at location: SourceLocation) {
            key = "\(location.fileID):\(location.line):\(location.column)|\(candidate.name)|\(seed)|\(cases)"
        }

        /// A supervisor of this test binary rerun on the current test; nil where that cannot be
        /// done (outside a Swift Testing test, or without `/proc`), and the check runs in process.
        func supervisor() -> Supervisor? {
            guard let test = Test.current, FileManager.default.fileExists(atPath: "/proc/self/exe") else { return nil }
            let filter = NSRegularExpression.escapedPattern(for: test.id.description)
            return Supervisor(executable: Supervisor.currentExecutable, arguments: ["--testing-library", "swift-testing", "--filter", filter],
                              environment: [Self.variable: key])
        }
    }
}
