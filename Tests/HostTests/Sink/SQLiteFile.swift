import CSQLite
import Foundation

/// Reads (and, for test setup, changes) a database file directly through libsqlite3's C API, beside the plugin.
final class SQLiteFile {
    /// One value of a result row.
    enum Value: Equatable, CustomStringConvertible {
        case integer(Int64), real(Double), text(String), blob([UInt8]), null

        var description: String {
            switch self {
            case .integer(let value): "\(value)"
            case .real(let value): "\(value)"
            case .text(let value): "'\(value)'"
            case .blob(let bytes): "blob(\(bytes.count))"
            case .null: "NULL"
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let database: OpaquePointer

    /// Opens `path` read-write (creating it when `create`).
    init(_ path: String, create: Bool = false) throws {
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        guard sqlite3_open_v2(path, &database, flags, nil) == SQLITE_OK, let database else {
            _ = sqlite3_close_v2(database)
            throw Failure(description: "cannot open \(path)")
        }
        self.database = database
    }

    deinit { _ = sqlite3_close_v2(database) }

    /// Runs `sql` (one statement) and returns its rows.
    @discardableResult
    func rows(_ sql: String) throws -> [[Value]] {
        try named(sql).map { row in row.map(\.value) }
    }

    /// Runs `sql` (one statement) and returns its rows as (column name, value) pairs.
    func named(_ sql: String) throws -> [[(name: String, value: Value)]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else { throw failure(sql) }
        defer { _ = sqlite3_finalize(statement) }
        var result: [[(name: String, value: Value)]] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                result.append((0..<sqlite3_column_count(statement)).map { column in
                    (String(cString: sqlite3_column_name(statement, column)!), value(statement, column))
                })
            case SQLITE_DONE:
                return result
            default:
                throw failure(sql)
            }
        }
    }

    /// The first row of `sql` as a dictionary by column name.
    func row(_ sql: String) throws -> [String: Value] {
        guard let first = try named(sql).first else { throw Failure(description: "no row for \(sql)") }
        return Dictionary(first.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The single value of `sql`.
    func value(_ sql: String) throws -> Value {
        guard let value = try rows(sql).first?.first else { throw Failure(description: "no row for \(sql)") }
        return value
    }

    private func value(_ statement: OpaquePointer?, _ column: Int32) -> Value {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, column))
            let bytes = sqlite3_column_text(statement, column)
            return .text(bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: count), as: UTF8.self) } ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            let bytes = sqlite3_column_blob(statement, column)
            return .blob(bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? [])
        default: return .null
        }
    }

    private func failure(_ sql: String) -> Failure {
        Failure(description: "\(String(cString: sqlite3_errmsg(database)!)) in \(sql)")
    }
}
