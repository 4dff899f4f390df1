import CSQLite

/// A failed SQLite call: its result code and the connection's message.
///
/// Internal to the plugin; it becomes a `PluginError` at the edge of each operation, where the context (which
/// database, what was being done) is known.
struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The (possibly extended) SQLite result code.
    let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    let message: String

    /// The primary result code (`SQLITE_BUSY` for `SQLITE_BUSY_SNAPSHOT`, …).
    var primaryCode: Int32 { code & 0xFF }

    /// True when another connection holds a lock that did not clear within the busy timeout.
    var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    var description: String { message }
}
