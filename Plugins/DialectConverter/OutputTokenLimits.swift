/// Per-model output token limits (option `max_output_tokens`), looked up by the upstream model name.
///
/// THREAD: an immutable value, read from any thread.
struct OutputTokenLimits: Sendable {
    private let exact: [String: Int]
    private let globs: [(pattern: String, limit: Int)]

    /// - Parameter limits: model names or globs with their limits, in the order the configuration wrote them.
    init(limits: [(pattern: String, limit: Int)]) {
        var exact: [String: Int] = [:]
        var globs: [(String, Int)] = []
        for (pattern, limit) in limits {
            if pattern.contains("*") || pattern.contains("?") {
                globs.append((pattern, limit))
            } else {
                exact[pattern] = limit
            }
        }
        self.exact = exact
        self.globs = globs
    }

    /// The limit for `model`: an exact entry first, else the first glob that matches; nil when none does.
    func limit(for model: String) -> Int? {
        if let limit = exact[model] { return limit }
        return globs.first { ModelGlob.matches($0.pattern, model) }?.limit
    }

    /// `requested` clamped to the limit for `model`, if there is one.
    func clamp(_ requested: Int, for model: String) -> Int {
        guard let limit = limit(for: model) else { return requested }
        return min(requested, limit)
    }
}

/// Glob matching for model names: `*` matches any run of characters (also none), `?` exactly one.
enum ModelGlob {
    /// Whether `name` matches `pattern` as a whole.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        var pattern = pattern, name = name
        // Model names are ASCII: matched on their bytes in place, a byte a character. Anything else is matched on
        // Unicode scalars (copied into arrays: ~10 times the cost, and every converted request asks).
        let isASCII = pattern.withUTF8 { $0.allSatisfy { $0 < 0x80 } } && name.withUTF8 { $0.allSatisfy { $0 < 0x80 } }
        if isASCII {
            return pattern.withUTF8 { pattern in
                name.withUTF8 { name in matches(pattern, name, any: UInt8(ascii: "?"), star: UInt8(ascii: "*")) }
            }
        }
        return matches(Array(pattern.unicodeScalars), Array(name.unicodeScalars), any: "?", star: "*")
    }

    private static func matches<Characters: RandomAccessCollection<Element>, Element: Equatable>(
        _ pattern: Characters, _ name: Characters, any: Element, star asterisk: Element
    ) -> Bool where Characters.Index == Int {
        var p = 0
        var n = 0
        // The last `*` seen and the name position it currently stands for: on a mismatch, let it absorb one more
        // character and retry. Linear backtracking, no recursion.
        var star: Int?
        var starMatch = 0
        while n < name.count {
            if p < pattern.count && (pattern[p] == any || pattern[p] == name[n]) {
                p += 1
                n += 1
            } else if p < pattern.count && pattern[p] == asterisk {
                star = p
                starMatch = n
                p += 1
            } else if let star {
                p = star + 1
                starMatch += 1
                n = starMatch
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == asterisk { p += 1 }
        return p == pattern.count
    }
}
