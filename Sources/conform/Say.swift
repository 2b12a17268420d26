import Report

/// Prints one line of output with any user text in it made inert (control characters escaped):
/// case ids, messages and paths come from files anyone can write.
func say(_ line: String) { print(Inert.terminal(line)) }
