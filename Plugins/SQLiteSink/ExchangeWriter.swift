import CSQLite
import PluginABI
import PluginKit

/// The sink's write connection: opens the database in WAL mode, brings its schema up to date, and stores
/// batches of records.
///
/// THREAD: not thread-safe; `SQLiteSink` keeps it behind a `Mutex`.
final class ExchangeWriter {
    private let connection: SQLiteConnection
    /// The database path, as configured.
    let path: String
    /// The schema version the file had before this open (0 for a new file).
    let previousVersion: Int
    /// The insert, prepared at the first batch and kept: the connection's cache would hash its ~1 KB of SQL text
    /// for every batch.
    private var insert: SQLiteStatement?

    /// Opens (creating if needed) the database at `options.path` and applies pending migrations.
    /// - Throws: `PluginError.config` when the file cannot be opened, is not a database, has a schema newer than
    ///   this plugin, or a migration fails.
    init(options: SinkOptions) throws(PluginError) {
        path = options.path
        let path = options.path
        func failure(_ message: String) -> PluginError { .config("cannot open database '\(path)': \(message)") }
        if let problem = DatabaseFile.prepare(path) { throw failure(problem) }
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                              busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
            // Read the version before changing anything: a newer file is refused untouched.
            previousVersion = try connection.integer("PRAGMA user_version") ?? 0
        } catch {
            throw failure(error.message)
        }
        try Self.refuseNewer(previousVersion, path: path)
        // The view `exchanges` (schema version 3) reads the record's parts with the `->` operator.
        guard sqlite3_libversion_number() >= 3_038_000 else {
            throw failure("the SQLite library is \(String(cString: sqlite3_libversion())); the SQLite sink needs 3.38 "
                + "or later (JSON operators)")
        }
        let mode: String?
        do throws(SQLiteError) {
            // A new file gets 8 KB pages (a file that has content keeps its own: SQLite ignores this then). A short
            // exchange's row (~2.3 KB) filled a 4 KB page alone; at 8 KB three share a page, and a batch writes and
            // checkpoints fewer pages: 3.2 against 4.5 KB of file per short exchange, and about −8 % of the
            // gateway's CPU per request (BENCHMARKS.md). 16 KB pages saved a little more under load, but a record
            // stored on its own (a quiet gateway) writes every page it touches whole: seven 16 KB pages per record
            // lengthened the recorder's bursts and the relay's p99 at concurrency 1.
            if previousVersion == 0 { try connection.execute("PRAGMA page_size = 8192") }
            mode = try connection.text("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA synchronous = NORMAL")
            // Keep the -wal file from staying large after a burst: truncate it back to 64 MiB at checkpoints.
            try connection.execute("PRAGMA journal_size_limit = 67108864")
        } catch {
            throw failure(error.message)
        }
        guard mode?.lowercased() == "wal" else {
            throw failure("cannot switch to WAL mode (journal_mode stays '\(mode ?? "unknown")')")
        }
        try migrate()
    }

    deinit {
        insert = nil  // finalized before the connection closes
    }

    private static func refuseNewer(_ version: Int, path: String) throws(PluginError) {
        guard version > ExchangeSchema.currentVersion else { return }
        throw .config("database '\(path)' has schema version \(version), but this SQLite sink "
            + "(\(SQLiteSink.metadata.version)) only knows versions up to \(ExchangeSchema.currentVersion): it was "
            + "written by a newer LessLLM; upgrade, or point options.path at another file")
    }

    /// Applies every migration above the file's version in one transaction, then sets `user_version`.
    private func migrate() throws(PluginError) {
        let path = path
        do throws(SQLiteError) {
            try connection.transaction("IMMEDIATE") { () throws(SQLiteError) in
                // Read again under the write lock: another process may have migrated meanwhile.
                let version = try connection.integer("PRAGMA user_version") ?? 0
                guard version <= ExchangeSchema.currentVersion else {
                    throw SQLiteError(code: SQLITE_ERROR, message: "schema version \(version) is newer than \(ExchangeSchema.currentVersion)")
                }
                for migration in ExchangeSchema.migrations where migration.version > version {
                    do throws(SQLiteError) {
                        try connection.execute(migration.sql)
                    } catch {
                        throw SQLiteError(code: error.code,
                                          message: "migration \(migration.version) (\(migration.summary)) failed: \(error.message)")
                    }
                }
                if version < ExchangeSchema.currentVersion {
                    try connection.execute("PRAGMA user_version = \(ExchangeSchema.currentVersion)")
                }
            }
        } catch {
            throw .config("cannot prepare database '\(path)': \(error.message)")
        }
    }

    /// Stores `rows` in one transaction; a row whose id is already stored is skipped.
    /// - Returns: how many rows were stored and how many were skipped as already stored.
    /// - Throws: `PluginError` (nothing of the batch is stored): `LESSLLM_E_OVERLOADED` when the database stayed
    ///   locked past the busy timeout, `.internalError` for any other SQLite failure.
    func store(_ rows: [ExchangeRow]) throws(PluginError) -> (stored: Int, skipped: Int) {
        guard !rows.isEmpty else { return (0, 0) }
        do throws(SQLiteError) {
            return try connection.transaction("IMMEDIATE") { () throws(SQLiteError) in
                let insert = try insertStatement()
                // Rows bind their text in place: no binding may outlive this batch.
                defer { insert.reset() }
                var stored = 0
                for row in rows {
                    insert.rewind()  // every row binds every parameter
                    do throws(SQLiteError) {
                        try row.insert(with: insert)
                    } catch {
                        throw SQLiteError(code: error.code, message: "record \(row.id): \(error.message)")
                    }
                    stored += connection.changes
                }
                return (stored, rows.count - stored)
            }
        } catch {
            let message = "cannot store \(rows.count) record\(rows.count == 1 ? "" : "s") in '\(path)' "
                + "(nothing of the batch was stored): \(error.message)"
            throw error.isBusy ? PluginError(LESSLLM_E_OVERLOADED, message) : .internalError(message)
        }
    }

    private func insertStatement() throws(SQLiteError) -> SQLiteStatement {
        if let insert { return insert }
        guard let statement = try connection.prepare(ExchangeSchema.insertSQL).statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "the insert statement compiled to nothing")
        }
        insert = statement
        return statement
    }
}
