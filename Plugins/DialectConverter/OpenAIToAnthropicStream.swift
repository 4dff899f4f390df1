import JSONCore
import PluginKit

/// OpenAI `chat.completion.chunk` events → Anthropic Messages stream events (Anthropic client, OpenAI upstream).
///
/// Output order is the one the Anthropic SDKs' accumulators expect: `message_start` (usage with an input estimate
/// until the real count arrives, see `TokenEstimator`), `ping`, then per block `content_block_start`,
/// `content_block_delta`*, `content_block_stop` — thinking (`reasoning_content`/`reasoning`, closed with a
/// `signature_delta` when our `reasoning_signature` extension carried one), text (`content`, `refusal`), and one
/// `tool_use` block per tool call with its arguments as `input_json_delta` fragments exactly as they arrive
/// (PEER_BUGS #1; arguments that come whole in the last chunk still arrive, #2). Block indices count from 0, each
/// block starts and stops exactly once and blocks never overlap (#3); interleaved parallel tool calls are
/// serialised as `StreamedToolCall` describes (#18). A tool call delta whose id differs from the one its index
/// (or, without an index, the latest call) holds is a new call: some servers send every parallel call as index 0.
///
/// `finish_reason` closes the blocks at once, but `message_delta` (stop reason and the real usage) and
/// `message_stop` wait for `data: [DONE]`: usage often comes in a trailing chunk with empty `choices` after the
/// finish reason (#10). An upstream that ends after its finish reason without `[DONE]` still completes; one that
/// ends before its finish reason fails the stream — a cut-off answer is never dressed up as `end_turn`.
///
/// THREAD: a value owned by one stream.
struct OpenAIToAnthropicStream: StreamTranslator {
    private enum Phase { case before, streaming, done }
    private enum OpenBlock {
        case text(Int)
        case thinking(Int)
        case tool(key: Int)
    }

    private let client: ClientRequestInfo
    private var phase = Phase.before
    private var nextBlockIndex = 0
    private var openBlock: OpenBlock?
    private var signature: String?
    private var calls: [Int: StreamedToolCall] = [:]
    private var callOrder: [Int] = []
    /// The key of the latest call started under each upstream tool call `index`.
    private var latestCall: [Int: Int] = [:]
    private var stop: (reason: String, sequence: String?)?
    private var usage: TokenUsage?
    private var generatedBytes = 0
    private(set) var usageWasEstimated = false

    /// A translator for the response to `client`'s request.
    init(client: ClientRequestInfo) {
        self.client = client
    }

    mutating func translate(type: String, data: UnsafeRawBufferPointer) throws(PluginError) -> [ClientEvent] {
        guard !data.isEmpty else { return [] }  // comments and keep-alives
        if data.holds("[DONE]") { return try finishMessage() }
        guard phase != .done else { return [] }
        let chunk: JSONValue
        do {
            chunk = try JSONValue(parsing: data)
        } catch {
            throw .upstream("The upstream sent a stream event that is not valid JSON (\(error)): \(data.excerpt)")
        }
        if let error = chunk["error"], !error.isNull {
            throw ErrorBodies.streamFailure(type: error["type"]?.stringValue ?? error["code"]?.stringValue,
                                            message: error["message"]?.stringValue ?? error.stringValue ?? "")
        }
        let reported = TokenUsage(openAI: chunk["usage"])
        var events: [ClientEvent] = []
        if phase == .before { start(reported: reported, into: &events) }
        for choice in chunk["choices"]?.elements ?? [] where (choice["index"]?.count ?? 0) == 0 {
            try apply(choice, into: &events)
        }
        if let reported { usage = reported }
        return events
    }

    mutating func finish() throws(PluginError) -> [ClientEvent] {
        if phase == .done { return [] }
        guard stop != nil else {
            throw .upstream("The upstream stream ended before its finish_reason and data: [DONE]; the response is incomplete.")
        }
        return try finishMessage()
    }

    // MARK: - Message

    private mutating func start(reported: TokenUsage?, into events: inout [ClientEvent]) {
        let startUsage = reported ?? TokenUsage(input: client.estimatedInputTokens)
        events.append(AnthropicEvents.messageStart(id: client.anthropicMessageID, model: client.model, usage: startUsage))
        events.append(AnthropicEvents.ping)
        phase = .streaming
    }

