/// The size syntax of the configuration file: a whole number of bytes, optionally followed (with or without a
/// space) by a unit: `B`, `KB` (1000), `KiB` (1024), `MB`, `MiB`, `GB` or `GiB`.
enum ByteSize {
    /// The units and their multipliers.
    static let units: [(name: String, bytes: Int)] = [
        ("B", 1), ("KB", 1_000), ("KiB", 1_024), ("MB", 1_000_000), ("MiB", 1_048_576),
        ("GB", 1_000_000_000), ("GiB", 1_073_741_824),
    ]

    /// The number of bytes written as `text`; nil when it does not follow the syntax or overflows.
    static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        var unitText = text.dropFirst(digits.count)
        if unitText.first == " " { unitText = unitText.dropFirst() }
        guard let count = Int(digits) else { return nil }
        if unitText.isEmpty { return count }
        guard let unit = units.first(where: { $0.name == unitText }) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.bytes)
        return overflow ? nil : bytes
    }
}
