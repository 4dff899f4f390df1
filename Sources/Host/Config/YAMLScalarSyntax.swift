/// What a scalar's text means under YAML 1.2's core schema, for the few types configuration values use.
enum YAMLScalarSyntax {
    /// `true`/`True`/`TRUE` and `false`/`False`/`FALSE`; nil otherwise (`yes`/`on` are not booleans in YAML 1.2).
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// A decimal integer with an optional sign (`42`, `-7`, `+3`); nil otherwise or on overflow.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        if digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || isNegativeInteger(digits)
        else { return nil }
        return Int(digits)
    }

    /// A finite decimal number as YAML writes it (`1`, `-2.5`, `.5`, `1e-3`); nil otherwise.
    static func decimal(_ text: String) -> Double? {
        jsonNumber(text).flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil }
    }

    /// The JSON spelling of a YAML integer or decimal (`+1` → `1`, `007` → `7`, `.5` → `0.5`, `2.` → `2`);
    /// nil when the text is not one. Infinity, NaN, hex and octal are not numbers here.
    static func jsonNumber(_ text: String) -> String? {
        var bytes = Array(text.utf8)[...]
        var output = ""
        if bytes.first == UInt8(ascii: "-") {
            output = "-"
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let integer = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        let significant = integer.drop { $0 == UInt8(ascii: "0") }
        output += significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        if !fraction.isEmpty { output += "." + String(decoding: fraction, as: UTF8.self) }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            var exponent = bytes.dropFirst()
            var sign = ""
            if let first = exponent.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                sign = first == UInt8(ascii: "-") ? "-" : "+"
                exponent = exponent.dropFirst()
            }
            guard !exponent.isEmpty, exponent.allSatisfy(isDigit) else { return nil }
            output += "e" + sign + String(decoding: exponent, as: UTF8.self)
            bytes = []
        }
        return bytes.isEmpty ? output : nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isNegativeInteger(_ text: Substring) -> Bool {
        text.first == "-" && text.count > 1 && text.utf8.dropFirst().allSatisfy(isDigit)
    }
}
