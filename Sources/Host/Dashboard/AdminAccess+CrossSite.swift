extension AdminAccess {
    /// The loopback hosts a refusal names; any `127.0.0.0/8` address is accepted too, and `listenHost`.
    static let loopbackHostNames = ["localhost", "127.0.0.1", "[::1]"]

    /// Why a token-less admin listener refuses `request`, or nil when it may go on.
    ///
    /// Without a token, whatever reaches the loopback port may use the API, and web pages the operator visits can
    /// reach it too: any page may POST to http://127.0.0.1:8501 (it cannot read the answer, but the query ran), and
    /// a page whose domain the attacker points at 127.0.0.1 (DNS rebinding) becomes same-origin with the listener
    /// and can read every recorded prompt. A browser always names the page's host in `Host`, and sends the page's
    /// origin in `Origin` on cross-site requests and on every POST; so `Host` must name a loopback host or
    /// `listenHost`, and `Origin`, when present, must be the listener's own: `http://` followed by that `Host`.
    /// Programs other than browsers are unaffected: they send the `Host` they connect to, and no `Origin`.
    func crossSiteRefusal(_ request: AdminRequest) -> String? {
        guard let host = request.headers.first(name: "host") else {
            return "Refused: the request has no Host header. Without listen.admin_token the admin listener answers "
                + "only requests for \(acceptedHosts)."
        }
        guard let name = Self.hostName(in: host),
              IPNetwork.isLoopback(name) || name.lowercased() == listenHost.lowercased() else {
            return "Refused: the Host header '\(host)' does not name this admin listener. Without listen.admin_token "
                + "it answers only requests for \(acceptedHosts) (any port), so a web page on another domain that "
                + "resolves to this machine cannot read it."
        }
        if let origin = request.headers.first(name: "origin"), origin.lowercased() != "http://" + host.lowercased() {
            return "Refused: the request comes from the web page at '\(origin)', not from this dashboard "
                + "(http://\(host)). Without listen.admin_token the admin listener answers only its own pages."
        }
        return nil
    }

    private var acceptedHosts: String {
        let configured = listenHost.contains(":") ? "[\(listenHost)]" : listenHost
        let names = Self.loopbackHostNames.contains(configured.lowercased())
            ? Self.loopbackHostNames : Self.loopbackHostNames + [configured]
        return names.joined(separator: ", ")
    }

    /// The host in a `Host` header (`name`, `name:port`, `[v6]` or `[v6]:port`), without brackets; nil when the
    /// header is not of that form.
    static func hostName(in header: String) -> String? {
        var name = Substring(header)
        var port: Substring?
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return nil }
            let rest = name[name.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                port = rest.dropFirst()
            }
            name = name[name.index(after: name.startIndex)..<close]
        } else if let colon = name.firstIndex(of: ":") {
            port = name[name.index(after: colon)...]
            name = name[..<colon]
        }
        if let port, port.isEmpty || !port.allSatisfy({ $0.isASCII && $0.isNumber }) { return nil }
        return name.isEmpty ? nil : String(name)
    }
}
