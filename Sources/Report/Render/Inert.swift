/// User text made inert wherever it is printed: case ids, notes, paths and messages come from
/// files anyone can write, and must not drive a terminal, forge a line, or inject markup.
public enum Inert {
    /// Control characters (C0, DEL, C1, line and paragraph separators, bidi overrides) as `\u{XX}`:
    /// one line on a terminal, no escape sequences.
    public static func terminal(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v)
    }

    /// Text for a Markdown table cell: terminal-safe, with the characters Markdown and inline HTML
    /// give meaning to backslash-escaped or as entities.
    public static func markdown(_ s: String) -> String {
        var out = ""
        for ch in terminal(s) {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "|", "`", "*", "_", "[", "]", "\\", "#", "!": out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// A CSV field: terminal-safe, quoted when it holds a separator or a quote, and with a leading
    /// `'` where a spreadsheet would read a formula.
    public static func csv(_ s: String) -> String {
        var text = terminal(s)
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
