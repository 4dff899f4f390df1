/// Where a plain `http://` upstream request goes: the host and port to connect to, and the request target.
///
/// Only the URLs the event-loop client takes are parsed here; anything else (`https://`, credentials in the URL, a
/// malformed authority) is nil and goes to libcurl, which has the full URL grammar.
struct PlainHTTPTarget: Equatable {
    /// Host name or IP address as written, without brackets for IPv6.
    var host: String
    var port: Int
    /// The `Host` header's value: the authority as written in the URL.
    var authority: String
    /// Path and query, at least `/`.
    var requestTarget: String

    /// The connection pool's key: connections are reused only for the same host and port.
    var poolKey: String { authority }

    init?(url: String) {
        let prefix = "http://"
        guard url.utf8.starts(with: prefix.utf8) else { return nil }
        let rest = url.utf8.dropFirst(prefix.utf8.count)
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? rest.endIndex
        let authority = Substring(rest[..<authorityEnd])
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var target = Substring(rest[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") { target = target[..<fragment] }

        let hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let afterClose = authority[authority.index(after: close)...]
            if !afterClose.isEmpty {
                guard afterClose.hasPrefix(":") else { return nil }
                portPart = afterClose.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty, !hostPart.contains(where: { $0 == " " || $0 == "%" }) else { return nil }
        var port = 80
        if let portPart {
            guard let parsed = Int(portPart), (1...65535).contains(parsed) else { return nil }
            port = parsed
        }
        self.host = String(hostPart)
        self.port = port
        self.authority = String(authority)
        self.requestTarget = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
    }
}
