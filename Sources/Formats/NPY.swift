@_spi(Unchecked) import Reference
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a
/// newline, then the raw C-order little-endian data. Everything is checked before anything
/// is allocated: the data must be exactly `count · itemsize` bytes.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Headers longer than this are rejected rather than parsed.
    public static let maxHeaderLength = 1 << 20

    /// What a `.npy` header promises: where the data starts, its shape, dtype and byte count.
    public struct Layout: Sendable {
        public var dataStart: Int
        public var shape: [Int]
        public var dtype: DType
        /// Big-endian data (swapped on read) and Fortran order (transposed to C order on read).
        public var bigEndian: Bool
        public var fortranOrder: Bool
        public var count: Int
        public var byteCount: Int
        /// The file size the header implies.
        public var fileSize: Int { dataStart + byteCount }
    }

    /// Reads and checks the header of a `.npy` file of `fileSize` bytes from its first bytes
    /// (at least `8 + 4 + header length` of them, or the whole file), so a reader can refuse a
    /// file whose header disagrees with its size before reading its body.
    public static func layout(prefix bytes: [UInt8], fileSize: Int) throws(NPYError) -> Layout {
        guard fileSize >= 8, bytes.count >= 8 else {
            throw NPYError(.truncated, field: "magic", expected: "at least 8 bytes", actual: "\(fileSize) bytes")
        }
        guard Array(bytes[0..<6]) == magic else {
            throw NPYError(.notNPY, field: "magic", expected: "\\x93NUMPY", actual: describe(bytes[0..<6]))
        }
        let (major, minor) = (bytes[6], bytes[7])
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default:
            throw NPYError(.unsupportedVersion, field: "version", expected: "1.0, 2.0 or 3.0", actual: "\(major).\(minor)")
        }
        guard fileSize >= 8 + lengthBytes, bytes.count >= 8 + lengthBytes else {
            throw NPYError(.truncated, field: "header length", expected: "\(8 + lengthBytes) bytes", actual: "\(fileSize) bytes")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        guard headerLength <= maxHeaderLength else {
            throw NPYError(.malformedHeader, field: "header length", expected: "at most \(maxHeaderLength) bytes",
                           actual: "\(headerLength) bytes")
        }
        let dataStart = 8 + lengthBytes + headerLength
        guard fileSize >= dataStart, bytes.count >= dataStart else {
            throw NPYError(.truncated, field: "header", expected: "\(headerLength) header bytes",
                           actual: "\(fileSize - 8 - lengthBytes) bytes")
        }
        let headerBytes = Array(bytes[(8 + lengthBytes)..<dataStart])
        if major < 3, let bad = headerBytes.first(where: { $0 >= 0x80 }) {
            throw NPYError(.malformedHeader, field: "header", expected: "ASCII text in version \(major).0",
                           actual: "byte 0x\(String(bad, radix: 16))")
        }
        guard let text = String(validating: headerBytes, as: UTF8.self) else {
            throw NPYError(.malformedHeader, field: "header", expected: "UTF-8 text", actual: "invalid UTF-8")
        }
        let header = try NPYHeader(parsing: text)
        let count: Int
        do { count = try Tensor<UInt8>.elementCount(of: header.shape) } catch {
            throw NPYError(.sizeMismatch, field: "shape", expected: "a shape whose extents multiply to at most 2^48",
                           actual: "\(header.shape)")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.dtype.byteWidth)
        let available = fileSize - dataStart
        guard !overflow, byteCount <= available else {
            throw NPYError(.truncated, field: "data",
                           expected: overflow ? "shape \(header.shape) to fit in memory"
                                              : "\(byteCount) bytes for shape \(header.shape) of \(header.dtype.npyDescr)",
                           actual: "\(available) bytes")
        }
        guard byteCount == available else {
            throw NPYError(.sizeMismatch, field: "data",
                           expected: "\(byteCount) bytes for shape \(header.shape) of \(header.dtype.npyDescr)",
                           actual: "\(available) bytes")
        }
        return Layout(dataStart: dataStart, shape: header.shape, dtype: header.dtype, bigEndian: header.bigEndian,
                      fortranOrder: header.fortranOrder, count: count, byteCount: byteCount)
    }

    /// Decodes a whole `.npy` file: C or Fortran order, little- or big-endian.
    public static func decode(_ bytes: [UInt8]) throws(NPYError) -> AnyTensor {
        let layout = try layout(prefix: bytes, fileSize: bytes.count)
        let t = decodeData(bytes, from: layout.dataStart, count: layout.count, shape: layout.shape, dtype: layout.dtype,
                           bigEndian: layout.bigEndian)
        return layout.fortranOrder ? t.fromFortranOrder() : t
    }

    /// Reads the body `layout` describes from `descriptor` (positioned at its first data byte)
    /// straight into the tensor's storage: no copy of the file is held, so a tensor of B bytes
    /// costs B bytes (2B for Fortran order, transposed after the read).
    ///
    /// - Throws: `NPYError` (`.truncated`) when the file ends early or cannot be read.
    public static func read(_ layout: Layout, from descriptor: Int32) throws(NPYError) -> AnyTensor {
        var short = false
        func load<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: layout.count) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var offset = 0
                while offset < layout.byteCount {
                    let n = systemRead(descriptor, raw.baseAddress! + offset, layout.byteCount - offset)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { short = true; break }
                    offset += n
                }
                // A short file leaves defined values behind it (the error below discards them).
                if offset < layout.byteCount { (raw.baseAddress! + offset).initializeMemory(as: UInt8.self, repeating: 0, count: layout.byteCount - offset) }
                initialized = layout.count
            }
        }
        func swapped<T: FixedWidthInteger>(_ values: inout [T]) {
            if layout.bigEndian { for i in values.indices { values[i] = T(bigEndian: values[i]) } }
        }
        let t: AnyTensor
        switch layout.dtype {
        case .float16:
            var h = load(Float16.self)
            if layout.bigEndian { for i in h.indices { h[i] = Float16(bitPattern: UInt16(bigEndian: h[i].bitPattern)) } }
            t = .float16(Tensor(validatedShape: layout.shape, scalars: h))
        case .float32:
            var f = load(Float.self)
            if layout.bigEndian { for i in f.indices { f[i] = Float(bitPattern: UInt32(bigEndian: f[i].bitPattern)) } }
            t = .float32(Tensor(validatedShape: layout.shape, scalars: f))
        case .float64:
            var d = load(Double.self)
            if layout.bigEndian { for i in d.indices { d[i] = Double(bitPattern: UInt64(bigEndian: d[i].bitPattern)) } }
            t = .float64(Tensor(validatedShape: layout.shape, scalars: d))
        case .int32:
            var v = load(Int32.self)
            swapped(&v)
            t = .int32(Tensor(validatedShape: layout.shape, scalars: v))
        case .int64:
            var v = load(Int64.self)
            swapped(&v)
            t = .int64(Tensor(validatedShape: layout.shape, scalars: v))
        case .bool:
            // Any byte may be in the file; only 0 and 1 are Bools, so bytes are read and compared.
            t = .bool(Tensor(validatedShape: layout.shape, scalars: load(UInt8.self).map { $0 != 0 }))
        }
        guard !short else {
            throw NPYError(.truncated, field: "data", expected: "\(layout.byteCount) bytes", actual: "a file that ended early or could not be read")
        }
        return layout.fortranOrder ? t.fromFortranOrder() : t
    }

    /// Writes `tensor` as a `.npy` file (C order, little-endian) to `descriptor`, its body straight
    /// from the tensor's storage (no encoded copy is held). Returns false when a write fails.
    public static func write(_ tensor: AnyTensor, to descriptor: Int32) -> Bool {
        // The body is the storage's bytes: little-endian on every host Conform builds for.
        let head = header(shape: tensor.shape, descr: tensor.dtype.npyDescr, fortranOrder: false)
        guard head.withUnsafeBytes({ OutputFile.writeAll($0, to: descriptor) }) else { return false }
        switch tensor {
        case let .float16(t): return t.scalars.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        case let .float32(t): return t.scalars.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        case let .float64(t): return t.scalars.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        case let .int32(t): return t.scalars.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        case let .int64(t): return t.scalars.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        case let .bool(t): return t.scalars.map { UInt8($0 ? 1 : 0) }.withUnsafeBytes { OutputFile.writeAll($0, to: descriptor) }
        }
    }

    private static func decodeData(_ bytes: [UInt8], from start: Int, count: Int, shape: [Int], dtype: DType, bigEndian: Bool) -> AnyTensor {
        // Fortran order: the shape is read reversed (its C-order transpose) and transposed back.
        bytes.withUnsafeBytes { raw -> AnyTensor in
            let base = raw.baseAddress!.advanced(by: start)
            func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
                (0..<count).map {
                    let v = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)
                    return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
                }
            }
            switch dtype {
            case .float16: return .float16(Tensor(validatedShape: shape, scalars: load(UInt16.self).map(Float16.init(bitPattern:))))
            case .float32: return .float32(Tensor(validatedShape: shape, scalars: load(UInt32.self).map(Float.init(bitPattern:))))
            case .float64: return .float64(Tensor(validatedShape: shape, scalars: load(UInt64.self).map(Double.init(bitPattern:))))
            case .int32: return .int32(Tensor(validatedShape: shape, scalars: load(Int32.self)))
            case .int64: return .int64(Tensor(validatedShape: shape, scalars: load(Int64.self)))
            case .bool: return .bool(Tensor(validatedShape: shape, scalars: load(UInt8.self).map { $0 != 0 }))
            }
        }
    }

    /// Encodes a tensor as a `.npy` file: version 1.0 when the header fits, else 2.0.
    ///
    /// The header matches NumPy's own writer byte for byte, so files round-trip unchanged.
    /// `fortranOrder` writes the data column-major and `bigEndian` byte-swapped (`>f4`), as NumPy
    /// does for a transposed array or a `'>f4'` dtype: what a reader of any `.npy` must accept.
    public static func encode(_ tensor: AnyTensor, fortranOrder: Bool = false, bigEndian: Bool = false) -> [UInt8] {
        let swap = bigEndian && tensor.dtype != .bool
        let descr = swap ? ">" + tensor.dtype.npyDescr.dropFirst() : tensor.dtype.npyDescr
        var out = header(shape: tensor.shape, descr: descr, fortranOrder: fortranOrder)
        out.reserveCapacity(out.count + tensor.count * tensor.dtype.byteWidth)
        func append<T: FixedWidthInteger>(_ values: [T]) {
            for v in values { withUnsafeBytes(of: swap ? v.bigEndian : v.littleEndian) { out.append(contentsOf: $0) } }
        }
        switch fortranOrder ? tensor.transposedAll() : tensor {
        case let .float16(t): append(t.scalars.map(\.bitPattern))
        case let .float32(t): append(t.scalars.map(\.bitPattern))
        case let .float64(t): append(t.scalars.map(\.bitPattern))
        case let .int32(t): append(t.scalars)
        case let .int64(t): append(t.scalars)
        case let .bool(t): out.append(contentsOf: t.scalars.map { $0 ? 1 : 0 })
        }
        return out
    }

    /// The magic, version, length and header dict of a file, padded as NumPy pads it.
    static func header(shape: [Int], descr: String, fortranOrder: Bool) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let small = header.utf8.count + 1 + 10 <= 65535
        let prefix = small ? 10 : 12
        let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"
        var out = magic + (small ? [1, 0] : [2, 0])
        let length = header.utf8.count
        for i in 0..<(small ? 2 : 4) { out.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        return out + Array(header.utf8)
    }

    static func describe(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }
}

