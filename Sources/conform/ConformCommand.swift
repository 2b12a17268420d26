import ArgumentParser

/// `conform`: checks tensor ops against TensorFlow's fixtures and against each other.
@main
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Checks whether tensor ops compute what TensorFlow computes, and how fast.",
        subcommands: [ReportCommand.self, FixturesCommand.self, CheckCommand.self, ReplayCommand.self, BenchCommand.self, ExplainCommand.self, WorkerCommand.self])
}
