import Report

import Foundation

/// Where `say` writes: standard output, or standard error while a machine-readable file
/// (`--json -`, `--junit -`) owns standard output.
enum Say {
    nonisolated(unsafe) static var toStandardError = false
}

/// Prints one line of output with any user text in it made inert (control characters escaped):
/// case ids, messages and paths come from files anyone can write.
func say(_ line: String) {
    if Say.toStandardError {
        FileHandle.standardError.write(Data((Inert.terminal(line) + "\n").utf8))
    } else {
        print(Inert.terminal(line))
    }
}
