import PluginABI

/// The lifecycle of one plugin stream as a pure value: `open → (head/events)* → exactly one close`.
///
/// The host asks it what to do at each step and acts on the answer, so every rule of the ABI (emit only while
/// the stream is live, nothing after fail, close exactly once after a successful open, cancellation included) is
/// decided here and tested without a plugin.
struct StreamStateMachine: Sendable, Equatable {
    enum State: Sendable, Equatable {
        /// Not opened yet. → opening.
        case idle
        /// Inside the plugin's open. → awaitingInput (open OK, input expected), closing (open OK, nothing more to
        /// come), finished (open failed: no close).
        case opening
        /// Open; input (the upstream response, or the previous stage's output) is on its way. → closing.
        case awaitingInput
        /// Inside the plugin's close. → finished.
        case closing(lessllm_status)
        /// Done; nothing is accepted any more.
        case finished
    }

    private(set) var state: State = .idle
    /// The status the plugin failed the stream with, if it did (later output is refused).
    private(set) var failure: lessllm_status?
    /// Whether the response head went downstream (explicitly or implied by a first emit).
    private(set) var responded = false
    /// Whether this stream's own upstream HTTP request is in flight.
    private(set) var requestInFlight = false
    /// Whether this stage waits for input from a previous stage (a response converter) rather than from HTTP.
    let expectsStageInput: Bool

    init(expectsStageInput: Bool) {
        self.expectsStageInput = expectsStageInput
    }

    /// Whether plugin output (respond/emit/fail/http_start) is acceptable now.
    private var isLive: Bool {
        switch state {
        case .opening, .awaitingInput: true
        case .closing(let status): status == LESSLLM_OK
        case .idle, .finished: false
        }
    }

    mutating func willOpen() {
        precondition(state == .idle, "a stream is opened once")
        state = .opening
    }

    enum AfterOpen: Equatable { case awaitInput, closeNow, failedWithoutClose }

    /// The plugin's open returned `status`.
    mutating func openReturned(_ status: lessllm_status) -> AfterOpen {
        guard status == LESSLLM_OK else {
            state = .finished
            return .failedWithoutClose
        }
        if requestInFlight || expectsStageInput {
            state = .awaitingInput
            return .awaitInput
        }
        state = .closing(failure ?? LESSLLM_OK)
        return .closeNow
    }

    enum OutputDecision: Equatable { case forward, refuse(lessllm_status) }

    /// The plugin wants to set the response head.
    mutating func respond() -> OutputDecision {
        guard isLive, failure == nil else { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        guard !responded else { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        responded = true
        return .forward
    }

    /// The plugin wants to emit an event.
    mutating func emit() -> OutputDecision {
        guard isLive, failure == nil else { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        responded = true
        return .forward
    }

    /// The plugin fails the stream with `status`. Only the first failure goes downstream.
    mutating func fail(_ status: lessllm_status) -> OutputDecision {
        guard isLive, failure == nil else { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        failure = status == LESSLLM_OK ? LESSLLM_E_INTERNAL : status
        return .forward
    }

    /// The plugin starts its upstream request.
    mutating func startRequest() -> OutputDecision {
        guard isLive, failure == nil, !requestInFlight, !expectsStageInput else { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        if case .closing = state { return .refuse(LESSLLM_E_BAD_ARGUMENT) }
        requestInFlight = true
        return .forward
    }

    /// Whether input (head/events) may be delivered to the plugin now.
    var acceptsInput: Bool { state == .awaitingInput && failure == nil }

    enum AfterInputEnded: Equatable { case close(lessllm_status), ignore }

    /// The input ended (the request finished or failed, or the previous stage closed) with `status`.
    mutating func inputEnded(_ status: lessllm_status) -> AfterInputEnded {
        requestInFlight = false
        guard state == .awaitingInput else { return .ignore }
        let final = failure ?? status
        state = .closing(final)
        return .close(final)
    }

    /// The plugin's close returned: the stream's final status (a failure raised inside close wins over OK).
    mutating func closeReturned() -> lessllm_status {
        guard case .closing(let status) = state else { return LESSLLM_E_INTERNAL }
        state = .finished
        return failure ?? status
    }
}
