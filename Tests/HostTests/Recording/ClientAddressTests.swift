import NIOCore
import Testing

@testable import Host

@Suite("Client address and redaction")
struct ClientAddressTests {
    let proxies = [IPNetwork.parse("10.0.0.0/8")!, IPNetwork.parse("::1")!]

    @Test("X-Forwarded-For is believed only from a trusted proxy, and only up to the first untrusted hop")
    func forwardedFor() {
        let direct = "203.0.113.9"
        let proxy = "10.1.2.3"
        #expect(ClientAddress.resolve(peer: direct, forwardedFor: ["1.2.3.4"], trusted: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: ["1.2.3.4"], trusted: proxies) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: ["6.6.6.6, 1.2.3.4, 10.9.9.9"], trusted: proxies)
            == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: [], trusted: proxies) == "10.1.2.3")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: ["1.2.3.4"], trusted: []) == "10.1.2.3")
        #expect(ClientAddress.resolve(peer: "::1", forwardedFor: ["2001:db8::7"], trusted: proxies) == "2001:db8::7")
        #expect(ClientAddress.resolve(peer: "", forwardedFor: ["1.2.3.4"], trusted: proxies) == "")
    }

    @Test("the X-Forwarded-For values are not even read unless the peer is a trusted proxy")
    func forwardedForReadOnlyForTrustedPeers() {
        var reads = 0
        func chain() -> [String] {
            reads += 1
            return ["1.2.3.4"]
        }
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: chain(), trusted: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwardedFor: chain(), trusted: []) == "10.1.2.3")
        #expect(reads == 0)
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwardedFor: chain(), trusted: proxies) == "1.2.3.4")
        #expect(reads == 1)
    }

    @Test("credential headers are masked whatever their case; other headers are kept")
    func headers() {
        let redactor = HeaderRedactor(extra: ["X-Internal-Token"])
        let headers = [("Authorization", "Bearer a"), ("x-api-key", "b"), ("API-Key", "c"), ("Cookie", "d"),
                       ("Proxy-Authorization", "e"), ("x-internal-token", "f"), ("anthropic-beta", "g")]
        #expect(headers.map { redactor.isSecret($0.0) } == [true, true, true, true, true, true, false])
        // A credential word anywhere in the name, in any case, split at - or _; plurals and longer words are not.
        let secret = ["X-Amz-Security-Token", "ocp-apim-subscription-key", "cf-aig-authorization", "x-auth-token",
                      "X-PORTKEY-API-KEY", "x_client_secret", "idempotency-key", "my-password"]
        let kept = ["x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-limit", "keep-alive", "x-keyword",
                    "www-authenticate", "x-request-id", "content-type", "author", "x-stainless-os"]
        #expect(secret.filter { !redactor.isSecret($0) } == [])
        #expect(kept.filter { redactor.isSecret($0) } == [])
    }

    @Test("configured secrets are masked wherever they appear, each by a mask of its own length")
    func secretValues() {
        let redactor = HeaderRedactor(extra: [], secrets: ["sk-live-0123456789abcdef", "short", "pass12345"])
        var text = Array(#"{"error":"bad key sk-live-0123456789abcdef","again":"sk-live-0123456789abcdef!","x":"short pass12345"}"#.utf8)
        let length = text.count
        redactor.maskSecrets(in: &text)
        #expect(text.count == length)
        #expect(String(decoding: text, as: UTF8.self)
            == #"{"error":"bad key [redacted]**************","again":"[redacted]**************!","x":"short *********"}"#)
        var none = Array("nothing to hide".utf8)
        HeaderRedactor(extra: []).maskSecrets(in: &none)
        #expect(String(decoding: none, as: UTF8.self) == "nothing to hide")
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
