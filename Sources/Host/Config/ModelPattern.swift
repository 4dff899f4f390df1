/// A model name as written in a route or price: an exact name, or a glob where `*` matches any run of characters
/// (including none) and `?` exactly one. Matching is case-sensitive; there are no character classes or escapes.
public struct ModelPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    /// A glob's characters, split once (routes and prices are matched on every request); nil for an exact name.
    private let glob: [Unicode.Scalar]?

    /// Creates a pattern from its text.
    public init(_ text: String) {
        self.text = text
        let scalars = Array(text.unicodeScalars)
        self.glob = scalars.contains { $0 == "*" || $0 == "?" } ? scalars : nil
    }

    /// Whether the pattern contains `*` or `?`.
    public var isGlob: Bool { glob != nil }

    /// The pattern as written.
    public var description: String { text }

    public static func == (lhs: ModelPattern, rhs: ModelPattern) -> Bool { lhs.text == rhs.text }

    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether `model` matches. Thread: any.
    public func matches(_ model: String) -> Bool {
        guard let pattern = glob else { return model == text }
        // The name is walked by index (no array of its characters); on a mismatch after a `*`, the star takes one
        // more character and matching resumes behind it.
        let name = model.unicodeScalars
        var p = 0
        var n = name.startIndex
        var star: (pattern: Int, name: String.UnicodeScalarView.Index)?
        while n < name.endIndex {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n = name.index(after: n)
            } else if p < pattern.count, pattern[p] == "*" {
                star = (p, n)
                p += 1
            } else if let last = star {
                let next = name.index(after: last.name)
                p = last.pattern + 1
                n = next
                star = (last.pattern, next)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