/// The parsed header dict of a `.npy` file.
struct NPYHeader {
    var dtype: DType
    var shape: [Int]
    /// The data is big-endian (`>f4`): swapped on read.
    var bigEndian = false
    /// The data is in Fortran (column-major) order: transposed to C order on read.
    var fortranOrder = false

    /// Parses `{'descr': ..., 'fortran_order': ..., 'shape': (...)}`, a Python literal.
    init(parsing text: String) throws(NPYError) {
        var parser = PythonLiteralParser(text)
        let value = try parser.parseTop()
        guard case let .dict(entries) = value else {
            throw NPYError(.malformedHeader, field: "header", expected: "a dict literal", actual: String(text.prefix(80)))
        }
        var seen = [String: PythonLiteral]()
        for (k, v) in entries {
            guard ["descr", "fortran_order", "shape"].contains(k) else {
                throw NPYError(.malformedHeader, field: "header", expected: "keys descr, fortran_order, shape", actual: "key '\(k)'")
            }
            seen[k] = v
        }
        guard case let .string(descr)? = seen["descr"] else {
            throw NPYError(.malformedHeader, field: "descr", expected: "a dtype string such as '<f4'",
                           actual: seen["descr"].map { "\($0)" } ?? "nothing")
        }
        let big = descr.hasPrefix(">")
        guard let dtype = DType(npyDescr: big ? "<" + descr.dropFirst() : descr) else {
            throw NPYError(.unsupportedDType, field: "descr", expected: "one of <f2 <f4 <f8 <i4 <i8 |b1 (or big-endian >f2 ... >i8)",
                           actual: "'\(descr)'")
        }
        guard case let .bool(fortran)? = seen["fortran_order"] else {
            throw NPYError(.malformedHeader, field: "fortran_order", expected: "True or False",
                           actual: seen["fortran_order"].map { "\($0)" } ?? "nothing")
        }
        guard case let .tuple(dims)? = seen["shape"] else {
            throw NPYError(.malformedHeader, field: "shape", expected: "a tuple of integers",
                           actual: seen["shape"].map { "\($0)" } ?? "nothing")
        }
        var shape = [Int]()
        for d in dims {
            guard case let .int(n) = d, n >= 0 else {
                throw NPYError(.malformedHeader, field: "shape", expected: "non-negative integers", actual: "\(d)")
            }
            shape.append(n)
        }
        self.dtype = dtype
        self.shape = shape
        self.bigEndian = big && dtype != .bool
        self.fortranOrder = fortran
    }
}

