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

    public static func write(_ data: Data, to url: URL) throws(FixtureError) {
        let path = url.path
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            let kind: String = switch info.st_mode & S_IFMT {
            case S_IFLNK: "a symbolic link"
            case S_IFDIR: "a directory"
            case S_IFCHR, S_IFBLK: "a device"
            case S_IFIFO: "a FIFO"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
            throw FixtureError(.output, file: path, field: "(output)", expected: "a regular file or no file", actual: kind)
        }
        do { try data.write(to: url, options: .atomic) } catch {
            throw FixtureError(.output, file: path, field: "(output)", expected: "a writable file", actual: "\(error.localizedDescription)")
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
