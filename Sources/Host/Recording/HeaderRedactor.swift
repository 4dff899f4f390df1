/// Removes secrets from everything recorded: credential headers (built-in list plus `recording.redact_headers`)
/// and credentials in URLs (user info, and query parameters that look like keys or tokens).
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

    private let names: HeaderNameSet

    init(extra: [String]) {
        names = HeaderNameSet(Self.builtinNames.union(extra))
    }

    /// Whether a header, by its name in any letter case, carries a secret.
    func isSecret(_ name: String) -> Bool {
        names.contains(name)
    }

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
