/// Number text helpers: grammar checks, value comparison and JavaScript-style formatting of doubles.
enum JSONNumber {
    /// True when `text` follows the JSON number grammar exactly.
    static func isValid(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { utf8 in
            var reader = JSONReader(UnsafeRawBufferPointer(utf8))
            guard (try? reader.readNumber()) != nil else { return false }
            return reader.isAtEnd
        }
    }

    /// True when `text` is a JSON integer: no fraction, no exponent.
    static func isInteger(_ text: String) -> Bool {
        isValid(text) && !text.utf8.contains { $0 == ASCII.period || $0 == ASCII.lowercaseE || $0 == ASCII.uppercaseE }
    }

    /// True when two number texts denote the same value: `1.0`, `1`, `1e0` and `10E-1` are all equal.
    static func areEqual(_ lhs: String, _ rhs: String) -> Bool {
        if lhs == rhs { return true }
        guard let left = Canonical(lhs), let right = Canonical(rhs) else { return false }
        return left == right
    }

    /// The text JavaScript's `String(number)` gives for `value` (`1`, `0.5`, `1e+21`, `1e-7`), or nil for
    /// infinities and NaN, which JSON cannot hold.
    ///
    /// Swift's `description` already yields the shortest digits that round-trip; only the layout differs
    /// (Swift writes `1.0`, `1e-05`, `1e+16`), so the digits and exponent are re-laid-out by ECMAScript's
    /// Number::toString rules.
    static func text(for value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }  // also for -0, as JavaScript prints it
        var digits: [UInt8] = []
        var pointPosition = 0  // the value is 0.DIGITS × 10^pointPosition
        var exponent = 0
        var isNegativeExponent = false
        var phase = 0  // 0: integer part, 1: fraction, 2: exponent
        for byte in value.magnitude.description.utf8 {
            switch byte {
            case ASCII.period: phase = 1
            case ASCII.lowercaseE: phase = 2
            case ASCII.minus: isNegativeExponent = true
            case ASCII.plus: break
            default:
                let digit = Int(byte &- ASCII.zero)
                if phase == 2 {
                    exponent = exponent * 10 + digit
                } else {
                    if digits.isEmpty && digit == 0 {
                        if phase == 1 { pointPosition -= 1 }  // leading zeros after the point shift it left
                    } else {
                        digits.append(byte)
                        if phase == 0 { pointPosition += 1 }
                    }
                }
            }
        }
        while digits.last == ASCII.zero { digits.removeLast() }
        pointPosition += isNegativeExponent ? -exponent : exponent
        return (value < 0 ? "-" : "") + layOut(digits: digits, pointPosition: pointPosition)
    }

    /// ECMAScript Number::toString steps for digits `d1…dk` and decimal point position `n`.
    private static func layOut(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        let text = String(decoding: digits, as: UTF8.self)
        if k <= n && n <= 21 {
            return text + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            return String(decoding: digits[..<n], as: UTF8.self) + "." + String(decoding: digits[n...], as: UTF8.self)
        }
        if -6 < n && n <= 0 {
            return "0." + String(repeating: "0", count: -n) + text
        }
        let exponent = n - 1
        let sign = exponent < 0 ? "-" : "+"
        let mantissa = k == 1
            ? text
            : String(decoding: digits[..<1], as: UTF8.self) + "." + String(decoding: digits[1...], as: UTF8.self)
        return mantissa + "e" + sign + String(exponent.magnitude)
    }

    /// A number reduced to sign, significant digits and exponent, so equal values compare equal.
    private struct Canonical: Equatable {
        var isNegative = false
        var digits: [UInt8] = []  // no leading or trailing zeros; empty for zero
        var exponent = 0  // value = 0.DIGITS × 10^exponent

        init?(_ text: String) {
            guard JSONNumber.isValid(text) else { return nil }
            var pointPosition = 0
            var exponentValue = 0
            var exponentIsNegative = false
            var phase = 0  // 0: integer part, 1: fraction, 2: exponent
            for byte in text.utf8 {
                switch byte {
                case ASCII.minus: if phase == 2 { exponentIsNegative = true } else { isNegative = true }
                case ASCII.plus: break
                case ASCII.period: phase = 1
                case ASCII.lowercaseE, ASCII.uppercaseE: phase = 2
                default:
                    if phase == 2 {
                        // Saturate: exponents beyond ±10^12 only matter for their sign here.
                        exponentValue = min(exponentValue * 10 + Int(byte &- ASCII.zero), 1_000_000_000_000)
                    } else if digits.isEmpty && byte == ASCII.zero {
                        if phase == 1 { pointPosition -= 1 }
                    } else {
                        digits.append(byte)
                        if phase == 0 { pointPosition += 1 }
                    }
                }
            }
            while digits.last == ASCII.zero { digits.removeLast() }
            if digits.isEmpty {
                isNegative = false  // -0 equals 0
                return
            }
            exponent = pointPosition + (exponentIsNegative ? -exponentValue : exponentValue)
        }
    }
}

extension JSONScanner {
    /// The value of a JSON integer's text (digits with an optional minus; no fraction, exponent or sign `+`) when
    /// it fits in 64 bits; nil for anything else. For readers that take a number straight from scanned bytes.
    @inlinable
    public static func integer(in text: some Collection<UInt8>) -> Int? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, carry) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !carry else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// The value of a short decimal's text — an optional minus, digits, an optional fraction, no exponent, at most
    /// 15 significant digits and 22 after the point — rounded exactly as a full conversion (`strtod`) rounds it; nil
    /// for anything else, where the caller converts the text in full. The digits as an integer are exact in a
    /// `Double`, and so is the power of ten that divides them, so the one division is correctly rounded (the
    /// classic fast path). The records' timings are such numbers: a full conversion costs ~800 instructions each,
    /// with a `String` made for it.
    @inlinable
    public static func shortDecimal(in text: some Collection<UInt8>) -> Double? {
        var index = text.startIndex
        let negative = index != text.endIndex && text[index] == UInt8(ascii: "-")
        if negative { index = text.index(after: index) }
        var mantissa = 0
        var digits = 0
        var significantDigits = 0  // from the first non-zero one: leading zeros add nothing to the mantissa
        var fractionDigits = 0
        var inFraction = false
        while index != text.endIndex {
            let byte = text[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if mantissa > 0 || byte != UInt8(ascii: "0") { significantDigits += 1 }
                mantissa = mantissa * 10 + Int(byte - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
                guard significantDigits <= 15, fractionDigits <= 22 else { return nil }
            } else if byte == UInt8(ascii: "."), !inFraction, digits > 0 {
                inFraction = true
            } else {
                return nil
            }
            index = text.index(after: index)
        }
        guard digits > 0, !inFraction || fractionDigits > 0 else { return nil }
        var divisor = 1.0
        for _ in 0..<fractionDigits { divisor *= 10 }  // every power of ten up to 10^22 is exact
        let magnitude = Double(mantissa) / divisor
        return negative ? -magnitude : magnitude
    }
}
