import ArgumentParser
import PropertyCheck

/// `conform worker`: the child a supervised run starts (not for people: JSON lines on stdin/stdout).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Serve supervised runs (JSON lines on stdin and stdout).", shouldDisplay: false)

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try memory.apply()
        WorkerServer.serve()
    }
}
