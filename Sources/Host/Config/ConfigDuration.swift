/// The duration syntax of the configuration file.
///
/// A number with a unit, `ms`, `s`, `m` or `h` (`250ms`, `10s`, `1.5m`, `1h`), several of them in a row (`1h30m`),
/// or a bare number meaning seconds (`30`, `0.5`).
enum ConfigDuration {
    /// The duration written as `text`; nil when it does not follow the syntax or overflows.
    static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        if !rest.isEmpty, rest.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) {
            return component(rest, unitNanoseconds: 1_000_000_000).map { .nanoseconds($0) }
        }
        var total: Int64 = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unitText.count)
            let unit: Int64
            switch unitText {
            case "ms": unit = 1_000_000
            case "s": unit = 1_000_000_000
            case "m": unit = 60_000_000_000
            case "h": unit = 3_600_000_000_000
            default: return nil
            }
            guard let nanoseconds = component(number, unitNanoseconds: unit) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(nanoseconds)
            guard !overflow else { return nil }
            total = sum
        }
        return text.isEmpty ? nil : .nanoseconds(total)
    }

    /// `number` (digits, optionally `.` and more digits) times the unit, in nanoseconds.
    private static func component(_ number: Substring, unitNanoseconds unit: Int64) -> Int64? {
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]), parts.count == 1 || !parts[1].isEmpty else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        guard parts.count == 2 else { return product }
        guard parts[1].utf8.allSatisfy(isDigit) else { return nil }
        let digits = parts[1].prefix(18)
        guard let fraction = Int64(digits) else { return nil }
        var scale: Int64 = 1
        for _ in digits { scale *= 10 }
        // fraction / scale < 1, so fraction × unit / scale < unit: exact, truncated to whole nanoseconds.
        let (quotient, _) = scale.dividingFullWidth(fraction.multipliedFullWidth(by: unit))
        let (sum, sumOverflow) = product.addingReportingOverflow(quotient)
        return sumOverflow ? nil : sum
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