    private mutating func finishMessage() throws(PluginError) -> [ClientEvent] {
        guard phase != .done else { return [] }
        var events: [ClientEvent] = []
        if phase == .before { start(reported: nil, into: &events) }
        try closeAll(into: &events)
        // [DONE] without a finish reason: the upstream says the answer is complete, it just did not say why.
        var final = stop
        if final == nil {
            final = try StopReasons.stopReason(forOpenAI: callOrder.isEmpty ? "stop" : "tool_calls", matched: nil, requestStops: [])
        }
        let (reason, sequence) = final ?? ("end_turn", nil)
        let finalUsage = usage ?? estimatedUsage()
        events.append(AnthropicEvents.messageDelta(stopReason: reason, stopSequence: sequence, usage: finalUsage))
        events.append(AnthropicEvents.messageStop)
        phase = .done
        return events
    }

    private mutating func estimatedUsage() -> TokenUsage {
        usageWasEstimated = true
        let toolBytes = calls.values.reduce(0) { $0 + $1.receivedBytes }
        return TokenUsage(input: client.estimatedInputTokens,
                          output: TokenEstimator.estimateOutput(bytes: generatedBytes + toolBytes))
    }

    // MARK: - Choice deltas

    private mutating func apply(_ choice: JSONValue, into events: inout [ClientEvent]) throws(PluginError) {
        let delta = choice["delta"]
        if let thinking = delta?["reasoning_content"]?.nonEmptyString ?? delta?["reasoning"]?.nonEmptyString {
            let index = enter(.thinking(nextBlockIndex), into: &events)
            events.append(AnthropicEvents.thinkingDelta(index, thinking))
            generatedBytes += thinking.utf8.count
        }
        // A signature belongs to the thinking block it ends; one arriving with no thinking block open has nothing to sign.
        if let given = delta?["reasoning_signature"]?.nonEmptyString, case .thinking? = openBlock { signature = given }
        for text in [delta?["content"]?.nonEmptyString, delta?["refusal"]?.nonEmptyString].compactMap({ $0 }) {
            let index = enter(.text(nextBlockIndex), into: &events)
            events.append(AnthropicEvents.textDelta(index, text))
            generatedBytes += text.utf8.count
        }
        for call in delta?["tool_calls"]?.elements ?? [] { try receiveToolCall(call, into: &events) }
        if var reason = choice["finish_reason"]?.nonEmptyString {
            // Some upstreams (Gemini) end a tool-call turn with "stop"; the turn still waits for the tools' results.
            if reason == "stop" && !callOrder.isEmpty { reason = "tool_calls" }
            stop = try StopReasons.stopReason(forOpenAI: reason, matched: choice["stop_reason"]?.stringValue,
                                              requestStops: client.stopSequences)
            try closeAll(into: &events)
            // Arguments cut off mid-value are not a tool call anyone can run (PEER_BUGS #1): fail rather than let
            // the client end up with an empty or broken input — unless the output limit explains the cut.
            if reason != "length", let key = callOrder.first(where: { calls[$0].map { $0.receivedBytes > 0 && !$0.isComplete } ?? false }) {
                throw .upstream("The upstream ended tool call \(key) (\(calls[key]?.name ?? "?")) with incomplete "
                                + "arguments; the response is incomplete.")
            }
        }
    }

    /// Makes a text or thinking block the open one (closing another kind first) and returns its index.
    private mutating func enter(_ block: OpenBlock, into events: inout [ClientEvent]) -> Int {
        switch (openBlock, block) {
        case (.text(let index)?, .text), (.thinking(let index)?, .thinking): return index
        default: break
        }
        closeOpenBlock(into: &events)
        let index = nextBlockIndex
        nextBlockIndex += 1
        if case .thinking = block {
            events.append(AnthropicEvents.thinkingBlockStart(index))
            openBlock = .thinking(index)
        } else {
            events.append(AnthropicEvents.textBlockStart(index))
            openBlock = .text(index)
        }
        return index
    }

