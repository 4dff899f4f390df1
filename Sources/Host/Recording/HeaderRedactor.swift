import JSONCore

/// Removes secrets from everything recorded: credential headers (built-in list, names made of a credential word such
/// as `x-amz-security-token` or `ocp-apim-subscription-key`, and `recording.redact_headers`), credentials in URLs
/// (user info, and query parameters that look like keys or tokens), and the configured secrets themselves (the
/// providers' keys) wherever they appear, as in an upstream error that quotes the key it was sent.
struct HeaderRedactor: Sendable {
    /// What a redacted value is replaced with.
    static let mask = "[redacted]"

    static let builtinNames: Set<String> = [
        "authorization", "x-api-key", "api-key", "proxy-authorization", "cookie", "set-cookie",
        "x-goog-api-key", "openai-organization-key",
    ]

    private static let secretParameters: Set<String> = [
        "key", "api_key", "api-key", "apikey", "token", "access_token", "auth", "signature", "sig", "password",
    ]

    /// Words that make a header name a credential's, whatever else the name says (words are split at `-` and `_`):
    /// `x-auth-token`, `cf-aig-authorization`. Plural and longer words do not count, so rate-limit headers such as
    /// `x-ratelimit-remaining-tokens` stay readable.
    private static let secretWords: [[UInt8]] = [
        "key", "apikey", "token", "secret", "password", "passwd", "auth", "authorization", "credential",
        "credentials", "signature", "cookie",
    ].map { Array($0.utf8) }
    /// The credential words by length: a word of a name is compared only with those as long as it.
    private static let secretWordsByLength: [[[UInt8]]] = (0...secretWords.map(\.count).max()!).map { length in
        secretWords.filter { $0.count == length }
    }

    /// Configured secrets shorter than this are not searched for in recorded text: a short value would mask
    /// ordinary words, and no real key is that short.
    static let shortestSecret = 8

    private let names: HeaderNameSet
    /// Each configured secret and what it is overwritten with.
    private let secrets: [(bytes: [UInt8], mask: [UInt8])]

    /// - Parameters:
    ///   - extra: more header names to redact (`recording.redact_headers`).
    ///   - secrets: values never to store (the providers' keys); those shorter than `shortestSecret` are ignored.
    init(extra: [String], secrets: [String] = []) {
        names = HeaderNameSet(Self.builtinNames.union(extra))
        self.secrets = Set(secrets.filter { $0.utf8.count >= Self.shortestSecret }).sorted().map { secret in
            // "[redacted]" when the secret has room for it, then "*" to its length.
            let bytes = Array(secret.utf8)
            let words = bytes.count >= Self.maskBytes.count ? Self.maskBytes : []
            return (bytes, words + Array(repeating: UInt8(ascii: "*"), count: bytes.count - words.count))
        }
    }

    /// Whether a header, by its name in any letter case, carries a secret.
    func isSecret(_ name: String) -> Bool {
        names.contains(name) || Self.hasSecretWord(name)
    }

    private static func hasSecretWord(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "-"), bytes[end] != UInt8(ascii: "_") {
                    end += 1
                }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if word.count < secretWordsByLength.count, let first = word.first.map(ByteSearch.asciiLowercased),
                   secretWordsByLength[word.count].contains(where: { candidate in
                       candidate[0] == first && candidate.withUnsafeBufferPointer { HeaderRules.sameLetters($0, word) }
                   }) {
                    return true
                }
                start = end + 1
            }
            return false
        }
    }

    /// Overwrites every configured secret in `bytes` with a mask of the same length (`[redacted]` and then `*`), so
    /// lengths and offsets recorded around it stay true (a record's field ranges, a journal entry's lengths).
    func maskSecrets(in bytes: inout [UInt8]) {
        for (secret, mask) in secrets {
            var from = 0
            while let found = ByteSearch.firstIndex(of: secret, in: bytes, from: from) {
                bytes.replaceSubrange(found..<found + secret.count, with: mask)
                from = found + secret.count
            }
        }
    }

    private static let maskBytes = Array(mask.utf8)

    /// The URL with user info and secret-looking query values masked.
    func redact(url: String) -> String {
        // Most upstream URLs have neither user info nor a query: nothing to look for.
        var url = url
        let hasUserOrQuery = url.withUTF8 { $0.contains(UInt8(ascii: "@")) || $0.contains(UInt8(ascii: "?")) }
        guard hasUserOrQuery else { return url }
        if let scheme = url.firstRange(of: "://"),
           let at = url[scheme.upperBound...].firstIndex(of: "@"),
           !url[scheme.upperBound..<at].contains("/") {
            url.replaceSubrange(scheme.upperBound..<at, with: Self.mask)
        }
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
            .map { pair -> String in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, Self.secretParameters.contains(parts[0].lowercased()) else { return String(pair) }
                return "\(parts[0])=\(Self.mask)"
            }
        return url[...question] + query.joined(separator: "&")
    }
}
