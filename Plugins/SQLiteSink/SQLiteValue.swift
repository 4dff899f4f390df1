import JSONCore

/// One SQLite value, as bound to a statement or read from a result column.
enum SQLiteValue: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Bytes.
    case blob([UInt8])

    /// An optional integer: `.null` when nil.
    static func integer(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }
    /// An optional real: `.null` when nil.
    static func real(_ value: Double?) -> SQLiteValue { value.map { .real($0) } ?? .null }
    /// An optional text: `.null` when nil.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    /// An optional flag stored as 0 or 1: `.null` when nil.
    static func flag(_ value: Bool?) -> SQLiteValue { value.map { .integer($0 ? 1 : 0) } ?? .null }

    /// The value as JSON for query results: integers and reals as numbers (a non-finite real as null), text as a
    /// string, blobs as a string in SQL's hex-literal form `X'0A1B'`.
    var json: JSONValue {
        switch self {
        case .null: .null
        case .integer(let value): .number(String(value))
        case .real(let value): .double(value)
        case .text(let value): .string(value)
        case .blob(let bytes): .string("X'" + Self.hex(bytes) + "'")
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