    private mutating func closeOpenBlock(into events: inout [ClientEvent]) {
        switch openBlock {
        case .text(let index)?:
            events.append(AnthropicEvents.blockStop(index))
        case .thinking(let index)?:
            if let signature { events.append(AnthropicEvents.signatureDelta(index, signature)) }
            signature = nil
            events.append(AnthropicEvents.blockStop(index))
        case .tool(let key)?:
            if case .open(let index) = calls[key]?.state { events.append(AnthropicEvents.blockStop(index)) }
            calls[key]?.state = .closed
        case nil:
            break
        }
        openBlock = nil
    }

    // MARK: - Tool calls

    private mutating func receiveToolCall(_ delta: JSONValue, into events: inout [ClientEvent]) throws(PluginError) {
        // The call a delta continues: the latest one started under its index, or the latest of all for an
        // index-less delta (a lone tool call is sometimes sent without an index).
        let index = delta["index"]?.count
        var continued: Int? = if let index { latestCall[index] } else { callOrder.last }
        // An id other than that call's starts a new call: Gemini sends parallel calls without an index, and Ollama,
        // Gemini's OpenAI compatibility layer and ai-dynamo send them all as index 0, each with its own id.
        if let id = delta["id"]?.nonEmptyString, let current = continued, let known = calls[current]?.id, known != id {
            continued = nil
        }
        let key = continued ?? startCall()
        if let index { latestCall[index] = key }
        if calls[key]?.id == nil, let id = delta["id"]?.nonEmptyString { calls[key]?.id = id }
        if calls[key]?.name == nil, let name = delta["function"]?["name"]?.nonEmptyString {
            calls[key]?.name = client.toolNamesByUpstreamName[name] ?? name  // the client's own, if shortened
        }
        if let signature = delta["extra_content"]?["google"]?["thought_signature"]?.nonEmptyString {
            calls[key]?.thoughtSignature = signature
        }
        if let fragment = delta["function"]?["arguments"]?.stringValue, !fragment.isEmpty {
            guard calls[key]?.receive(fragment) == true else {
                throw .upstream("The upstream sent more arguments for tool call \(key) after its block was closed: "
                                + OpenAIToAnthropicRequest.excerpt(fragment))
            }
        }
        if let open = openBlock, case .tool = open {} else { closeOpenBlock(into: &events) }
        try advanceToolCalls(closingAll: false, into: &events)
    }

    /// Adds a call and returns its key: calls are numbered in the order they start, whatever index the upstream gave.
    private mutating func startCall() -> Int {
        let key = callOrder.count
        calls[key] = StreamedToolCall()
        callOrder.append(key)
        return key
    }

    /// Streams the open tool call's new fragments and moves on to waiting calls whose turn has come. With
    /// `closingAll` (the choice finished), every call is emitted and closed.
    private mutating func advanceToolCalls(closingAll: Bool, into events: inout [ClientEvent]) throws(PluginError) {
        if case .tool(let key)? = openBlock {
            emitPending(of: key, into: &events)
            guard closingAll || calls[key]?.isComplete == true else { return }
            closeOpenBlock(into: &events)
        }
        while openBlock == nil, let key = callOrder.first(where: { calls[$0]?.isWaiting == true }) {
            guard let name = calls[key]?.name else {
                if closingAll { throw .upstream("The upstream sent tool call \(key) without a function name.") }
                return
            }
            let upstreamID = calls[key]?.id ?? ToolIDs.generated(exchangeID: client.exchangeID, index: key)
            let index = nextBlockIndex
            nextBlockIndex += 1
            let clientID = ToolIDs.anthropicID(forUpstreamOpenAI: upstreamID, thoughtSignature: calls[key]?.thoughtSignature)
            events.append(AnthropicEvents.toolBlockStart(index, id: clientID, name: name))
            calls[key]?.state = .open(blockIndex: index)
            openBlock = .tool(key: key)
            emitPending(of: key, into: &events)
            if closingAll || calls[key]?.isComplete == true { closeOpenBlock(into: &events) }
        }
    }

    private mutating func emitPending(of key: Int, into events: inout [ClientEvent]) {
        guard case .open(let index)? = calls[key]?.state, let fragment = calls[key]?.takePending(), !fragment.isEmpty else { return }
        events.append(AnthropicEvents.inputJSONDelta(index, fragment))
    }

    private mutating func closeAll(into events: inout [ClientEvent]) throws(PluginError) {
        if let open = openBlock, case .tool = open {} else { closeOpenBlock(into: &events) }
        try advanceToolCalls(closingAll: true, into: &events)
    }
}
