import JSONCore
import PluginABI
import Testing

@testable import Host

/// Upstream HTTP errors, in-stream errors and broken streams, re-shaped for the client's dialect.
@Suite("Conversion: errors")
struct ErrorConversionTests {
    @Test("OpenAI upstream errors → Anthropic error bodies with the status the Anthropic SDK maps to the right class",
          arguments: [
            (400, "invalid_request_error", 400, "invalid_request_error"),
            (401, "invalid_request_error", 401, "authentication_error"),
            (403, "permission_denied", 403, "permission_error"),
            (404, "invalid_request_error", 404, "not_found_error"),
            (413, "invalid_request_error", 413, "request_too_large"),
            (429, "rate_limit_exceeded", 429, "rate_limit_error"),
            (500, "server_error", 500, "api_error"),
            (503, "server_error", 529, "overloaded_error"),
            (504, "server_error", 504, "timeout_error"),
          ] as [(Int32, String, Int32, String)])
    func openAIErrorForAnthropicClient(status: Int32, upstreamType: String, clientStatus: Int32, clientType: String) throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: true)
        context.feedBody(#"{"error":{"message":"upstream says no","type":"\#(upstreamType)","param":null,"code":null}}"#,
                         status: status, headers: [("content-type", "application/json"), ("retry-after", "7"), ("x-request-id", "r-9")])
        #expect(output.status == clientStatus)
        #expect(output.headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "retry-after: 7", "x-request-id: r-9", "request-id: r-9"])
        #expect(output.json == json(#"{"type":"error","error":{"type":"\#(clientType)","message":"upstream says no"}}"#))
        #expect(output.failures.isEmpty && output.ends == [LESSLLM_OK])
    }

    @Test("Anthropic upstream errors → OpenAI error bodies; 529 overloaded becomes 503; code keeps the upstream's type",
          arguments: [
            (400, "invalid_request_error", 400, "invalid_request_error"),
            (401, "authentication_error", 401, "authentication_error"),
            (403, "permission_error", 403, "permission_error"),
            (404, "not_found_error", 404, "not_found_error"),
            (413, "request_too_large", 413, "invalid_request_error"),
            (429, "rate_limit_error", 429, "rate_limit_error"),
            (500, "api_error", 500, "server_error"),
            (529, "overloaded_error", 503, "overloaded_error"),
          ] as [(Int32, String, Int32, String)])
    func anthropicErrorForOpenAIClient(status: Int32, upstreamType: String, clientStatus: Int32, clientType: String) throws {
        let (context, output) = try Conversion.response(
            Conversion.anthropicToOpenAIResponse, clientRequest: ResponseConversionTests.openAIClient, stream: false)
        context.feedBody(#"{"type":"error","error":{"type":"\#(upstreamType)","message":"Overloaded or not"},"request_id":"req_1"}"#,
                         status: status, headers: [("content-type", "application/json"), ("retry-after", "3"), ("request-id", "req_1")])
        #expect(output.status == clientStatus)
        #expect(output.headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "retry-after: 3", "request-id: req_1", "x-request-id: req_1"])
        #expect(output.json == json(#"""
            {"error":{"message":"Overloaded or not","type":"\#(clientType)","param":null,"code":"\#(upstreamType)"}}
            """#))
    }

    @Test("error bodies in neither dialect keep their message; a non-JSON or empty body is quoted or named")
    func foreignErrorBodies() throws {
        func anthropicError(_ body: String, status: Int32) throws -> JSONValue? {
            let (context, output) = try Conversion.response(
                Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: false)
            context.feedBody(body, status: status, headers: [("content-type", "text/html")])
            return output.json
        }
        #expect(try anthropicError(#"{"error":"model 'llama9' not found"}"#, status: 404)
            == json(#"{"type":"error","error":{"type":"not_found_error","message":"model 'llama9' not found"}}"#))
        #expect(try anthropicError(#"{"detail":"Not authenticated"}"#, status: 401)
            == json(#"{"type":"error","error":{"type":"authentication_error","message":"Not authenticated"}}"#))
        #expect(try anthropicError("<html>Bad gateway</html>", status: 502)
            == json(#"{"type":"error","error":{"type":"api_error","message":"The upstream answered HTTP 502: <html>Bad gateway</html>"}}"#))
        #expect(try anthropicError("", status: 500)
            == json(#"{"type":"error","error":{"type":"api_error","message":"The upstream answered HTTP 500 with an empty body"}}"#))
    }

    @Test("an Anthropic error event mid-stream fails the OpenAI client's stream with the upstream's message (PEER_BUGS #24)",
          arguments: [("overloaded_error", LESSLLM_E_OVERLOADED), ("rate_limit_error", LESSLLM_E_RATE_LIMITED),
                      ("api_error", LESSLLM_E_UPSTREAM), ("invalid_request_error", LESSLLM_E_INVALID_REQUEST)])
    func peerBug24_anthropicInStreamError(type: String, status: lessllm_status) throws {
        let (context, output) = try Conversion.response(
            Conversion.anthropicToOpenAIResponse, clientRequest: ResponseConversionTests.openAIClient, stream: true)
        context.feedUpstreamBytes(SSE.events([
            json(#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"c","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}"#),
            json(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            json(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}"#),
            json(#"{"type":"error","error":{"type":"\#(type)","message":"Upstream trouble"}}"#),
        ]))
        #expect(output.parsed.map(\.data).compactMap { $0["choices"]?[0]?["delta"] } == [
            json(#"{"role":"assistant","content":""}"#), json(#"{"content":"Partial"}"#)])
        #expect(output.failures.map(\.0) == [status])
        #expect(output.failures.first?.1 == "Upstream trouble")
        #expect(!output.events.contains { $0.data == "[DONE]" })
        #expect(output.ends == [status])
    }

    @Test("an OpenAI error chunk mid-stream fails the Anthropic client's stream with the upstream's message (PEER_BUGS #24)")
    func peerBug24_openAIInStreamError() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: true)
        context.feedUpstreamBytes(SSE.data([
            #"{"choices":[{"index":0,"delta":{"content":"Part"}}]}"#,
            #"{"error":{"message":"Rate limit reached","type":"rate_limit_exceeded","code":"rate_limit_exceeded"}}"#,
        ]))
        #expect(output.events.map(\.type) == ["message_start", "ping", "content_block_start", "content_block_delta"])
        #expect(output.failures.map(\.0) == [LESSLLM_E_RATE_LIMITED])
        #expect(output.failures.first?.1 == "Rate limit reached")
        #expect(output.ends == [LESSLLM_E_RATE_LIMITED])
    }

    @Test("malformed JSON in an upstream stream fails with an upstream error quoting the event", arguments: [true, false])
    func malformedStreamEvent(openAIUpstream: Bool) throws {
        let (context, output) = try Conversion.response(
            openAIUpstream ? Conversion.openAIToAnthropicResponse : Conversion.anthropicToOpenAIResponse,
            clientRequest: openAIUpstream ? ResponseConversionTests.anthropicClient : ResponseConversionTests.openAIClient,
            stream: true)
        context.feedUpstreamBytes(openAIUpstream ? "data: {\"choices\":[{\"index\":0,\n\n" : "event: message_start\ndata: {\"type\":\n\n")
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        let message = try #require(output.failures.first?.1)
        #expect(message.hasPrefix("The upstream sent a stream event that is not valid JSON (unexpected end of input at "))
        #expect(message.hasSuffix(openAIUpstream ? #"): {"choices":[{"index":0,"# : #"): {"type":"#))
    }

    @Test("an OpenAI stream cut off before its finish reason fails; nothing pretends it ended (no message_delta/stop)")
    func truncatedOpenAIStream() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: true)
        context.feedUpstreamBytes(SSE.data([#"{"choices":[{"index":0,"delta":{"content":"Once upon"}}]}"#]))
        #expect(output.events.map(\.type) == ["message_start", "ping", "content_block_start", "content_block_delta"])
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        #expect(output.failures.first?.1 == "The upstream stream ended before its finish_reason and data: [DONE]; the response is incomplete.")
    }

    @Test("an OpenAI stream that ends after its finish reason but without [DONE] still completes")
    func openAIStreamWithoutDone() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: true)
        context.feedUpstreamBytes(SSE.data([#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#]))
        #expect(output.events.map(\.type).suffix(3) == ["content_block_stop", "message_delta", "message_stop"])
        #expect(output.failures.isEmpty)
    }

    @Test("an Anthropic stream cut off before message_stop fails with no finish_reason and no [DONE]")
    func truncatedAnthropicStream() throws {
        let (context, output) = try Conversion.response(
            Conversion.anthropicToOpenAIResponse, clientRequest: ResponseConversionTests.openAIClient, stream: true)
        context.feedUpstreamBytes(SSE.events([
            json(#"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"c","content":[],"usage":{"input_tokens":5,"output_tokens":1}}}"#),
            json(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            json(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once"}}"#),
        ]))
        #expect(output.events.count == 2)
        #expect(!output.events.contains { $0.data == "[DONE]" || $0.data.contains("finish_reason\":\"") })
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        #expect(output.failures.first?.1 == "The upstream stream ended before event: message_stop; the response is incomplete.")
    }

    @Test("a transport failure reaches the client once; the converter adds nothing after it")
    func transportFailure() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: true)
        context.feedHead()
        context.feedEvents(SSE.data([#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#]))
        context.receiveFailure(status: LESSLLM_E_TIMEOUT, message: "upstream stalled")
        context.receiveEnd(status: LESSLLM_E_TIMEOUT)
        #expect(output.failures.map(\.0) == [LESSLLM_E_TIMEOUT])
        #expect(output.events.map(\.type) == ["message_start", "ping", "content_block_start", "content_block_delta"])
        #expect(output.ends == [LESSLLM_E_TIMEOUT])
    }
}
