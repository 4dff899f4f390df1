import JSONCore

/// Writes compact JSON text straight into bytes, member by member: how records are built, without a document tree
/// to allocate and then serialise.
///
/// The caller keeps the shape right (a `key` only directly inside an object, one value after each key); the writer
/// places the commas.
struct JSONTextWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether nothing was written in it yet.
    private var isEmpty: [Bool] = []
    /// A key was just written: the next value follows it without a comma.
    private var afterKey = false

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// How many bytes are written so far: where the next value starts when it follows a key.
    var count: Int { bytes.count }

    // MARK: - Containers

    mutating func beginObject() { open(UInt8(ascii: "{")) }

    mutating func endObject() { close(UInt8(ascii: "}")) }

    mutating func beginArray() { open(UInt8(ascii: "[")) }

    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"name":`, ready for its value; `name` is a literal written as is (no characters that need escaping).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key that is not a literal (header names), escaped as needed.
    mutating func key(text name: String) {
        separate()
        JSONString.encode(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A header name as a key, lower-cased; copied in one piece when it is a token (as names are), else escaped.
    mutating func key(lowercasing name: String) {
        var name = name
        let written = name.withUTF8 { utf8 -> Bool in
            guard utf8.allSatisfy(HeaderRules.isTokenByte) else { return false }
            separate()
            bytes.append(UInt8(ascii: "\""))
            let start = bytes.count
            bytes.append(contentsOf: utf8)
            // Lower-cased in place after one copy: appending byte by byte through a lazy map cost ~40 % more.
            bytes.withUnsafeMutableBufferPointer { all in
                for index in start..<all.count { all[index] = ByteSearch.asciiLowercased(all[index]) }
            }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            return true
        }
        if written {
            afterKey = true
        } else {
            key(text: name.lowercased())
        }
    }

    // MARK: - Values

    mutating func null() {
        separate()
        append("null")
    }

    mutating func string(_ text: String?) {
        guard let text else { return null() }
        separate()
        JSONString.encode(text, into: &bytes)
    }

    mutating func bool(_ flag: Bool) {
        separate()
        append(flag ? "true" : "false")
    }

    mutating func int(_ value: Int?) {
        guard let value else { return null() }
        separate()
        Self.appendDecimal(value, to: &bytes)
    }

    /// A double in JavaScript's shortest form; null when nil or not finite.
    mutating func double(_ number: Double?) {
        guard let number, number.isFinite else { return null() }
        value(JSONValue.double(number))
    }

    /// Milliseconds rounded to the microsecond, written from integers (`12.5`, `0.07`, `3`): the figures a record
    /// holds dozens of (one per token), where general double formatting would dominate the record's cost.
    mutating func milliseconds(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        let thousandths = (value * 1000).rounded()
        guard thousandths.magnitude < 1e15 else { return double(thousandths / 1000) }
        separate()
        var micros = Int(thousandths)
        if micros < 0 {
            bytes.append(UInt8(ascii: "-"))
            micros = -micros
        }
        Self.appendDecimal(micros / 1000, to: &bytes)
        var fraction = micros % 1000
        guard fraction > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits - text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// A value from the document model.
    mutating func value(_ value: JSONValue) {
        separate()
        value.write(into: &bytes)
    }

    /// A value that is already JSON text (checked by the caller).
    mutating func json(_ text: some Collection<UInt8>) {
        separate()
        bytes.append(contentsOf: text)
    }

    // MARK: - Layout

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        isEmpty.append(true)
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        isEmpty.removeLast()
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = isEmpty.indices.last else { return }
        if isEmpty[last] {
            isEmpty[last] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(value).utf8)
    }
}
