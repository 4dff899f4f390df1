/// Finds the valid name a user most likely meant, for "did you mean" hints.
enum KeySuggestion {
    /// The best candidate for `typed`: the closest one within edit distance 2 (ignoring case), else one that
    /// `typed` is a prefix of or that is a prefix of `typed` (at least 3 characters in common); ties go to the
    /// earlier candidate. `nil` when nothing is close.
    static func suggestion(for typed: String, among candidates: [String]) -> String? {
        let lowered = Array(typed.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != typed {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            if distance <= 2, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        if let best { return best.candidate }
        let typedLower = typed.lowercased()
        guard typedLower.count >= 3 else { return nil }
        return candidates.first { candidate in
            let candidateLower = candidate.lowercased()
            return candidateLower.count >= 3
                && (candidateLower.hasPrefix(typedLower) || typedLower.hasPrefix(candidateLower))
        }
    }

    /// " (did you mean 'x'?)" or "".
    static func hint(for typed: String, among candidates: [String]) -> String {
        suggestion(for: typed, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