/// The few Python literals a `.npy` header uses.
enum PythonLiteral: CustomStringConvertible {
    case string(String), bool(Bool), int(Int), tuple([PythonLiteral]), dict([(String, PythonLiteral)]), none

    var description: String {
        switch self {
        case let .string(s): "'\(s)'"
        case let .bool(b): b ? "True" : "False"
        case let .int(n): "\(n)"
        case let .tuple(items): "(" + items.map(\.description).joined(separator: ", ") + ")"
        case let .dict(entries): "{" + entries.map { "'\($0.0)': \($0.1)" }.joined(separator: ", ") + "}"
        case .none: "None"
        }
    }
}

/// A recursive-descent parser for `PythonLiteral`, depth-limited so hostile headers cannot overflow the stack.
struct PythonLiteralParser {
    private let chars: [Character]
    private var i = 0
    private var depth = 0

    init(_ text: String) { chars = Array(text) }

    mutating func parseTop() throws(NPYError) -> PythonLiteral {
        let v = try parseValue()
        skipSpace()
        guard i == chars.count else { throw error("end of header", "'\(String(chars[i...].prefix(20)))'") }
        return v
    }

    private func error(_ expected: String, _ actual: String) -> NPYError {
        NPYError(.malformedHeader, field: "header", expected: expected + " at character \(i)", actual: actual)
    }

