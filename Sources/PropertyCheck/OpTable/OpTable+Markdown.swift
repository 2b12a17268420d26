import Foundation

extension OpTable {
    /// README's op table, from the schema: each op's inputs, attributes with their defaults, and outputs.
    public static var markdownTable: String {
        func tensor(_ entry: OpEntry, _ name: String) -> String {
            guard let note = entry.notes[name] else { return "`\(name)`" }
            guard note.hasPrefix("["), let close = note.firstIndex(of: "]") else { return "`\(name)` (\(note))" }
            // A shape goes inside the code span, anything after it outside: `offsets [B,2]` (y, x).
            let rest = note[note.index(after: close)...].trimmingCharacters(in: .whitespaces)
            return "`\(name) \(note[...close])`" + (rest.isEmpty ? "" : " " + rest)
        }
        var lines = ["| op | inputs | attributes (default) | outputs |", "|---|---|---|---|"]
        for entry in all {
            let inputs = entry.inputs.map { tensor(entry, $0) } + entry.optionalInputs.map { "optional " + tensor(entry, $0) }
            let outputs = entry.outputs.map { tensor(entry, $0) } + entry.optionalOutputs.map { tensor(entry, $0) + " when given" }
            lines.append("| `\(entry.name)` | \(inputs.isEmpty ? "none" : inputs.joined(separator: ", ")) | "
                         + entry.attributes.map(\.tableText).joined(separator: ", ") + " | \(outputs.joined(separator: ", ")) |")
        }
        return lines.joined(separator: "\n")
    }
}
