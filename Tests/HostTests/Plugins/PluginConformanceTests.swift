import Foundation
import PluginABI
import Testing

@testable import Host

/// The contract every plugin keeps, checked the same way for C and Swift plugins through the real host services:
/// valid metadata, create/destroy, and for each open exactly one close — output only while the stream is live.
@Suite("Plugin conformance", .serialized)
struct PluginConformanceTests {
    static let echoPath: String = {
        let folder = try! TestPaths.temporaryFolder("conformance")
        return try! CPluginCompiler.build(
            source: TestPaths.repository.appendingPathComponent("Examples/echo-provider/echo_provider.c").path,
            into: folder, name: "libecho_provider")
    }()

    static let providerPaths = [TestPaths.plugin("OpenAIProvider"), TestPaths.plugin("ClaudeProvider")]

    @Test("every plugin loads with valid metadata and creates/destroys cleanly",
          arguments: [TestPaths.plugin("OpenAIProvider"), TestPaths.plugin("ClaudeProvider"),
                      TestPaths.plugin("SQLiteSink"), TestPaths.plugin("DialectConverter")])
    func createDestroy(path: String) throws {
        let database = try TestPaths.temporaryFolder("conformance-db").appendingPathComponent("x.db").path
        let options = path.hasSuffix("libSQLiteSink.so") ? #","options":{"path":"\#(database)"}"# : ""
        let harness = try PluginHarness(path: path, config: #"{"name":"x"\#(options)}"#)
        let info = harness.instance.plugin.info
        #expect(PluginID.isValid(info.id))
        #expect(!info.ops.isEmpty && !info.kinds.isEmpty && !info.version.isEmpty)
        harness.instance.destroy()
        harness.instance.destroy()  // idempotent on the host side: the plugin sees one destroy
    }

    @Test("the C echo provider answers inside open and is closed exactly once")
    func echoAnswersInOpen() throws {
        let harness = try PluginHarness(path: Self.echoPath)
        let (_, output, requester) = harness.open(
            op: "provider:openai.chat", body: #"{"model":"echo","messages":[{"role":"user","content":"a b"}]}"#,
            model: "echo")
        #expect(requester.requests.isEmpty)
        #expect(output.ends == [LESSLLM_OK])
        let body = try JSONSerialization.jsonObject(with: Data(output.body.utf8)) as? [String: Any]
        let message = ((body?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
        #expect(message?["content"] as? String == "a b")
    }

    @Test("the C echo provider fails cleanly on a request without a user message")
    func echoRefuses() throws {
        let harness = try PluginHarness(path: Self.echoPath)
        let (_, output, _) = harness.open(op: "provider:anthropic.messages", body: #"{"model":"echo","messages":[]}"#)
        #expect(output.failures.map(\.0) == [LESSLLM_E_INVALID_REQUEST])
        #expect(output.failures.first?.1 == "echo needs a user message with text")
        #expect(output.events.isEmpty)
        #expect(output.ends == [LESSLLM_E_INVALID_REQUEST])
    }

    @Test("the OpenAI provider sends the configured key, never the client's, and relays bytes unchanged")
    func openAIRequestShape() throws {
        let harness = try PluginHarness(path: TestPaths.plugin("OpenAIProvider"), config: """
            {"name":"oa","base_url":"https://up.example/v1","api_key":"sk-upstream",\
            "headers":{"X-Extra":"1"},"options":{"organization":"org-9"}}
            """)
        let body = #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#
        let (context, output, requester) = harness.open(op: "provider:openai.chat", body: body,
                                                         headers: [("user-agent", "sdk/1")])
        let request = try #require(requester.requests.first)
        #expect(request.method == "POST" && request.url == "https://up.example/v1/chat/completions")
        #expect(request.headers.map { "\($0.0): \($0.1)" } == [
            "Content-Type: application/json", "Authorization: Bearer sk-upstream", "OpenAI-Organization: org-9",
            "X-Extra: 1", "Accept: application/json",
        ])
        #expect(request.body == Array(body.utf8))
        #expect(output.ends.isEmpty)  // waiting for the upstream
        context.feedUpstream(status: 429, headers: [("content-type", "application/json"), ("x-request-id", "r1")],
                             events: [#"{"error":{"message":"slow down"}}"#])
        #expect(output.status == 429)
        #expect(output.headers.map(\.0) == ["content-type", "x-request-id"])
        #expect(output.events.map(\.raw) == [#"{"error":{"message":"slow down"}}"#])
        #expect(output.ends == [LESSLLM_OK])
    }

    @Test("a streamed OpenAI request asks for usage and holds back the usage chunk the client did not ask for")
    func openAIStreamUsage() throws {
        let harness = try PluginHarness(path: TestPaths.plugin("OpenAIProvider"), config: #"{"api_key":"k"}"#)
        let (context, output, requester) = harness.open(
            op: "provider:openai.chat", body: #"{"model":"g","stream":true,"messages":[]}"#, stream: true)
        #expect(String(decoding: try #require(requester.requests.first).body, as: UTF8.self)
            == #"{"stream_options":{"include_usage":true},"model":"g","stream":true,"messages":[]}"#)
        let chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"
        let usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"
        context.feedUpstream(status: 200, headers: [("content-type", "text/event-stream")],
                             events: [chunk, usage, "data: [DONE]\n\n"])
        #expect(output.events.map(\.raw) == [chunk, "data: [DONE]\n\n"])

        let (context2, output2, requester2) = harness.open(
            op: "provider:openai.chat",
            body: #"{"model":"g","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#, stream: true)
        #expect(String(decoding: try #require(requester2.requests.first).body, as: UTF8.self)
            == #"{"model":"g","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#)
        context2.feedUpstream(status: 200, headers: [("content-type", "text/event-stream")],
                              events: [chunk, usage, "data: [DONE]\n\n"])
        #expect(output2.events.map(\.raw) == [chunk, usage, "data: [DONE]\n\n"])

        let (_, _, requester3) = harness.open(
            op: "provider:openai.chat",
            body: #"{"model":"g","stream":true,"stream_options":{"include_usage":false},"messages":[]}"#, stream: true)
        #expect(String(decoding: try #require(requester3.requests.first).body, as: UTF8.self)
            == #"{"model":"g","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#)
    }

    @Test("the Claude provider sends x-api-key, the client's anthropic-version and anthropic-beta")
    func claudeRequestShape() throws {
        let harness = try PluginHarness(path: TestPaths.plugin("ClaudeProvider"),
                                        config: #"{"base_url":"http://up:1","api_key":"sk-ant-up"}"#)
        let (_, _, requester) = harness.open(
            op: "provider:anthropic.messages", body: "{}",
            headers: [("anthropic-beta", "prompt-caching-2024-07-31"), ("Anthropic-Version", "2023-01-01")],
            stream: true)
        let request = try #require(requester.requests.first)
        #expect(request.url == "http://up:1/v1/messages")
        #expect(request.headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "x-api-key: sk-ant-up", "anthropic-version: 2023-01-01",
            "anthropic-beta: prompt-caching-2024-07-31", "accept: text/event-stream",
        ])
        let (_, _, defaults) = harness.open(op: "provider:anthropic.messages", body: "{}")
        #expect(defaults.requests.first?.headers.first { $0.0 == "anthropic-version" }?.1 == "2023-06-01")
    }

    @Test("a transport failure reaches the client side as a failure, then exactly one close",
          arguments: providerPaths)
    func upstreamFailure(path: String) throws {
        let harness = try PluginHarness(path: path)
        let op = path.contains("OpenAI") ? "provider:openai.chat" : "provider:anthropic.messages"
        let (context, output, _) = harness.open(op: op, body: "{}")
        context.receiveFailure(status: LESSLLM_E_TIMEOUT, message: "upstream sent no response within 1s")
        context.receiveEnd(status: LESSLLM_E_TIMEOUT)
        context.receiveEnd(status: LESSLLM_OK)
        #expect(output.failures.map(\.0) == [LESSLLM_E_TIMEOUT])
        #expect(output.ends == [LESSLLM_E_TIMEOUT])
    }

    @Test("an SSE stream that ends without its terminal event fails instead of looking finished",
          arguments: [("OpenAIProvider", "provider:openai.chat", "data: {\"choices\":[]}\n\n",
                       "The upstream stream ended before data: [DONE]; the response is incomplete."),
                      ("ClaudeProvider", "provider:anthropic.messages", "event: ping\ndata: {}\n\n",
                       "The upstream stream ended before event: message_stop; the response is incomplete.")])
    func truncatedStream(plugin: String, op: String, event: String, message: String) throws {
        let harness = try PluginHarness(path: TestPaths.plugin(plugin))
        let (context, output, _) = harness.open(op: op, body: #"{"stream":true}"#, stream: true)
        context.feedUpstream(status: 200, headers: [("content-type", "text/event-stream")], events: [event])
        #expect(output.events.map(\.raw) == [event])
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        #expect(output.failures.first?.1 == message)
        #expect(output.ends == [LESSLLM_E_UPSTREAM])
    }

    @Test("providers refuse unknown options with the list of valid ones", arguments: providerPaths)
    func unknownOption(path: String) {
        #expect {
            _ = try PluginHarness(path: path, config: #"{"options":{"bogus":1}}"#)
        } throws: { error in
            (error as? PluginLoadError)?.reason.contains("unknown option 'bogus' (valid options: ") == true
        }
    }
}
