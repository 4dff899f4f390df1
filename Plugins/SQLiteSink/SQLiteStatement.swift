import CSQLite

/// A prepared statement. Owned by its `SQLiteConnection` and used only under that connection's lock.
///
/// THREAD: not thread-safe; the owner serialises every use (see `SQLiteSink`).
final class SQLiteStatement {
    /// The `sqlite3_stmt *`.
    let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    /// The connection the statement belongs to.
    private var database: OpaquePointer? { sqlite3_db_handle(handle) }

    /// Makes the statement ready to run again, with no values bound.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Makes the statement ready to run again, keeping its bindings: for a caller that binds every parameter
    /// anew each run (clearing them first frees each bound copy only to bind another), and calls `reset` when done.
    func rewind() {
        sqlite3_reset(handle)
    }

    /// Binds `values` to the parameters `?1…?n`, in order.
    /// - Throws: `SQLiteError` when a value cannot be bound (wrong count, too big).
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds `value` to parameter `index` (1-based).
    func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, index)
        case .integer(let number):
            result = sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            result = sqlite3_bind_double(handle, index, number)
        case .text(let text):
            result = Self.bindText(text, to: handle, at: index)
        case .blob(let bytes):
            result = bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob64(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                    sqlite3_uint64(buffer.count), sqliteTransient)
            }
        }
        guard result == SQLITE_OK else { throw error(result) }
    }

    /// Binds UTF-8 text given as bytes to parameter `index` (1-based); nil binds NULL.
    /// - Parameter inPlace: false (the default) has SQLite copy the bytes. True binds them where they are
    ///   (`SQLITE_STATIC`): the caller keeps them alive and unchanged until the statement has run, and binds the
    ///   parameter anew or calls `reset` before they go.
    func bindText(_ utf8: UnsafeRawBufferPointer?, at index: Int32, inPlace: Bool = false) throws(SQLiteError) {
        let result: Int32
        if let utf8 {
            // An empty buffer may have no address, and a NULL pointer would bind NULL instead of ''.
            let base = utf8.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            result = sqlite3_bind_text64(handle, index, base.assumingMemoryBound(to: CChar.self),
                                         sqlite3_uint64(utf8.count), inPlace ? sqliteStatic : sqliteTransient,
                                         UInt8(SQLITE_UTF8))
        } else {
            result = sqlite3_bind_null(handle, index)
        }
        guard result == SQLITE_OK else { throw error(result) }
    }

    private static func bindText(_ text: String, to handle: OpaquePointer, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { utf8 in
            // An empty buffer may have no address, and a NULL pointer would bind NULL instead of ''.
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                sqlite3_bind_text64(handle, index, chars, sqlite3_uint64(utf8.count), sqliteTransient,
                                    UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Runs the statement one step.
    /// - Returns: true when a row is available, false when the statement is done.
    /// - Throws: `SQLiteError` for any failure (including `SQLITE_INTERRUPT` from a progress handler).
    func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(result)
        }
    }

    /// Runs the statement to its end, ignoring any rows.
    func run() throws(SQLiteError) {
        while try step() {}
    }

    /// True when the statement cannot change the database file (`sqlite3_stmt_readonly`).
    var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// The number of result columns.
    var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index`.
    func columnName(_ index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// The type of column `index` of the current row: `SQLITE_INTEGER`, `SQLITE_FLOAT`, `SQLITE_TEXT`,
    /// `SQLITE_BLOB` or `SQLITE_NULL`.
    func columnType(_ index: Int) -> Int32 {
        sqlite3_column_type(handle, Int32(index))
    }

    /// The length in bytes of column `index` when it holds text (UTF-8) or a blob, read without copying the value
    /// (a `zeroblob` is not expanded); call it only for those two types, as it turns a number into text.
    func byteCount(_ index: Int) -> Int {
        Int(sqlite3_column_bytes(handle, Int32(index)))
    }

    /// The value of column `index` of the current row, in its stored type.
    func value(_ index: Int) -> SQLiteValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// Column `index` as an integer, or nil when it is NULL.
    func integer(_ index: Int) -> Int? {
        guard sqlite3_column_type(handle, Int32(index)) != SQLITE_NULL else { return nil }
        return Int(sqlite3_column_int64(handle, Int32(index)))
    }

    /// Column `index` as a real, or nil when it is NULL.
    func real(_ index: Int) -> Double? {
        guard sqlite3_column_type(handle, Int32(index)) != SQLITE_NULL else { return nil }
        return sqlite3_column_double(handle, Int32(index))
    }

    /// Column `index` as text (UTF-8), or nil when it is NULL.
    func text(_ index: Int) -> String? {
        let column = Int32(index)
        guard sqlite3_column_type(handle, column) != SQLITE_NULL,
              let characters = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
    }

    private func error(_ code: Int32) -> SQLiteError {
        let message = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return SQLiteError(code: code, message: message ?? String(cString: sqlite3_errstr(code)))
    }
}

/// `SQLITE_STATIC`: SQLite uses a bound value where it lies (its owner keeps it alive while bound).
var sqliteStatic: sqlite3_destructor_type? { nil }

/// `SQLITE_TRANSIENT`: SQLite copies a bound value before the bind call returns.
var sqliteTransient: sqlite3_destructor_type {
    unsafeBitCast(Int(-1), to: sqlite3_destructor_type.self)
}
