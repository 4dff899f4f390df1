import JSONCore

/// Writes compact JSON text straight into bytes, member by member: how records are built, without a document tree
/// to allocate and then serialise.
///
/// The caller keeps the shape right (a `key` only directly inside an object, one value after each key); the writer
/// places the commas.
///
/// Short pieces (a key with its quotes, colon and comma; a number; a literal) are written in one step each through
/// `Array.append(addingCapacity:initializingWith:)`: one uniqueness and capacity check per piece. Numbers are
/// written digit by digit there: formatting each through `String` (a record holds a few dozen) cost ~8 k
/// instructions a record more.
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
        let comma = takeSeparator()
        name.withUTF8Buffer { utf8 in
            bytes.append(addingCapacity: utf8.count + 4) { out in
                if comma { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out.append(copying: utf8)
                out.append(UInt8(ascii: "\""))
                out.append(UInt8(ascii: ":"))
            }
        }
        afterKey = true
    }

    /// A key that is not a literal (header names), escaped as needed.
    mutating func key(text name: String) {
        separate()
        JSONString.encode(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A header name as a key, lower-cased; written byte by byte when it is a token (as names are), else escaped.
    mutating func key(lowercasing name: String) {
        var name = name
        let written = name.withUTF8 { utf8 -> Bool in
            guard utf8.allSatisfy(HeaderRules.isTokenByte) else { return false }
            let comma = takeSeparator()
            bytes.append(addingCapacity: utf8.count + 4) { out in
                if comma { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                for byte in utf8 { out.append(ByteSearch.asciiLowercased(byte)) }
                out.append(UInt8(ascii: "\""))
                out.append(UInt8(ascii: ":"))
            }
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
        literal("null")
    }

    mutating func string(_ text: String?) {
        guard let text else { return null() }
        separate()
        JSONString.encode(text, into: &bytes)
    }

    mutating func bool(_ flag: Bool) {
        literal(flag ? "true" : "false")
    }

    mutating func int(_ value: Int?) {
        guard let value else { return null() }
        let comma = takeSeparator()
        let digits = OutputSpan<UInt8>.decimalDigitCount(of: value.magnitude)
        bytes.append(addingCapacity: digits + 2) { out in
            if comma { out.append(UInt8(ascii: ",")) }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(decimal: value.magnitude, digits: digits)
        }
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
        let comma = takeSeparator()
        let micros = Int(thousandths)
        let whole = micros.magnitude / 1000
        let wholeDigits = OutputSpan<UInt8>.decimalDigitCount(of: whole)
        // The thousandths without their trailing zeros: 500 → 5 (one digit), 70 → 07 (two), 0 → none.
        var fraction = micros.magnitude % 1000
        var fractionDigits = fraction == 0 ? 0 : 3
        while fractionDigits > 0 && fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        bytes.append(addingCapacity: wholeDigits + fractionDigits + 3) { out in
            if comma { out.append(UInt8(ascii: ",")) }
            if micros < 0 { out.append(UInt8(ascii: "-")) }
            out.append(decimal: whole, digits: wholeDigits)
            if fractionDigits > 0 {
                out.append(UInt8(ascii: "."))
                out.append(decimal: fraction, digits: fractionDigits)
            }
        }
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
        if takeSeparator() { bytes.append(UInt8(ascii: ",")) }
    }

    /// Moves past the place where a value or key goes: whether a comma must precede it.
    private mutating func takeSeparator() -> Bool {
        if afterKey {
            afterKey = false
            return false
        }
        guard let last = isEmpty.indices.last else { return false }
        if isEmpty[last] {
            isEmpty[last] = false
            return false
        }
        return true
    }

    /// A value written as is (`null`, `true`, `false`).
    private mutating func literal(_ text: StaticString) {
        let comma = takeSeparator()
        text.withUTF8Buffer { utf8 in
            bytes.append(addingCapacity: utf8.count + 1) { out in
                if comma { out.append(UInt8(ascii: ",")) }
                out.append(copying: utf8)
            }
        }
    }
}

extension JSONTextWriter {
    /// Masks the configured secrets in what is written so far, each by a mask of its own length (`HeaderRedactor`).
    mutating func maskSecrets(_ redactor: HeaderRedactor) {
        redactor.maskSecrets(in: &bytes)
    }
}
