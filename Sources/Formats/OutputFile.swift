import Foundation

/// Writes Conform's output files: only ever a regular file. The text goes to a temporary file
/// beside the target, which is then renamed over it, so a crash leaves the previous file whole;
/// a target that exists and is not a regular file (a device, a FIFO, a socket, a directory, a
/// symlink, which could lead out of the output folder) is an error, never replaced or followed.
public enum OutputFile {
    /// Writes every byte of `bytes` to `descriptor`, retrying interrupted and partial writes;
    /// false when a write fails (a pipe whose reader is gone, a full disk).
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// What a file of mode `mode` (from `lstat`) is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a directory"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    public static func write(_ data: Data, to url: URL) throws(FixtureError) {
        let path = url.path
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            throw FixtureError(.output, file: path, field: "(output)", expected: "a regular file or no file", actual: kind(info.st_mode))
        }
        do { try data.write(to: url, options: .atomic) } catch {
            throw FixtureError(.output, file: path, field: "(output)", expected: "a writable file", actual: "\(error.localizedDescription)")
        }
    }
}

/// Where an output option (`--json`, `--junit`) writes: `-` is standard output, any other path a
/// regular file (new, or one that exists) in a folder that exists. Checked when the command
/// starts, so a run of minutes never ends in a refusal of where it was to write.
public enum OutputTarget: Sendable, Equatable {
    case standardOutput
    case file(String)

    public init(checking path: String, option: String) throws(FixtureError) {
        if path == "-" {
            self = .standardOutput
            return
        }
        func refuse(_ expected: String, _ actual: String) -> FixtureError {
            FixtureError(.output, file: path, field: option, expected: expected, actual: actual)
        }
        guard !path.isEmpty else { throw refuse("a file path, or - for standard output", "an empty path") }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw refuse("a regular file or a new one (- writes to standard output)", OutputFile.kind(info.st_mode))
            }
            guard access(path, W_OK) == 0 else { throw refuse("a file this user may write", "a read-only file") }
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var dir = stat()
            guard stat(folder, &dir) == 0, (dir.st_mode & S_IFMT) == S_IFDIR else { throw refuse("a path in a folder that exists", "no folder \(folder)") }
            guard access(folder, W_OK) == 0 else { throw refuse("a folder this user may write in", "\(folder), read-only") }
        }
        self = .file(path)
    }

    /// Writes `data` whole: to standard output (after whatever is buffered there), or atomically to the file.
    public func write(_ data: Data) throws(FixtureError) {
        switch self {
        case .standardOutput:
            fflush(nil)  // every C stream, standard output among them
            let ok = data.withUnsafeBytes { OutputFile.writeAll($0, to: STDOUT_FILENO) }
            guard ok else { throw FixtureError(.output, file: "-", field: "(output)", expected: "standard output open for writing", actual: "a failed write") }
        case let .file(path):
            try OutputFile.write(data, to: URL(fileURLWithPath: path))
        }
    }
}

/// Reads the files users hand Conform (manifests, merge and timing JSON): only regular files,
/// size-checked before a byte is read.
public enum InputFile {
    /// JSON inputs larger than this are refused unread (64 MiB).
    public static let maxJSONBytes = 64 << 20

    public static func read(_ path: String, maxBytes: Int = maxJSONBytes) throws(FixtureError) -> [UInt8] {
        let size = try FixtureSet.size(path, file: path)
        guard size <= maxBytes else {
            throw FixtureError(.io, file: path, field: "(file)", expected: "at most \(maxBytes) bytes", actual: "\(size) bytes")
        }
        return try FixtureSet.read(path, file: path)
    }
}
