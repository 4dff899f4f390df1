import NIOHTTP1
import Testing

@testable import Host

/// What the gateway reads from a client's request before routing it: `model` and `stream` from the body, and the
/// headers a plugin may see.
@Suite("Client request")
struct ClientRequestTests {
    @Test("model and stream are read from the body; stream may be true, false, null or absent")
    func modelAndStream() throws {
        func parse(_ text: String) throws -> ClientRequest { try ClientRequest.parse(Array(text.utf8)) }
        let streamed = try parse(#"{"messages":[],"stream":true,"model":"gpt-4o"}"#)
        #expect(streamed.model == "gpt-4o")
        #expect(streamed.stream)
        #expect(Array(Array(#"{"messages":[],"stream":true,"model":"gpt-4o"}"#.utf8)[streamed.modelRange])
            == Array(#""gpt-4o""#.utf8))
        #expect(try !parse(#"{"model":"m","stream":false}"#).stream)
        #expect(try !parse(#"{"model":"m","stream":null}"#).stream)
        #expect(try !parse(#"{"model":"m"}"#).stream)
        #expect(try parse(#"{"model":"caf\u00e9 \"x\""}"#).model == "café \"x\"")
    }

    @Test("a body without a usable model or stream is refused with the parameter named")
    func refusals() {
        let cases: [(String, String, String?)] = [
            ("", "The request body is empty; expected a JSON object.", nil),
            (#"{"model":"m","#, "The request body is not valid JSON", nil),
            (#"{"messages":[]}"#, "The request has no 'model'; say which model to use.", "model"),
            (#"{"model":""}"#, "'model' must be a non-empty string.", "model"),
            (#"{"model":7}"#, "'model' must be a non-empty string.", "model"),
            (#"{"model":"m","stream":"yes"}"#, "'stream' must be true or false.", "stream"),
            (#"{"model":"m","stream":1}"#, "'stream' must be true or false.", "stream"),
            (#"{"model":"m","stream":truex}"#, "The request body is not valid JSON", nil),
        ]
        for (body, message, parameter) in cases {
            #expect(throws: GatewayError.self, "\(body)") { try ClientRequest.parse(Array(body.utf8)) }
            do {
                _ = try ClientRequest.parse(Array(body.utf8))
            } catch {
                #expect(error.message.hasPrefix(message), "\(body): \(error.message)")
                #expect(error.parameter == parameter, "\(body)")
            }
        }
    }

    @Test("a plugin sees the client's headers in order, repeats kept, without credentials or connection headers")
    func forwardableHeaders() {
        let headers = HTTPHeaders([
            ("Host", "gateway:8000"), ("Content-Type", "application/json"), ("Authorization", "Bearer client"),
            ("X-Trace", "1"), ("Connection", "keep-alive"), ("X-API-KEY", "k"), ("Content-Length", "12"),
            ("Cookie", "c"), ("x-trace", "2"), ("Keep-Alive", "timeout=5"), ("Anthropic-Version", "2023-06-01"),
            ("Expect", "100-continue"), ("TE", "trailers"),
        ])
        let forwarded = ClientRequest.forwardableHeaders(headers)
        #expect(forwarded.map(\.0) == ["Content-Type", "X-Trace", "x-trace", "Anthropic-Version"])
        #expect(forwarded.map(\.1) == ["application/json", "1", "2", "2023-06-01"])
        #expect(ClientRequest.forwardableHeaders(HTTPHeaders()).isEmpty)
    }
}
