import JSONCore
import PluginABI
import PluginKit

/// Converts between the Anthropic Messages and OpenAI Chat Completions dialects: requests, whole responses and
/// streams, in both directions.
///
/// Ops:
/// - `request:anthropic.messages->openai.chat` and `request:openai.chat->anthropic.messages` emit the converted
///   request as one event inside `open` (see `AnthropicToOpenAIRequest`, `OpenAIToAnthropicRequest`). What one side
///   cannot express is dropped and logged when the answer keeps its meaning, and refused with a 400 naming the
///   parameter when it would not.
/// - `response:openai.chat->anthropic.messages` and `response:anthropic.messages->openai.chat` return a
///   `ResponseConversionStream` that converts each upstream event the moment it arrives (streams, whole bodies and
///   error bodies alike).
///
/// Decisions that span files:
/// - Ids: tool call ids get the client's prefix on the way back (`toolu_` + OpenAI id, `call_` + Anthropic id) and
///   lose it on the way out, the same way for a call and its result (`ToolIDs`); message ids are
///   `msg_<exchange id>` / `chatcmpl-<exchange id>`, and `created` is the exchange id's own timestamp.
/// - Reasoning for OpenAI clients travels in `reasoning_content`, with two extensions so Anthropic thinking survives
///   a round trip byte for byte: `reasoning_signature` (the block's signature string, untouched) and
///   `reasoning_redacted` (the `data` of each `redacted_thinking` block). Sent back on an assistant message, they
///   restore the blocks. One signed thinking block per message round-trips exactly; with several, the texts are
///   joined and only the first signature is kept (streams could not carry more: accumulators concatenate string
///   deltas). Reasoning without our signature cannot go to Anthropic and is dropped; toward OpenAI upstreams every
///   thinking block, signed or not, becomes `reasoning_content`.
/// - `is_error` on a tool result has no OpenAI field: the tool message's text gets an `Error: ` prefix, so the
///   model still learns the call failed. OpenAI results reach Anthropic without `is_error` (there is no signal).
/// - Parallel tool calls an OpenAI upstream interleaves become consecutive, non-overlapping Anthropic blocks in order
///   of first appearance; a call's block closes once its arguments form a whole JSON value, and fragments of the
///   calls behind it wait until their block opens (`StreamedToolCall`).
/// - Usage: `TokenUsage` maps cache reads and writes; an Anthropic client's `message_start` carries an input
///   estimate until the real count arrives in `message_delta` (`TokenEstimator`), and usage an upstream never
///   reported is estimated and logged rather than sent as 0.
/// - Errors keep the upstream's message and take the client dialect's shape and status (`ErrorBodies`); a truncated
///   or malformed stream fails, never ends in a made-up stop.
/// - A streaming client whose upstream answered with a plain JSON body still gets a stream (`StreamReplay`).
///
/// Options: see `ConverterOptions`.
///
/// THREAD: `init` on the main thread; `open` on any thread, for many streams at once (the instance is immutable).
final class DialectConverter: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.converter.dialects",
        name: "Anthropic ⇄ OpenAI dialect converter",
        version: "1.0.0",
        description: "Requests, responses and streams between anthropic.messages and openai.chat",
        kinds: UInt32(LESSLLM_KIND_CONVERTER),
        ops: Op.allCases.map(\.rawValue))

    /// The ops this plugin serves.
    enum Op: String, CaseIterable {
        case requestAnthropicToOpenAI = "request:anthropic.messages->openai.chat"
        case responseOpenAIToAnthropic = "response:openai.chat->anthropic.messages"
        case requestOpenAIToAnthropic = "request:openai.chat->anthropic.messages"
        case responseAnthropicToOpenAI = "response:anthropic.messages->openai.chat"
    }

    private let host: PluginHost
    private let options: ConverterOptions

    /// Creates an instance from its plugins.yaml entry.
    /// - Throws: `PluginError.config` for unknown or malformed options. Runs on the main thread.
    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {
        self.host = host
        options = try ConverterOptions(InstanceConfiguration(configJSON))
    }

    /// Converts a request inside `open` (one event, no stream state), or returns the state that converts a response.
    /// - Throws: `PluginError` — a 400 naming the parameter for requests that cannot be converted faithfully.
    ///   Runs on any thread.
    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        guard let op = Op(rawValue: arguments.op) else { throw .unsupported("\(Self.metadata.id) does not serve '\(arguments.op)'") }
        switch op {
        case .requestAnthropicToOpenAI:
            var converter = AnthropicToOpenAIRequest(options: options, upstreamModel: arguments.model, isStream: arguments.isStream)
            let converted = try converter.convert(try Self.requestObject(arguments.body))
            converter.notes.log(to: host, op: op.rawValue)
            host.emit(stream, bytes: JSONValue.object(converted).serializedBytes())
            return nil
        case .requestOpenAIToAnthropic:
            var converter = OpenAIToAnthropicRequest(options: options, upstreamModel: arguments.model, isStream: arguments.isStream)
            let converted = try converter.convert(try Self.requestObject(arguments.body))
            converter.notes.log(to: host, op: op.rawValue)
            host.emit(stream, bytes: JSONValue.object(converted).serializedBytes())
            return nil
        case .responseOpenAIToAnthropic:
            let client = ClientRequestInfo(body: arguments.body, exchangeID: arguments.exchangeID)
            return ResponseConversionStream(host: host, client: client, direction: .openAIToAnthropic,
                                            clientWantsStream: arguments.isStream)
        case .responseAnthropicToOpenAI:
            let client = ClientRequestInfo(body: arguments.body, exchangeID: arguments.exchangeID)
            return ResponseConversionStream(host: host, client: client, direction: .anthropicToOpenAI,
                                            clientWantsStream: arguments.isStream)
        }
    }

    /// The request body as a JSON object.
    private static func requestObject(_ body: UnsafeRawBufferPointer) throws(PluginError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("The request body is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else { throw .invalidRequest("The request body must be a JSON object") }
        return object
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: DialectConverter.self, hostMajor: hostMajor)
}
