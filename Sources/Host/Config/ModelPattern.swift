/// A model name as written in a route or price: an exact name, or a glob where `*` matches any run of characters
/// (including none) and `?` exactly one. Matching is case-sensitive; there are no character classes or escapes.
public struct ModelPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    /// A glob's characters, split once (routes and prices are matched on every request); nil for an exact name.
    private let glob: [Unicode.Scalar]?
    /// The glob's bytes when it is ASCII: matched against an ASCII name byte by byte (a scalar view walks each
    /// character through UTF-8 decoding, ~60 instructions a character).
    private let asciiGlob: [UInt8]?

    /// Creates a pattern from its text.
    public init(_ text: String) {
        self.text = text
        let scalars = Array(text.unicodeScalars)
        let isGlob = scalars.contains { $0 == "*" || $0 == "?" }
        self.glob = isGlob ? scalars : nil
        self.asciiGlob = isGlob && scalars.allSatisfy(\.isASCII) ? Array(text.utf8) : nil
    }

    /// Whether the pattern contains `*` or `?`.
    public var isGlob: Bool { glob != nil }

    /// The pattern as written.
    public var description: String { text }

    public static func == (lhs: ModelPattern, rhs: ModelPattern) -> Bool { lhs.text == rhs.text }

    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether `model` matches. Thread: any.
    public func matches(_ model: String) -> Bool {
        guard let glob else { return model == text }
        // A byte of an ASCII pattern stands for one character of an ASCII name; with a non-ASCII name, `?` must
        // match a whole character, so the scalars are walked instead.
        if let asciiGlob, model.utf8.allSatisfy({ $0 < 0x80 }) {
            return Self.matches(asciiGlob, model.utf8, star: UInt8(ascii: "*"), any: UInt8(ascii: "?"))
        }
        return Self.matches(glob, model.unicodeScalars, star: "*", any: "?")
    }

    /// Glob matching of `name` against `pattern`, walking the name by index (no copy of it): on a mismatch after a
    /// `star`, the star takes one more element and matching resumes behind it.
    private static func matches<Name: Collection>(
        _ pattern: [Name.Element], _ name: Name, star: Name.Element, any: Name.Element
    ) -> Bool where Name.Element: Equatable {
        var p = 0
        var n = name.startIndex
        var lastStar: (pattern: Int, name: Name.Index)?
        while n < name.endIndex {
            if p < pattern.count, pattern[p] == any || pattern[p] == name[n] {
                p += 1
                n = name.index(after: n)
            } else if p < pattern.count, pattern[p] == star {
                lastStar = (p, n)
                p += 1
            } else if let last = lastStar {
                let next = name.index(after: last.name)
                p = last.pattern + 1
                n = next
                lastStar = (last.pattern, next)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
