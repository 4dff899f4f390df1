/// One OpenAI tool call being streamed into an Anthropic `tool_use` block.
///
/// Anthropic blocks must not overlap, but an OpenAI upstream may interleave the argument deltas of parallel tool
/// calls by `index` (PEER_BUGS #18). So only one call's block is open at a time; fragments for the others wait in
/// `pending` until their block opens. A call's block closes as soon as its arguments form a whole JSON value (after
/// that, only whitespace may follow), which frees the next call — so an upstream that sends calls one after the
/// other streams each one live, and an interleaving upstream still gets complete, correctly attributed arguments.
///
/// THREAD: a plain value inside one stream's state.
struct StreamedToolCall {
    /// Where the call's block stands.
    enum State {
        /// No block yet; fragments wait in `pending`.
        case waiting
        /// Its block is the open one.
        case open(blockIndex: Int)
        /// Its block was stopped; only whitespace may still arrive.
        case closed
    }

    /// The upstream's id (some servers send none; one is made up then, see `ToolIDs.generated`).
    var id: String?
    /// The function name; the block cannot start before it is known.
    var name: String?
    /// Gemini's thought signature for the call, carried to the client inside the tool id.
    var thoughtSignature: String?
    /// Where the call's block stands.
    var state = State.waiting
    /// Argument text received but not yet emitted.
    var pending = ""
    /// How much argument text was received in all, for usage estimates.
    var receivedBytes = 0
    private var shape = JSONShape()

    /// Whether the arguments emitted so far form a whole JSON value.
    var isComplete: Bool { shape.isComplete }

    /// Whether the call still waits for its block.
    var isWaiting: Bool {
        if case .waiting = state { return true }
        return false
    }

    /// Adds an arguments fragment.
    /// - Returns: false when a non-blank fragment arrives after the block was closed (it can no longer be placed).
    mutating func receive(_ fragment: String) -> Bool {
        receivedBytes += fragment.utf8.count
        if case .closed = state { return fragment.isBlank }
        pending += fragment
        return true
    }

    /// Takes the pending fragment to emit now.
    mutating func takePending() -> String {
        let fragment = pending
        pending = ""
        shape.feed(fragment)
        return fragment
    }
}

/// Follows just enough JSON syntax to tell when a value is whole: brackets outside strings, with escapes.
struct JSONShape {
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Whether the outermost object or array has closed.
    private(set) var isComplete = false

    /// Follows `text`, the next piece of the value.
    mutating func feed(_ text: String) {
        for byte in text.utf8 where !isComplete {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { isComplete = true }
            default: break
            }
        }
    }
}
