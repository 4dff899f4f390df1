import NIOHTTP1
import Testing

@testable import Host

/// Who may use the admin listener: the token when there is one; without one, only requests a web page cannot
/// have made (a loopback `Host`, and no foreign `Origin`).
@Suite("Admin access")
struct AdminAccessTests {
    static let loopback = AdminAccess(token: nil, listenHost: "127.0.0.1")

    static func request(_ headers: [(String, String)], method: HTTPMethod = .GET) -> AdminRequest {
        AdminRequest(head: HTTPRequestHead(version: .http1_1, method: method, uri: "/api/info",
                                           headers: HTTPHeaders(headers)), body: [])
    }

    static func reason(_ headers: [(String, String)], access: AdminAccess = loopback) -> String? {
        guard case .forbidden(let reason) = access.decide(request(headers, method: .POST)) else { return nil }
        return reason
    }

    @Test("without a token, Host may name localhost, 127.0.0.0/8, [::1] or the configured host, with any port",
          arguments: ["127.0.0.1:8501", "127.0.0.1", "LocalHost:8501", "localhost", "[::1]:8501", "[::1]",
                      "127.0.0.2:9000"])
    func loopbackHosts(host: String) {
        #expect(Self.loopback.decide(Self.request([("host", host)])) == .allowed)
        // The page's own POSTs carry its origin, which is the listener's.
        #expect(Self.loopback.decide(Self.request([("host", host), ("origin", "http://\(host)")], method: .POST)) == .allowed)
    }

    @Test("the configured host is accepted besides loopback, and named in the refusal")
    func configuredHost() {
        let named = AdminAccess(token: nil, listenHost: "dashboard.internal")
        #expect(named.decide(Self.request([("host", "dashboard.internal:8501")])) == .allowed)
        #expect(Self.reason([("host", "other.internal")], access: named) == "Refused: the Host header 'other.internal' does "
            + "not name this admin listener. Without listen.admin_token it answers only requests for localhost, "
            + "127.0.0.1, [::1], dashboard.internal (any port), so a web page on another domain that resolves to "
            + "this machine cannot read it.")
    }

    @Test("without a token, any other Host is refused, saying which and why",
          arguments: ["attacker.example:8501", "attacker.example", "127.0.0.1.attacker.example", "[::1",
                      "127.0.0.1:http", "127.0.0.1:", "::1:8501", "10.0.0.1:8501", ""])
    func foreignHosts(host: String) {
        #expect(Self.reason([("host", host)]) == "Refused: the Host header '\(host)' does not name this admin "
            + "listener. Without listen.admin_token it answers only requests for localhost, 127.0.0.1, [::1] (any "
            + "port), so a web page on another domain that resolves to this machine cannot read it.")
    }

    @Test("without a token, a request with no Host is refused")
    func missingHost() {
        #expect(Self.reason([]) == "Refused: the request has no Host header. Without listen.admin_token the admin "
            + "listener answers only requests for localhost, 127.0.0.1, [::1].")
    }

    @Test("without a token, an Origin other than the listener's own is refused, naming both",
          arguments: ["http://evil.example", "null", "http://localhost:3000", "https://127.0.0.1:8501",
                      "http://127.0.0.1:8501.evil.example"])
    func foreignOrigins(origin: String) {
        #expect(Self.reason([("host", "127.0.0.1:8501"), ("origin", origin)]) == "Refused: the request comes from "
            + "the web page at '\(origin)', not from this dashboard (http://127.0.0.1:8501). Without "
            + "listen.admin_token the admin listener answers only its own pages.")
    }

    @Test("with a token, the token decides: Host and Origin are not checked")
    func tokenDecides() {
        let guarded = AdminAccess(token: "secret", listenHost: "0.0.0.0")
        let foreign = [("host", "attacker.example"), ("origin", "http://evil.example")]
        #expect(guarded.decide(Self.request(foreign)) == .denied)
        #expect(guarded.decide(Self.request(foreign + [("authorization", "Bearer secret")])) == .allowed)
    }
}
