/// A model name as written in a route or price: an exact name, or a glob where `*` matches any run of characters
/// (including none) and `?` exactly one. Matching is case-sensitive; there are no character classes or escapes.
public struct ModelPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String

    /// Creates a pattern from its text.
    public init(_ text: String) {
        self.text = text
    }

    /// Whether the pattern contains `*` or `?`.
    public var isGlob: Bool {
        text.unicodeScalars.contains { $0 == "*" || $0 == "?" }
    }

    /// The pattern as written.
    public var description: String { text }

    /// Whether `model` matches. Thread: any.
    public func matches(_ model: String) -> Bool {
        guard isGlob else { return model == text }
        let pattern = Array(text.unicodeScalars)
        let name = Array(model.unicodeScalars)
        var p = 0
        var n = 0
        var star: (pattern: Int, name: Int)?
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = (p, n)
                p += 1
            } else if let last = star {
                p = last.pattern + 1
                n = last.name + 1
                star = (last.pattern, last.name + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
