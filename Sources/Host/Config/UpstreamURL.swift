/// The parts of an absolute URL written in the configuration (`base_url`, `proxy`), checked enough to catch
/// typos before the first request: a scheme, a host, an optional port 1…65535, no spaces or control characters.
struct UpstreamURL: Sendable, Equatable {
    /// The scheme, lowercased.
    let scheme: String
    /// The host (an IPv6 host keeps its brackets).
    let host: String
    /// The port, if written.
    let port: Int?
    /// Everything after the authority: path, query and fragment (may be empty).
    let rest: String

    /// Parses `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`; nil when malformed.
    static func parse(_ text: String) -> UpstreamURL? {
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
              let separator = text.firstRange(of: "://")
        else { return nil }
        let scheme = text[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        let afterScheme = text[separator.upperBound...]
        let authorityEnd = afterScheme.firstIndex { "/?#".contains($0) } ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]"),
                  IPNetwork.addressBytes(String(authority[authority.index(after: authority.startIndex)..<close]))
                    != nil
            else { return nil }
            host = authority[...close]
            let tail = authority[authority.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let parsed = parsePort(tail.dropFirst()) else { return nil }
                port = parsed
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let parsed = parsePort(authority[authority.index(after: colon)...]) else { return nil }
            port = parsed
        }
        guard !host.isEmpty, host.hasPrefix("[") || !host.contains(where: { "[]:@".contains($0) }) else { return nil }
        return UpstreamURL(scheme: scheme.lowercased(), host: String(host), port: port,
                           rest: String(afterScheme[authorityEnd...]))
    }

    private static func parsePort(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(text), (1...65_535).contains(port)
        else { return nil }
        return port
    }

    /// An `http`/`https` base URL without a fragment, with trailing slashes removed so that plugins can append
    /// `/chat/completions`; nil when invalid.
    static func baseURL(_ text: String) -> String? {
        guard let url = parse(text), url.scheme == "http" || url.scheme == "https", !url.rest.contains("#")
        else { return nil }
        var normalized = Substring(text)
        if !url.rest.contains("?") {
            while normalized.hasSuffix("/"), normalized.count > url.scheme.count + 3 { normalized.removeLast() }
        }
        return String(normalized)
    }

    /// The schemes an upstream proxy may use.
    static let proxySchemes = ["http", "https", "socks5", "socks5h"]

    /// An upstream proxy URL (`http`, `https`, `socks5`, `socks5h`; credentials allowed; no path beyond `/`);
    /// nil when invalid.
    static func proxyURL(_ text: String) -> String? {
        guard let url = parse(text), proxySchemes.contains(url.scheme), url.rest.isEmpty || url.rest == "/"
        else { return nil }
        return text
    }
}
