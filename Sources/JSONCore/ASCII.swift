/// Named byte values of the JSON grammar, so the scanners read as the grammar does.
enum ASCII {
    /// `"`
    static let quote: UInt8 = 0x22
    /// `\`
    static let backslash: UInt8 = 0x5C
    /// `/`
    static let slash: UInt8 = 0x2F
    /// `,`
    static let comma: UInt8 = 0x2C
    /// `:`
    static let colon: UInt8 = 0x3A
    /// `.`
    static let period: UInt8 = 0x2E
    /// `-`
    static let minus: UInt8 = 0x2D
    /// `+`
    static let plus: UInt8 = 0x2B
    /// `0`
    static let zero: UInt8 = 0x30
    /// `9`
    static let nine: UInt8 = 0x39
    /// `{`
    static let openBrace: UInt8 = 0x7B
    /// `}`
    static let closeBrace: UInt8 = 0x7D
    /// `[`
    static let openBracket: UInt8 = 0x5B
    /// `]`
    static let closeBracket: UInt8 = 0x5D
    /// The space.
    static let space: UInt8 = 0x20
    /// The horizontal tab.
    static let tab: UInt8 = 0x09
    /// The line feed.
    static let newline: UInt8 = 0x0A
    /// The carriage return.
    static let carriageReturn: UInt8 = 0x0D
    /// `e`
    static let lowercaseE: UInt8 = 0x65
    /// `E`
    static let uppercaseE: UInt8 = 0x45
    /// `u`
    static let lowercaseU: UInt8 = 0x75

    /// True for `0`…`9`.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

    /// The value of a hex digit (`0-9a-fA-F`), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
