#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSONCore

/// What converting a response needs to know about the client's original request, read once when the response
/// stream opens: the model name to echo back, whether an OpenAI client asked for a usage chunk, an Anthropic
/// client's stop sequences, an input token estimate, and the ids and timestamp the client will see.
///
/// Only the few members needed are decoded (one scanning pass over the body, no document tree), because a
/// coding agent's request can be megabytes.
///
/// THREAD: an immutable value.
struct ClientRequestInfo {
    /// The exchange id (a ULID: 26 base-32 digits, the first 10 a millisecond timestamp).
    let exchangeID: String
    /// The model the client asked for; echoed back in the response, as the real APIs do.
    let model: String
    /// `stream_options.include_usage` of an OpenAI client.
    let includeUsage: Bool
    /// `stop_sequences` of an Anthropic client.
    let stopSequences: [String]
    /// A rough count of the request's input tokens (see `TokenEstimator`).
    let estimatedInputTokens: Int
    /// The client's tool names that went to an OpenAI-compatible upstream shortened, by their shortened names
    /// (`ToolNames`): the answer's tool calls are given the client's names back.
    let toolNamesByUpstreamName: [String: String]
    /// Unix seconds of the exchange, for OpenAI's `created`.
    let created: Int

    /// `msg_<exchange id>`.
    var anthropicMessageID: String { "msg_" + exchangeID }
    /// `chatcmpl-<exchange id>`.
    var openAICompletionID: String { "chatcmpl-" + exchangeID }

    /// Reads the client's request body. The host validated it (a JSON object) before routing, so its members are
    /// found by their boundaries alone, not checked again; a body that does not walk just leaves the defaults.
    init(body: UnsafeRawBufferPointer, exchangeID: String) {
        self.exchangeID = exchangeID
        created = Self.unixSeconds(ofExchangeID: exchangeID) ?? Self.now()
        var model = ""
        var includeUsage = false
        var stopSequences: [String] = []
        var contentRanges: [Range<Int>] = []
        var toolNames: [String] = []
        let members = (try? JSONScanner.membersOfValidatedObject(in: body)) ?? []
        for member in members {
            let slice = UnsafeRawBufferPointer(rebasing: body[member.valueRange])
            switch member.key {
            case "model":
                model = (try? JSONScanner.decodeString(slice)) ?? ""
            case "stream_options":
                includeUsage = (try? JSONValue(parsing: slice))?["include_usage"]?.boolValue ?? false
            case "stop_sequences":
                stopSequences = ((try? JSONValue(parsing: slice))?.elements ?? []).compactMap(\.stringValue)
            case "tools":
                contentRanges.append(member.valueRange)
                toolNames = Self.toolNames(in: slice)
            case "messages", "system":
                contentRanges.append(member.valueRange)
            default:
                break
            }
        }
        self.model = model
        self.includeUsage = includeUsage
        self.stopSequences = stopSequences
        toolNamesByUpstreamName = ToolNames.originals(of: toolNames)
        estimatedInputTokens = TokenEstimator.estimate(body, ranges: contentRanges)
    }

    /// The `name` of each tool in a `tools` array, read member by member (an agent's tools are tens of kilobytes of
    /// schemas, not worth a document tree); only names longer than OpenAI takes are kept, the rest matter not here.
    private static func toolNames(in tools: UnsafeRawBufferPointer) -> [String] {
        var names: [String] = []
        for element in (try? JSONScanner.elementsOfValidatedArray(in: tools)) ?? [] {
            let tool = UnsafeRawBufferPointer(rebasing: tools[element])
            for member in (try? JSONScanner.membersOfValidatedObject(in: tool)) ?? [] where member.key == "name" {
                let literal = UnsafeRawBufferPointer(rebasing: tool[member.valueRange])
                if literal.count > ToolNames.openAILimit + 2, let name = try? JSONScanner.decodeString(literal) {
                    names.append(name)
                }
            }
        }
        return names
    }

    /// The millisecond timestamp in a ULID's first 10 base-32 digits, as Unix seconds; nil when it is not one.
    static func unixSeconds(ofExchangeID id: String) -> Int? {
        let digits = id.utf8.prefix(10)
        guard digits.count == 10 else { return nil }
        var millis: UInt64 = 0
        for digit in digits {
            guard let value = crockfordValue(digit) else { return nil }
            millis = millis << 5 | UInt64(value)
        }
        return Int(millis / 1000)
    }

    /// A Crockford base-32 digit's value (upper case, as exchange ids are written); I, L, O and U are not digits.
    private static func crockfordValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "H"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "J"), UInt8(ascii: "K"): byte - UInt8(ascii: "J") + 18
        case UInt8(ascii: "M"), UInt8(ascii: "N"): byte - UInt8(ascii: "M") + 20
        case UInt8(ascii: "P")...UInt8(ascii: "T"): byte - UInt8(ascii: "P") + 22
        case UInt8(ascii: "V")...UInt8(ascii: "Z"): byte - UInt8(ascii: "V") + 27
        default: nil
        }
    }

    private static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int(time.tv_sec)
    }
}
