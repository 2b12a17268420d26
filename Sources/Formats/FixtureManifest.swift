import Reference
import Foundation

/// One case of a fixture manifest: an op, its attributes, and the `.npy` files it reads and expects.
public struct FixtureCase: Equatable, Sendable {
    public var id: String
    public var op: String
    /// Attributes in manifest order, still JSON: each op's table entry decodes its own.
    public var attrs: [(String, JSONValue)]
    /// Input name → file name, relative to the manifest's folder.
    public var inputs: [(String, String)]
    /// Output name → file name.
    public var outputs: [(String, String)]
    public var note: String?
    /// The quirk (docs/OPS.md) by which the recorded outputs depart from the definition, if any.
    public var departs: String?

    public init(id: String, op: String, attrs: [(String, JSONValue)], inputs: [(String, String)],
                outputs: [(String, String)], note: String? = nil, departs: String? = nil) {
        self.id = id
        self.op = op
        self.attrs = attrs
        self.inputs = inputs
        self.outputs = outputs
        self.note = note
        self.departs = departs
    }

    public static func == (a: FixtureCase, b: FixtureCase) -> Bool {
        a.id == b.id && a.op == b.op && JSONValue.object(a.attrs) == JSONValue.object(b.attrs)
            && a.inputs.elementsEqual(b.inputs, by: ==) && a.outputs.elementsEqual(b.outputs, by: ==) && a.note == b.note
            && a.departs == b.departs
    }

    /// The case as a manifest entry.
    public var json: JSONValue {
        var entries: [(String, JSONValue)] = [
            ("id", .string(id)), ("op", .string(op)), ("attrs", .object(attrs)),
            ("inputs", .object(inputs.map { ($0.0, .string($0.1)) })),
            ("outputs", .object(outputs.map { ($0.0, .string($0.1)) })),
        ]
        if let note { entries.append(("note", .string(note))) }
        if let departs { entries.append(("departs", .string(departs))) }
        return .object(entries)
    }
}

/// A fixture manifest (`manifest.json`, format `conform-fixtures/1`), checked field by field.
public struct FixtureManifest: Equatable, Sendable {
    public static let format = "conform-fixtures/1"

    public var producer: JSONValue?
    public var cases: [FixtureCase]

    public init(producer: JSONValue? = nil, cases: [FixtureCase]) {
        self.producer = producer
        self.cases = cases
    }

