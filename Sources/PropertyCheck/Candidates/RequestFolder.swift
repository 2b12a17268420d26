import Formats
import Foundation
import Reference

#if canImport(Glibc)
import Glibc
#endif

/// One request's files, in a folder of the scratch folder whose name the program cannot predict,
/// reached only through a descriptor Conform opened itself: the program under test may rename
/// the folder, plant links or FIFOs in it or replace its files, and still never makes Conform
/// read or write outside it.
///
/// - Inputs are created with `O_EXCL | O_NOFOLLOW` (a planted link or file makes the write fail,
///   never go through it).
/// - Outputs are opened with `O_NOFOLLOW | O_NONBLOCK` relative to the folder's descriptor, must be
///   regular files with one link (a hard link could be another file's), and their `.npy` header
///   must agree with their size, which must fit in `limit`, before their body is read.
struct RequestFolder {
    let path: String
    private let descriptor: Int32
    private let parent: Int32
    private let name: String

    /// Creates the folder (mode 0700) inside `scratch`.
    init(in scratch: URL) throws(CandidateError) {
        parent = open(scratch.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard parent >= 0 else { throw .failed("cannot open the scratch folder \(scratch.path): \(String(cString: strerror(errno)))") }
        name = "r-" + UUID().uuidString
        guard mkdirat(parent, name, 0o700) == 0 else {
            let why = String(cString: strerror(errno))
            close(parent)
            throw .failed("cannot create a request folder in \(scratch.path): \(why)")
        }
        descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let why = String(cString: strerror(errno))
            close(parent)
            throw .failed("cannot open the request folder: \(why)")
        }
        path = scratch.appendingPathComponent(name).path
    }

    /// The path the program is told for `file`.
    func path(of file: String) -> String { path + "/" + file }

    /// Writes `tensor` as a `.npy` to a new file `file`; refuses to write through anything already there.
    func create(_ file: String, _ tensor: AnyTensor) throws(CandidateError) {
        let fd = openat(descriptor, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .failed("cannot create the input \(file) in the request folder: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Written from the tensor's storage: no encoded copy of an input is held.
        guard NPY.write(tensor, to: fd) else { throw .failed("cannot write the input \(file): \(String(cString: strerror(errno)))") }
    }

    /// Reads the output `name` from `file`, refusing links, non-regular files and sizes past `limit`.
    func readOutput(_ file: String, name: String, limit: Int) throws(CandidateError) -> AnyTensor {
        let fd = openat(descriptor, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: throw .failed("protocol: it replied ok but wrote no output \"\(name)\"")
            case ELOOP: throw .failed("its output \"\(name)\" is a symbolic link, not a file it wrote (not followed)")
            default: throw .failed("its output \"\(name)\" cannot be opened: \(String(cString: strerror(errno)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .failed("its output \"\(name)\" cannot be examined: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .failed("its output \"\(name)\" is not a regular file (a FIFO, device, folder or the like; not read)")
        }
        guard info.st_nlink == 1 else { throw .failed("its output \"\(name)\" is a hard link to another file (not read)") }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw .failed("its output \"\(name)\" is \(size) bytes, past the \(limit) bytes a candidate's output may have under --max-memory (not read)")
        }
        // The header first: a body its shape and dtype do not account for is refused unread.
        let head = try read(fd, count: min(size, 8 + 4 + NPY.maxHeaderLength), name: name)
        let layout: NPY.Layout
        do { layout = try NPY.layout(prefix: head, fileSize: size) } catch {
            throw .failed("its output \"\(name)\" is not a usable .npy: \(error)")
        }
        // Then the body, straight into the tensor.
        guard lseek(fd, off_t(layout.dataStart), SEEK_SET) == off_t(layout.dataStart) else {
            throw .failed("its output \"\(name)\" cannot be read: \(String(cString: strerror(errno)))")
        }
        do { return try NPY.read(layout, from: fd) } catch { throw .failed("its output \"\(name)\" is not a usable .npy: \(error)") }
    }

    /// Exactly `count` bytes from `fd`, or an error (the file changed under us).
    private func read(_ fd: Int32, count: Int, name: String) throws(CandidateError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .failed("its output \"\(name)\" changed size while it was read") }
            offset += n
        }
        return bytes
    }

    /// Removes the folder's entries and the folder, without following anything the program planted.
    func remove() {
        if let dir = fdopendir(dup(descriptor)) {
            var names = [String]()
            while let entry = readdir(dir) {
                let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if entryName != "." && entryName != ".." { names.append(entryName) }
            }
            closedir(dir)
            // unlinkat removes a link itself, never its target; a folder the program made is removed if empty.
            for entry in names where unlinkat(descriptor, entry, 0) != 0 { _ = unlinkat(descriptor, entry, AT_REMOVEDIR) }
        }
        close(descriptor)
        // If the program put something else at the folder's name, that (a link, say) goes, not what it points to.
        if unlinkat(parent, name, AT_REMOVEDIR) != 0 { _ = unlinkat(parent, name, 0) }
        close(parent)
    }
}
