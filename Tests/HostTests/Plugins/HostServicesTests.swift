import PluginABI
import Testing

@testable import Host

/// The host's JSON helpers, called through the C table exactly as a C plugin calls them.
@Suite("Host services")
struct HostServicesTests {
    let host = HostServices.table.pointee

    func find(_ json: String, _ path: String) -> (lessllm_status, String) {
        var out = lessllm_bytes(ptr: nil, len: 0)
        let status = withUnsafeBytesOf(json) { jsonBytes in
            withUnsafeBytesOf(path) { pathBytes in
                let status = host.json_find(jsonBytes, pathBytes, &out)
                return (status, status == LESSLLM_OK ? out.copiedString : "")
            }
        }
        return status
    }

    @Test("json_find returns the raw slice of the value, or NOT_FOUND / INVALID_REQUEST")
    func jsonFind() {
        let doc = #"{"messages":[{"role":"user","content":"hi \"x\""},{"role":"user","content":[{"type":"text","text":"t"}]}],"n":1}"#
        #expect(find(doc, "messages[-1].content[0].text") == (LESSLLM_OK, #""t""#))
        #expect(find(doc, "messages[0].content") == (LESSLLM_OK, #""hi \"x\"""#))
        #expect(find(doc, "n") == (LESSLLM_OK, "1"))
        #expect(find(doc, "messages[5]").0 == LESSLLM_E_NOT_FOUND)
        #expect(find(#"{"a":"#, "a").0 == LESSLLM_E_INVALID_REQUEST)
    }

    @Test("json_decode_string and json_encode_string report the needed length and refuse small buffers")
    func stringCodecs() {
        var length = 0
        withUnsafeBytesOf(#""a\nb\u00e9""#) { literal in
            #expect(host.json_decode_string(literal, nil, 0, &length) == LESSLLM_E_BAD_ARGUMENT)
            #expect(length == 5)
            var buffer = [UInt8](repeating: 0, count: length)
            #expect(host.json_decode_string(literal, &buffer, buffer.count, &length) == LESSLLM_OK)
            #expect(String(decoding: buffer, as: UTF8.self) == "a\nbé")
        }
        withUnsafeBytesOf("say \"hi\"\n") { text in
            #expect(host.json_encode_string(text, nil, 0, &length) == LESSLLM_E_BAD_ARGUMENT)
            var buffer = [UInt8](repeating: 0, count: length)
            #expect(host.json_encode_string(text, &buffer, buffer.count, &length) == LESSLLM_OK)
            #expect(String(decoding: buffer, as: UTF8.self) == #""say \"hi\"\n""#)
        }
        withUnsafeBytesOf("not a literal") { literal in
            #expect(host.json_decode_string(literal, nil, 0, &length) == LESSLLM_E_INVALID_REQUEST)
        }
    }

    @Test("stream functions refuse a NULL stream instead of crashing; the clock is monotonic")
    func nullArguments() {
        var event = lessllm_event.borrowing(type: .init(start: nil, count: 0), data: .init(start: nil, count: 0),
                                            raw: .init(start: nil, count: 0))
        #expect(host.emit(nil, &event) == LESSLLM_E_BAD_ARGUMENT)
        #expect(host.respond(nil, 200, nil, 0) == LESSLLM_E_BAD_ARGUMENT)
        #expect(host.http_start(nil, nil) == LESSLLM_E_BAD_ARGUMENT)
        host.http_cancel(nil)
        host.log(nil, Int32(LESSLLM_LOG_INFO), lessllm_bytes(ptr: nil, len: 0))
        let first = host.now_ns(), second = host.now_ns()
        #expect(second >= first && first > 0)
    }
}