    /// Parses and checks manifest bytes; `file` names the manifest in errors.
    public init(bytes: [UInt8], file: String) throws(FixtureError) {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw FixtureError(.malformedJSON, file: file, field: "(\(error.line):\(error.column))",
                               expected: error.expected, actual: error.actual)
        }
        guard let top = root.object else {
            throw FixtureError(.wrongType, file: file, field: "(root)", expected: "an object", actual: root.kindName)
        }
        try Self.onlyKeys(top, ["format", "producer", "cases"], file: file, caseID: nil, prefix: "")
        guard let format = root["format"] else {
            throw FixtureError(.missingField, file: file, field: "format", expected: "\"\(Self.format)\"", actual: "nothing")
        }
        guard format.string == Self.format else {
            throw FixtureError(.unsupportedFormat, file: file, field: "format", expected: "\"\(Self.format)\"", actual: format.description)
        }
        guard let casesValue = root["cases"] else {
            throw FixtureError(.missingField, file: file, field: "cases", expected: "an array of cases", actual: "nothing")
        }
        guard let list = casesValue.array else {
            throw FixtureError(.wrongType, file: file, field: "cases", expected: "an array", actual: casesValue.kindName)
        }
        var seen = Set<String>()
        var cases = [FixtureCase]()
        for (n, item) in list.enumerated() {
            let c = try Self.parseCase(item, index: n, file: file)
            guard seen.insert(c.id).inserted else {
                throw FixtureError(.duplicateID, file: file, caseID: c.id, field: "cases[\(n)].id",
                                   expected: "an id not used before", actual: "\"\(c.id)\" again")
            }
            cases.append(c)
        }
        self.producer = root["producer"]
        self.cases = cases
    }

    private static func onlyKeys(_ object: [(String, JSONValue)], _ allowed: [String], file: String,
                                 caseID: String?, prefix: String) throws(FixtureError) {
        for (key, _) in object where !allowed.contains(key) {
            throw FixtureError(.unexpectedField, file: file, caseID: caseID, field: prefix + key,
                               expected: "one of " + allowed.joined(separator: ", "), actual: "\"\(key)\"")
        }
    }

    private static func parseCase(_ item: JSONValue, index n: Int, file: String) throws(FixtureError) -> FixtureCase {
        let field = "cases[\(n)]"
        guard let object = item.object else {
            throw FixtureError(.wrongType, file: file, field: field, expected: "an object", actual: item.kindName)
        }
        guard let idValue = item["id"] else {
            throw FixtureError(.missingField, file: file, field: field + ".id", expected: "a string id", actual: "nothing")
        }
        guard let id = idValue.string, !id.isEmpty else {
            throw FixtureError(.wrongType, file: file, field: field + ".id", expected: "a non-empty string", actual: idValue.description)
        }
        try onlyKeys(object, ["id", "op", "attrs", "inputs", "outputs", "note", "departs"], file: file, caseID: id, prefix: "")
        guard let opValue = item["op"] else {
            throw FixtureError(.missingField, file: file, caseID: id, field: "op", expected: "an op name", actual: "nothing")
        }
        guard let op = opValue.string else {
            throw FixtureError(.wrongType, file: file, caseID: id, field: "op", expected: "a string", actual: opValue.kindName)
        }
        let attrs: [(String, JSONValue)]
        switch item["attrs"] {
        case nil: attrs = []
        case let value?:
            guard let o = value.object else {
                throw FixtureError(.wrongType, file: file, caseID: id, field: "attrs", expected: "an object", actual: value.kindName)
            }
            attrs = o
        }
        func files(_ key: String) throws(FixtureError) -> [(String, String)] {
            guard let value = item[key] else {
                if key == "inputs" { return [] }
                throw FixtureError(.missingField, file: file, caseID: id, field: key, expected: "an object of file names", actual: "nothing")
            }
            guard let o = value.object else {
                throw FixtureError(.wrongType, file: file, caseID: id, field: key, expected: "an object of file names", actual: value.kindName)
            }
            var out = [(String, String)]()
            for (name, v) in o {
                guard let path = v.string else {
                    throw FixtureError(.wrongType, file: file, caseID: id, field: "\(key).\(name)", expected: "a file name", actual: v.kindName)
                }
                try checkPath(path, file: file, caseID: id, field: "\(key).\(name)")
                out.append((name, path))
            }
            return out
        }
        func optionalString(_ field: String, expected: String) throws(FixtureError) -> String? {
            switch item[field] {
            case nil, .null?: return nil
            case let .string(s)?: return s
            case let other?: throw FixtureError(.wrongType, file: file, caseID: id, field: field, expected: expected, actual: other.kindName)
            }
        }
        let note = try optionalString("note", expected: "a string")
        let departs = try optionalString("departs", expected: "a quirk id")
        return FixtureCase(id: id, op: op, attrs: attrs, inputs: try files("inputs"), outputs: try files("outputs"), note: note,
                           departs: departs)
    }

    /// Rejects file names that could leave the manifest's folder.
    static func checkPath(_ path: String, file: String, caseID: String, field: String) throws(FixtureError) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let escapes = path.isEmpty || path.hasPrefix("/") || path.hasPrefix("~") || path.contains("\\")
            || path.contains("\0") || parts.contains("..") || parts.contains("")
        guard !escapes else {
            throw FixtureError(.pathEscapes, file: file, caseID: caseID, field: field,
                               expected: "a relative path inside the folder (no '/', '..' or '~' at its start)",
                               actual: "\"\(path)\"")
        }
    }

    /// The manifest as JSON text.
    public func serialized() -> String {
        var entries: [(String, JSONValue)] = [("format", .string(Self.format))]
        if let producer { entries.append(("producer", producer)) }
        entries.append(("cases", .array(cases.map(\.json))))
        return JSONValue.object(entries).serialized(indent: 2) + "\n"
    }
}

/// A fixture folder: its manifest, and the `.npy` files the cases name.
public struct FixtureSet: Sendable {
    public let directory: URL
    public let manifest: FixtureManifest

    /// The manifest's path, as errors name it.
    public var manifestPath: String { directory.appendingPathComponent("manifest.json").path }

    /// Manifests larger than this are refused before they are parsed (64 MiB).
    public static let maxManifestBytes = 64 << 20

    /// Reads and checks `DIR/manifest.json` (a regular file inside the folder, symlinks resolved).
    public init(directory: URL) throws(FixtureError) {
        self.directory = directory
        let path = directory.appendingPathComponent("manifest.json").path
        let resolved = try Self.inside(directory, "manifest.json", file: path, caseID: nil, field: "(manifest)")
        let size = try Self.size(resolved, file: path)
        guard size <= Self.maxManifestBytes else {
            throw FixtureError(.io, file: path, field: "(file)", expected: "a manifest of at most \(Self.maxManifestBytes) bytes",
                               actual: "\(size) bytes")
        }
        self.manifest = try FixtureManifest(bytes: try Self.read(resolved, file: path), file: path)
    }

