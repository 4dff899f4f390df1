import JSONCore
import PluginABI
import PluginKit

/// The response headers a client gets: the content type of what we emit, plus the upstream headers that stay
/// true after conversion — request ids, `retry-after`, rate-limit headers — each also under the other dialect's
/// name where one exists (`request-id` ⇄ `x-request-id`, `anthropic-ratelimit-requests-limit` ⇄
/// `x-ratelimit-limit-requests`…), so the client's SDK finds them where it looks. Reset times are written in
/// different formats by the two APIs, so they are forwarded under their own names only.
///
/// THREAD: pure functions.
enum ResponseHeaders {
    /// Anthropic name ⇄ OpenAI name.
    private static let equivalents: [(anthropic: String, openAI: String)] = [
        ("request-id", "x-request-id"),
        ("anthropic-ratelimit-requests-limit", "x-ratelimit-limit-requests"),
        ("anthropic-ratelimit-requests-remaining", "x-ratelimit-remaining-requests"),
        ("anthropic-ratelimit-tokens-limit", "x-ratelimit-limit-tokens"),
        ("anthropic-ratelimit-tokens-remaining", "x-ratelimit-remaining-tokens"),
    ]

    /// The client's headers.
    /// - Parameters:
    ///   - upstream: the upstream response's headers.
    ///   - contentType: what we emit.
    ///   - clientIsAnthropic: whether the client speaks the Anthropic dialect.
    static func forClient(
        _ upstream: UnsafeBufferPointer<lessllm_header>, contentType: String, clientIsAnthropic: Bool
    ) -> [(String, String)] {
        var headers = [("content-type", contentType)]
        // Most upstream headers (date, content-length, server…) are none of these: they are skipped on their bytes,
        // and only the few that may be forwarded become strings.
        let incoming = upstream.compactMap { header -> (String, String)? in
            guard mayBeForwarded(header.name.buffer) else { return nil }
            return (header.name.string.lowercased(), header.value.string)
        }
        for (name, value) in incoming where isForwarded(name) && !headers.contains(where: { $0.0 == name }) {
            headers.append((name, value))
        }
        for (name, value) in incoming {
            let translated = equivalents.first { clientIsAnthropic ? $0.openAI == name : $0.anthropic == name }
                .map { clientIsAnthropic ? $0.anthropic : $0.openAI }
            if let translated, !headers.contains(where: { $0.0 == translated }) {
                headers.append((translated, value))
            }
        }
        return headers
    }

    /// Whether a name (any case) starts like one that `isForwarded` or `equivalents` could name.
    private static func mayBeForwarded(_ name: UnsafeRawBufferPointer) -> Bool {
        ByteSearch.hasPrefix(name, ignoringCase: "retry-after") || ByteSearch.hasPrefix(name, ignoringCase: "request-id")
            || ByteSearch.hasPrefix(name, ignoringCase: "x-request-id") || ByteSearch.hasPrefix(name, ignoringCase: "x-ratelimit-")
            || ByteSearch.hasPrefix(name, ignoringCase: "anthropic-ratelimit-")
    }

    private static func isForwarded(_ name: String) -> Bool {
        name == "retry-after" || name == "retry-after-ms" || name == "request-id" || name == "x-request-id"
            || name.hasPrefix("x-ratelimit-") || name.hasPrefix("anthropic-ratelimit-")
    }
}
