import ArgumentParser
import Optimized
import PropertyCheck
import Reference
import Report

/// `conform candidate`: Conform's optimized ops served as a `conform-candidate/1` program, so they
/// run supervised like anyone's (`--candidate "conform candidate"`), and as a worked example.
struct CandidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candidate",
        abstract: "Serve Conform's optimized ops as a conform-candidate/1 program (JSON lines on stdin and stdout).")

    @OptionGroup var memory: MemoryOptions

    @Option(help: "The name the hello gives.")
    var name: String = "conform-optimized"

    func run() throws {
        try memory.apply()
        Threading.poisonUninitializedMemory()
        CandidateServer.serve(name: name, version: "conform", ops: OpTable.names, compute: CandidateServer.optimized)
    }
}