    /// The file `name` of `directory`, symlinks resolved; it must lie inside the (resolved) folder.
    static func inside(_ directory: URL, _ name: String, file: String, caseID: String?, field: String) throws(FixtureError) -> String {
        let folder = directory.resolvingSymlinksInPath().standardizedFileURL.path
        let target = directory.appendingPathComponent(name).resolvingSymlinksInPath().standardizedFileURL.path
        guard target.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw FixtureError(.pathEscapes, file: file, caseID: caseID, field: field,
                               expected: "a file inside \(folder) (symlinks resolved)", actual: "\"\(target)\"")
        }
        return target
    }

    /// The size of a regular file (a directory, device or FIFO is refused: reading one could block or never end).
    static func size(_ path: String, file: String) throws(FixtureError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FixtureError(.io, file: file, field: "(file)", expected: "a readable file", actual: "no such file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FixtureError(.io, file: file, field: "(file)", expected: "a regular file", actual: "another kind of file")
        }
        return Int(info.st_size)
    }

    static func read(_ path: String, file: String, prefix: Int? = nil) throws(FixtureError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FixtureError(.io, file: file, field: "(file)", expected: "a readable file", actual: "a file that cannot be opened")
        }
        defer { try? handle.close() }
        let data: Data?
        if let prefix { data = try? handle.read(upToCount: prefix) } else { data = try? handle.readToEnd() }
        return [UInt8](data ?? Data())
    }

    /// Refuses a case whose tensors, inputs and expected outputs together, pass the memory budget:
    /// their sizes come from their headers, before any body is read.
    public func checkBudget(_ fixtureCase: FixtureCase) throws(FixtureError) {
        var total = 0
        for (field, name) in fixtureCase.inputs.map({ ("inputs.\($0.0)", $0.1) }) + fixtureCase.outputs.map({ ("outputs.\($0.0)", $0.1) }) {
            let (layout, _) = try self.layout(name, caseID: fixtureCase.id, field: field)
            total += layout.byteCount
            guard total <= MemoryBudget.bytes else {
                throw FixtureError(.invalidInput, file: manifestPath, caseID: fixtureCase.id, field: field,
                                   expected: "tensors within the memory budget of \(MemoryBudget.describe(MemoryBudget.bytes)) (--max-memory) together",
                                   actual: "\(MemoryBudget.describe(total)) up to this one, of shape \(layout.shape)")
            }
        }
    }

    /// The header of the `.npy` file `name`, checked against the file's size (its body unread), and
    /// the file's path with links resolved (inside the set's folder).
    func layout(_ name: String, caseID: String, field: String) throws(FixtureError) -> (NPY.Layout, resolved: String) {
        try FixtureManifest.checkPath(name, file: manifestPath, caseID: caseID, field: field)
        let path = directory.appendingPathComponent(name).path
        let resolved = try Self.inside(directory, name, file: manifestPath, caseID: caseID, field: field)
        let size = try Self.size(resolved, file: path)
        let head = try Self.read(resolved, file: path, prefix: min(size, 12 + NPY.maxHeaderLength))
        do { return (try NPY.layout(prefix: head, fileSize: size), resolved) } catch { throw FixtureError(error, file: path, caseID: caseID, field: field) }
    }

    /// Loads the `.npy` file named by `field` (`inputs.filters`) of case `caseID`: the header is
    /// checked against the file's size and the memory budget before the body is read.
    public func tensor(_ name: String, caseID: String, field: String) throws(FixtureError) -> AnyTensor {
        let (layout, resolved) = try self.layout(name, caseID: caseID, field: field)
        let path = directory.appendingPathComponent(name).path
        guard layout.byteCount <= MemoryBudget.bytes else {
            throw FixtureError(.invalidInput, file: path, caseID: caseID, field: field,
                               expected: "data within the memory budget of \(MemoryBudget.describe(MemoryBudget.bytes)) (--max-memory)",
                               actual: "\(MemoryBudget.describe(layout.byteCount)) for shape \(layout.shape)")
        }
        // The body goes straight into the tensor: B bytes of data cost B bytes of memory, not three copies.
        let descriptor = open(resolved, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FixtureError(.io, file: path, caseID: caseID, field: field, expected: "a readable file", actual: "a file that cannot be opened")
        }
        defer { close(descriptor) }
        guard lseek(descriptor, off_t(layout.dataStart), SEEK_SET) == off_t(layout.dataStart) else {
            throw FixtureError(.io, file: path, caseID: caseID, field: field, expected: "a seekable file", actual: "a file that cannot be read")
        }
        do { return try NPY.read(layout, from: descriptor) } catch { throw FixtureError(error, file: path, caseID: caseID, field: field) }
    }

    /// Writes a fixture folder: `manifest.json` and every tensor under its file name (atomically).
    public static func write(_ manifest: FixtureManifest, tensors: [String: AnyTensor], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, tensor) in tensors {
            try OutputFile.write(Data(NPY.encode(tensor)), to: directory.appendingPathComponent(name))
        }
        try OutputFile.write(Data(manifest.serialized().utf8), to: directory.appendingPathComponent("manifest.json"))
    }
}
