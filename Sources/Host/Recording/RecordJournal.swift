import Glibc
import JSONCore
import Synchronization

/// An append-only file of spilled traces: `[magic "LLJ1"][u32 length][TraceCodec bytes]` per entry.
///
/// Event loops append (only when the recorder's queue is full); the worker takes the whole file over by renaming
/// it before replaying, so appends that happen meanwhile start a fresh file. An entry cut short by a crash is
/// ignored on replay; one a failed write left half-written is cut away at once, and bytes that begin no entry are
/// passed over to the next.
final class RecordJournal: Sendable {
    private static let magic: [UInt8] = Array("LLJ1".utf8)
    let path: String
    private var replayPath: String { path + ".replaying" }
    private let descriptor = Mutex<Int32>(-1)
    /// False only when nothing can be waiting: set by every append (and at start, for a file left by an earlier
    /// run), cleared by a check that found the files empty. Spares the worker two file-system calls per batch.
    private let mayHaveEntries = Atomic<Bool>(true)

    init(path: String) {
        self.path = path
    }

    /// Why the journal could not be written, checked at start: it is written only when the sinks cannot keep up
    /// or fail, which is no time to find out. Nil when it can be (the file, or its folder while there is none).
    func writeProblem() -> String? {
        func reason() -> String { String(cString: strerror(errno)) }
        if access(path, F_OK) == 0 { return access(path, W_OK) == 0 ? nil : "the file: \(reason())" }
        let folder = FileSystem.folder(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else { return "its folder '\(folder)': \(reason())" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "'\(folder)' is not a folder" }
        return access(folder, W_OK | X_OK) == 0 ? nil : "its folder '\(folder)': \(reason())"
    }

    /// Appends one encoded trace. Thread-safe.
    /// - Returns: false when the file cannot be written (the caller logs it).
    func append(_ payload: [UInt8]) -> Bool {
        append { $0.append(contentsOf: payload) }
    }

    /// Appends one entry whose payload `encode` appends to the buffer it is given (behind the entry's head, so the
    /// payload is written where it lies, not copied behind the head afterwards). Thread-safe.
    /// - Returns: false when the file cannot be written (the caller logs it).
    func append(encoding encode: (inout [UInt8]) -> Void) -> Bool {
        var entry = Self.magic + [0, 0, 0, 0]
        encode(&entry)
        withUnsafeBytes(of: UInt32(entry.count - 8).littleEndian) { entry.replaceSubrange(4..<8, with: $0) }
        return descriptor.withLock { fd in
            if fd < 0 { fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) }
            guard fd >= 0 else { return false }
            var before = stat()
            let size = fstat(fd, &before) == 0 ? before.st_size : -1
            let written = entry.withUnsafeBytes { bytes in write(fd, bytes.baseAddress, bytes.count) == bytes.count }
            // Half an entry (a full disk) would swallow the entries appended after it on replay: it is cut away.
            if !written && size >= 0 { _ = ftruncate(fd, size) }
            mayHaveEntries.store(true, ordering: .releasing)
            return written
        }
    }

    /// Takes every entry written so far (including a file left by an earlier run), leaving the journal empty.
    /// The taken file is deleted by `finishReplay` once its records are safely in the sinks.
    func takeEntries() -> [ArraySlice<UInt8>] {
        if access(replayPath, F_OK) != 0 {
            descriptor.withLock { fd in
                if fd >= 0 { close(fd) }
                fd = -1
                if access(path, F_OK) == 0 { rename(path, replayPath) }
            }
        }
        guard let contents = FileSystem.read(replayPath) else { return [] }
        var entries: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset + 8 <= contents.count {
            let length = contents[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            if contents[offset..<offset + 4].elementsEqual(Self.magic), offset + 8 + length <= contents.count {
                entries.append(contents[offset + 8..<offset + 8 + length])
                offset += 8 + length
                continue
            }
            // No whole entry here: the last one, cut short by a crash, or bytes a failed write left (when they could
            // not be cut away) with entries after them, which are read on from the next magic.
            guard let next = ByteSearch.firstIndex(of: Self.magic, in: contents, from: offset + 1) else { break }
            offset = next
        }
        return entries
    }

    /// Whether anything is waiting to be replayed.
    var hasEntries: Bool {
        guard mayHaveEntries.load(ordering: .acquiring) else { return false }
        // Cleared before looking, so an append racing with the look sets it again and is found next time.
        mayHaveEntries.store(false, ordering: .releasing)
        var info = stat()
        let pending = (stat(path, &info) == 0 && info.st_size > 0) || access(replayPath, F_OK) == 0
        if pending { mayHaveEntries.store(true, ordering: .releasing) }
        return pending
    }

    /// Deletes the file taken by `takeEntries`.
    func finishReplay() {
        unlink(replayPath)
    }
}
