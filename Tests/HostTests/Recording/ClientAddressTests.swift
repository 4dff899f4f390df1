import NIOCore
import Testing

@testable import Host

@Suite("Client address and redaction")
struct ClientAddressTests {
    let proxies = [IPNetwork.parse("10.0.0.0/8")!, IPNetwork.parse("::1")!]

    @Test("X-Forwarded-For is believed only from a trusted proxy, and only up to the first untrusted hop")
    func forwardedFor() throws {
        let direct = try SocketAddress(ipAddress: "203.0.113.9", port: 5000)
        let proxy = try SocketAddress(ipAddress: "10.1.2.3", port: 5000)
        #expect(ClientAddress.resolve(remote: direct, forwardedFor: ["1.2.3.4"], trusted: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(remote: proxy, forwardedFor: ["1.2.3.4"], trusted: proxies) == "1.2.3.4")
        #expect(ClientAddress.resolve(remote: proxy, forwardedFor: ["6.6.6.6, 1.2.3.4, 10.9.9.9"], trusted: proxies)
            == "1.2.3.4")
        #expect(ClientAddress.resolve(remote: proxy, forwardedFor: [], trusted: proxies) == "10.1.2.3")
        #expect(ClientAddress.resolve(remote: proxy, forwardedFor: ["1.2.3.4"], trusted: []) == "10.1.2.3")
    }

    @Test("credential headers are masked whatever their case; other headers are kept")
    func headers() {
        let redactor = HeaderRedactor(extra: ["X-Internal-Token"])
        let headers = [("Authorization", "Bearer a"), ("x-api-key", "b"), ("API-Key", "c"), ("Cookie", "d"),
                       ("Proxy-Authorization", "e"), ("x-internal-token", "f"), ("anthropic-beta", "g")]
        #expect(headers.map { redactor.isSecret($0.0) } == [true, true, true, true, true, true, false])
    }

    @Test("URLs lose user info and secret query values only")
    func urls() {
        let redactor = HeaderRedactor(extra: [])
        #expect(redactor.redact(url: "https://api.example/v1/models?key=sk1&alt=json")
            == "https://api.example/v1/models?key=[redacted]&alt=json")
        #expect(redactor.redact(url: "socks5h://me:pass@proxy:1080") == "socks5h://[redacted]@proxy:1080")
        #expect(redactor.redact(url: "https://api.example/v1/chat/completions")
            == "https://api.example/v1/chat/completions")
    }
}
