import CSQLite
import JSONCore
import PluginABI
import PluginKit

/// The read-only SQL console: runs one SELECT (or WITH … SELECT, or an informational PRAGMA) with a row limit
/// and a time limit.
///
/// Layers of protection, outermost first:
/// 1. its own connection, opened `SQLITE_OPEN_READONLY` with `PRAGMA query_only = 1` and no ATTACH slots;
/// 2. an authorizer (`ConsoleAuthorizer`) that refuses, at compile time, anything but reading: INSERT, UPDATE,
///    DELETE, CREATE, DROP, ALTER, ATTACH, DETACH, transactions, savepoints, ANALYZE, REINDEX, PRAGMAs that set a
///    value, and the functions `load_extension` and `fts3_tokenizer`;
/// 3. `sqlite3_stmt_readonly` on the compiled statement.
/// Text with more than one statement is refused (comments and a trailing `;` are fine).
///
/// The time limit is a progress handler that interrupts the statement once `timeout_ms` has passed. Size is bounded
/// twice: no string or blob may grow past `maxValueBytes` (`SQLITE_LIMIT_LENGTH`; past it the query fails), and
/// rows stop before their values pass `maxResultBytes`. Rows also stop at `max_rows`. Either way `truncated` says
/// more rows existed and `truncated_by` which limit stopped them (`"max_rows"` or `"bytes"`; null when complete).
/// Values come out as JSON numbers, strings and nulls; blobs as strings in SQL's hex-literal form `X'0A1B'`.
/// Concurrent console queries run one after another.
///
/// THREAD: not thread-safe; `SQLiteSink` keeps it behind a `Mutex`.
final class SQLConsole {
    /// The longest string or blob a console statement may read or build. SQLite's default is 1e9 bytes, and the
    /// time limit is only checked between VM steps, so one `zeroblob(999999999)` or `printf('%.*c', 900000000, 'x')`
    /// could allocate a gigabyte in a single step. 16 MiB keeps each step small and still holds ordinary request
    /// and response bodies. The price: a stored value longer than this (a record with a huge body) cannot be read
    /// here, only its `length()`; the dashboard's record view reads it through the sink's own connection.
    static let maxValueBytes: Int32 = 16 << 20
    /// The values one result may hold (as `resultSize` counts them): twice `maxValueBytes`, so even the longest
    /// text value fits whole, while a result that would take gigabytes of JSON stops early.
    static let maxResultBytes = 32 << 20

    private let connection: SQLiteConnection
    private let authorizer = ConsoleAuthorizer()
    private let clock = ContinuousClock()

    /// Opens the console's connection.
    /// - Throws: `PluginError.config` when it cannot be opened.
    init(path: String, busyTimeoutMilliseconds: Int) throws(PluginError) {
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY,
                                              busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try connection.execute("PRAGMA query_only = 1")
        } catch {
            throw .config("cannot open database '\(path)' for the SQL console: \(error.message)")
        }
        sqlite3_limit(connection.handle, SQLITE_LIMIT_ATTACHED, 0)
        sqlite3_limit(connection.handle, SQLITE_LIMIT_LENGTH, Self.maxValueBytes)
        authorizer.install(on: connection.handle)
    }

    /// Runs `request`.
    /// - Throws: `PluginError.invalidRequest` for SQL that does not compile, writes, or holds several statements;
    ///   `LESSLLM_E_TIMEOUT` ("query exceeded N ms") past the time limit; `.invalidRequest` for a value longer
    ///   than `maxValueBytes` and other run-time SQL errors.
    func run(_ request: ConsoleRequest) throws(PluginError) -> JSONValue {
        let started = clock.now
        let statement = try compile(request.sql)
        authorizer.deadline = started.advanced(by: .milliseconds(request.timeoutMs))
        defer { authorizer.deadline = nil }
        let columns = (0..<statement.columnCount).map { statement.columnName($0) }
        var rows: [JSONValue] = []
        var truncatedBy: String?
        var resultBytes = 0
        do throws(SQLiteError) {
            while try statement.step() {
                if rows.count == request.maxRows {
                    truncatedBy = "max_rows"
                    break
                }
                // Measured before the values are copied, so a row that does not fit is never built.
                let rowBytes = (0..<columns.count).reduce(0) { $0 + Self.resultSize(statement, column: $1) }
                if resultBytes + rowBytes > Self.maxResultBytes {
                    truncatedBy = "bytes"
                    break
                }
                resultBytes += rowBytes
                rows.append(.array((0..<columns.count).map { statement.value($0).json }))
            }
        } catch {
            if error.primaryCode == SQLITE_INTERRUPT, authorizer.deadline.map({ clock.now >= $0 }) == true {
                throw PluginError(LESSLLM_E_TIMEOUT, "query exceeded \(request.timeoutMs) ms (timeout_ms); "
                    + "narrow it with a WHERE on started_at_ms or a LIMIT")
            }
            if error.primaryCode == SQLITE_TOOBIG {
                throw .invalidRequest("SQL error: \(error.message) (the SQL console allows \(Self.maxValueBytes >> 20) "
                    + "MiB per string or blob)")
            }
            throw .invalidRequest("SQL error: \(error.message)")
        }
        let elapsed = clock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000
            + Double(elapsed.components.attoseconds) / 1e15
        return [
            "columns": .array(columns.map(JSONValue.string)), "rows": .array(rows), "row_count": .int(rows.count),
            "truncated": .bool(truncatedBy != nil), "truncated_by": truncatedBy.map(JSONValue.string) ?? .null,
            "elapsed_ms": .double((milliseconds * 1000).rounded() / 1000),
        ]
    }

    /// What column `column` of the current row counts toward `maxResultBytes`: text as its UTF-8 bytes,
    /// a blob as its hex literal `X'…'`, numbers and NULL as 8.
    private static func resultSize(_ statement: SQLiteStatement, column: Int) -> Int {
        switch statement.columnType(column) {
        case SQLITE_TEXT: statement.byteCount(column)
        case SQLITE_BLOB: 2 * statement.byteCount(column) + 3
        default: 8
        }
    }

    /// Compiles the single statement in `sql`, refusing writes and further statements.
    private func compile(_ sql: String) throws(PluginError) -> SQLiteStatement {
        authorizer.refusal = nil
        let first: (statement: SQLiteStatement?, tail: Int)
        do throws(SQLiteError) {
            first = try connection.prepare(sql)
        } catch {
            throw refusalOr("SQL error: \(error.message)")
        }
        guard let statement = first.statement else {
            throw .invalidRequest("the SQL holds no statement (only comments or whitespace)")
        }
        let rest = sql.utf8.dropFirst(first.tail)
        if !rest.isEmpty {
            // Whatever follows must compile to nothing: only whitespace, comments and semicolons.
            let following = try? connection.prepare(String(decoding: rest, as: UTF8.self))
            if following == nil || following?.statement != nil {
                throw .invalidRequest("the SQL console runs one statement at a time; remove everything after the first ';'")
            }
        }
        authorizer.refusal = nil
        guard statement.isReadOnly else {
            throw .invalidRequest("the SQL console is read-only: only SELECT statements can run here")
        }
        return statement
    }

    private func refusalOr(_ message: String) -> PluginError {
        guard let refusal = authorizer.refusal else { return .invalidRequest(message) }
        return .invalidRequest("the SQL console is read-only: \(refusal) is not allowed")
    }
}
