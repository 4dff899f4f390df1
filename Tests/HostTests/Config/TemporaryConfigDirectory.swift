#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scratch directory for configuration-file tests, created with `mkdtemp` and removed by `remove()`.
struct TemporaryConfigDirectory {
    /// The absolute path of the directory.
    let path: String

    /// Creates a fresh directory under `/tmp`.
    init() throws {
        var template = Array("/tmp/lessllm-config-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CreationFailed()
        }
        path = String(cString: created)
    }

    /// The error thrown when a file or directory cannot be created.
    struct CreationFailed: Error {}

    /// Writes `text` to `name` inside the directory.
    func write(_ name: String, _ text: String) throws {
        guard let file = fopen(path + "/" + name, "wb") else { throw CreationFailed() }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == bytes.count else {
            throw CreationFailed()
        }
    }

    /// Deletes the files written and the directory.
    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}
