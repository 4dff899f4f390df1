import NIOCore
import NIOHTTP1
import Testing

@testable import Host

/// Which API a request path speaks: the two endpoints, with or without `/v1`, a query string ignored.
@Suite("Endpoint dialects")
struct DialectPathTests {
    @Test("the chat completions and messages paths, with or without /v1 and a query, and nothing else")
    func paths() {
        #expect(Dialect(path: "/v1/chat/completions") == .openAIChat)
        #expect(Dialect(path: "/chat/completions") == .openAIChat)
        #expect(Dialect(path: "/v1/chat/completions?api-version=1") == .openAIChat)
        #expect(Dialect(path: "/v1/messages") == .anthropicMessages)
        #expect(Dialect(path: "/messages?beta=true") == .anthropicMessages)
        #expect(Dialect(path: "/v1/chat/completions?") == .openAIChat)
        #expect(Dialect(path: "/messages?/v1/chat/completions") == .anthropicMessages)
        for other in ["", "/", "?", "/v1/chat/completions/", "/V1/messages", "/v1/messages/count_tokens",
                      "/v1/chat/completion", "/v2/messages", "/v1/messagesx", "v1/messages", "/v1/models",
                      "/v1/messages\u{E9}", "/v1/chat/completions\u{0}", "?/v1/messages"] {
            #expect(Dialect(path: other) == nil, "\(other)")
        }
    }

    @Test("a request's path is its target up to the first '?', whatever follows")
    func requestPath() {
        func path(_ uri: String) -> Substring {
            IncomingRequest(head: HTTPRequestHead(version: .http1_1, method: .POST, uri: uri), body: ByteBuffer(),
                            peerIP: "").path
        }
        #expect(path("/v1/messages?beta=true") == "/v1/messages")
        #expect(path("/v1/messages") == "/v1/messages")
        #expect(path("/a?b?c") == "/a")
        #expect(path("?x") == "")
        #expect(path("/caf\u{E9}/\u{1F600}?q=\u{E9}") == "/caf\u{E9}/\u{1F600}")
        #expect(path("") == "")
    }
}