    private mutating func skipSpace() {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
    }

    private mutating func parseValue() throws(NPYError) -> PythonLiteral {
        skipSpace()
        guard i < chars.count else { throw error("a value", "end of header") }
        depth += 1
        defer { depth -= 1 }
        guard depth < 32 else { throw error("nesting under 32 levels", "deeper nesting") }
        let c = chars[i]
        switch c {
        case "{":
            i += 1
            var entries = [(String, PythonLiteral)]()
            while true {
                skipSpace()
                if i < chars.count, chars[i] == "}" { i += 1; return .dict(entries) }
                guard case let .string(key) = try parseValue() else { throw error("a string key", "another value") }
                skipSpace()
                guard i < chars.count, chars[i] == ":" else { throw error("':'", i < chars.count ? "'\(chars[i])'" : "end") }
                i += 1
                entries.append((key, try parseValue()))
                skipSpace()
                guard i < chars.count else { throw error("',' or '}'", "end of header") }
                if chars[i] == "," { i += 1 } else if chars[i] != "}" { throw error("',' or '}'", "'\(chars[i])'") }
            }
        case "(", "[":
            let close: Character = c == "(" ? ")" : "]"
            i += 1
            var items = [PythonLiteral]()
            while true {
                skipSpace()
                if i < chars.count, chars[i] == close { i += 1; return .tuple(items) }
                items.append(try parseValue())
                skipSpace()
                guard i < chars.count else { throw error("',' or '\(close)'", "end of header") }
                if chars[i] == "," { i += 1 } else if chars[i] != close { throw error("',' or '\(close)'", "'\(chars[i])'") }
            }
        case "'", "\"":
            i += 1
            var s = ""
            while i < chars.count, chars[i] != c {
                s.append(chars[i])
                i += 1
            }
            guard i < chars.count else { throw error("a closing quote", "end of header") }
            i += 1
            return .string(s)
        default:
            var word = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "-" || chars[i] == "+" {
                word.append(chars[i])
                i += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                guard let n = Int(digits) else { throw error("a literal", word.isEmpty ? "'\(c)'" : "'\(word)'") }
                return .int(n)
            }
        }
    }
}
