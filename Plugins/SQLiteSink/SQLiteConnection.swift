import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Connections are opened with `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode): SQLite does not lock them,
/// because each one is only ever used under its own Swift `Mutex` (see `SQLiteSink`).
///
/// THREAD: not thread-safe; one thread at a time, enforced by the owner.
final class SQLiteConnection {
    /// The `sqlite3 *`.
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    /// Dynamic queries (filters) make a bounded variety of SQL texts; past this many the cache starts over.
    private static let cacheLimit = 128

    /// Opens `path` with `flags` (`SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE`, or `SQLITE_OPEN_READONLY`).
    /// - Throws: `SQLiteError` with SQLite's reason when the file cannot be opened.
    init(path: String, flags: Int32, busyTimeoutMilliseconds: Int) throws(SQLiteError) {
        var database: OpaquePointer?
        let result = sqlite3_open_v2(path, &database, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let database else {
            let message = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_close_v2(database)
            throw SQLiteError(code: result, message: message ?? String(cString: sqlite3_errstr(result)))
        }
        handle = database
        sqlite3_busy_timeout(database, Int32(clamping: busyTimeoutMilliseconds))
    }

    deinit {
        statements.removeAll()  // finalizes them before the connection closes
        sqlite3_close_v2(handle)
    }

    /// Runs SQL text without values (DDL, pragmas, transaction control); several statements are allowed.
    /// - Throws: `SQLiteError` with SQLite's message.
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            throw SQLiteError(code: result, message: message.map { String(cString: $0) } ?? lastMessage)
        }
    }

    /// The statement for `sql` from the cache, prepared on first use, reset and with nothing bound.
    /// - Throws: `SQLiteError` when the SQL does not compile.
    func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        guard let statement = try prepare(sql).statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement in '\(sql)'")
        }
        if statements.count >= Self.cacheLimit { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    /// Compiles the first statement in `sql` (not cached).
    /// - Returns: the statement (nil when `sql` holds only whitespace and comments) and the byte offset where the
    ///   rest of the text starts.
    /// - Throws: `SQLiteError` when the SQL does not compile.
    func prepare(_ sql: some StringProtocol) throws(SQLiteError) -> (statement: SQLiteStatement?, tail: Int) {
        var text = String(sql)
        let outcome = text.withUTF8 { utf8 -> Result<(SQLiteStatement?, Int), SQLiteError> in
            guard let base = utf8.baseAddress, utf8.count > 0 else { return .success((nil, 0)) }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let result = sqlite3_prepare_v2(handle, chars, Int32(utf8.count), &statement, &tail)
                guard result == SQLITE_OK else {
                    return .failure(SQLiteError(code: result, message: lastMessage))
                }
                let consumed = tail.map { $0 - UnsafePointer(chars) } ?? utf8.count
                return .success((statement.map(SQLiteStatement.init(handle:)), consumed))
            }
        }
        return try outcome.get()
    }

    /// The single integer the query `sql` returns (e.g. `PRAGMA user_version`), or nil for no row or NULL.
    /// - Throws: `SQLiteError`.
    func integer(_ sql: String) throws(SQLiteError) -> Int? {
        let statement = try cached(sql)
        defer { statement.reset() }
        return try statement.step() ? statement.integer(0) : nil
    }

    /// The single text the query `sql` returns (e.g. `PRAGMA journal_mode`), or nil for no row or NULL.
    /// - Throws: `SQLiteError`.
    func text(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try cached(sql)
        defer { statement.reset() }
        return try statement.step() ? statement.text(0) : nil
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    /// - Parameter mode: `"IMMEDIATE"` for writers (take the write lock up front), `"DEFERRED"` for readers.
    /// - Throws: whatever `body` throws, or `SQLiteError` from BEGIN/COMMIT.
    func transaction<Value>(
        _ mode: String = "DEFERRED", _ body: () throws(SQLiteError) -> Value
    ) throws(SQLiteError) -> Value {
        // Prepared once and reused: compiling BEGIN and COMMIT for every batch costs more than small batches' inserts.
        try cached("BEGIN \(mode)").run()
        do throws(SQLiteError) {
            let value = try body()
            try cached("COMMIT").run()
            return value
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The connection's last error message.
    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
