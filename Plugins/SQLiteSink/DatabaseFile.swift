#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure the database file can be created with private permissions before SQLite opens it.
///
/// The log holds prompts and responses, so a new database is created readable by its owner only (0600); SQLite
/// gives its -wal and -shm files the same mode. Missing parent folders are created (0700).
enum DatabaseFile {
    /// Creates the missing parent folders of `path` and an empty `path` when it does not exist yet.
    /// - Returns: nil when done, or why it could not be done (the system's message).
    static func prepare(_ path: String) -> String? {
        var folder = ""
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, component) in components.enumerated() {
            folder += (index == 0 ? "" : "/") + component
            guard !component.isEmpty, component != ".", component != ".." else { continue }
            if mkdir(folder, 0o700) != 0 && errno != EEXIST {
                return "cannot create folder '\(folder)': \(systemMessage())"
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return nil
        }
        return errno == EEXIST ? nil : systemMessage()
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}
