import PropertyCheck

/// Random damage to a file's bytes, for the fuzz tests of every reader.
enum ByteMutations {
    /// Applies one random mutation: bit flips, truncation, byte runs, header edits, huge shapes.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64, headerEdits: [(String, String)]) -> [UInt8] {
        var b = bytes
        switch rng.next() % 7 {
        case 0:
            for _ in 0..<(1 + rng.next() % 4) where !b.isEmpty { b[Int(rng.next() % UInt64(b.count))] ^= 1 << (rng.next() % 8) }
        case 1:
            b = Array(b.prefix(Int(rng.next() % UInt64(b.count + 1))))
        case 2 where !b.isEmpty:
            let at = Int(rng.next() % UInt64(b.count))
            b.insert(contentsOf: (0..<(1 + rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        case 3 where !b.isEmpty:
            let at = Int(rng.next() % UInt64(b.count)), n = min(b.count - at, Int(1 + rng.next() % 16))
            b.removeSubrange(at..<at + n)
        case 4, 5:
            let (old, new) = headerEdits[Int(rng.next() % UInt64(headerEdits.count))]
            let o = Array(old.utf8)
            if let i = (0...max(0, b.count - o.count)).first(where: { b.count >= $0 + o.count && Array(b[$0..<$0 + o.count]) == o }) {
                b.replaceSubrange(i..<i + o.count, with: Array(new.utf8))
            }
        default:
            b += (0..<(rng.next() % 32)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        return b
    }

    static let npyEdits: [(String, String)] = [
        ("(3, 5)", "(99999999999, 99999999999)"), ("(3, 5)", "(-1, 5)"), ("(3, 5)", "(3,"), ("(3, 5)", "(3, 5, 0)"),
        ("(3, 5)", "(9223372036854775807, 2)"), ("(3, 5)", "()"), ("<f4", "<f8"), ("<f4", "<i2"), ("<f4", ">f4"),
        ("False", "True"), ("False", "None"), ("'descr'", "'descr' 'descr'"), ("{", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"),
        ("}", ""), ("'shape'", "'shape': (1,), 'shape'"), ("\u{01}\u{00}", "\u{03}\u{00}"), ("\u{01}\u{00}", "\u{02}\u{00}"),
    ]
}
