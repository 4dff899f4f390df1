import PluginABI
import Testing

@testable import Host

/// The stream lifecycle rules, without a plugin: open → events → exactly one close; nothing after fail or close.
@Suite("Stream state machine")
struct StreamStateMachineTests {
    @Test("a provider that answers inside open is closed at once with OK")
    func answersInOpen() {
        var machine = StreamStateMachine(expectsStageInput: false)
        machine.willOpen()
        #expect(machine.emit() == .forward)
        #expect(machine.openReturned(LESSLLM_OK) == .closeNow)
        #expect(machine.state == .closing(LESSLLM_OK))
        #expect(machine.emit() == .forward)  // trailing output from close with OK is allowed
        #expect(machine.closeReturned() == LESSLLM_OK)
        #expect(machine.state == .finished)
        #expect(machine.emit() == .refuse(LESSLLM_E_BAD_ARGUMENT))
    }

    @Test("a provider with a request in flight waits for input, then closes with the input's status")
    func waitsForUpstream() {
        var machine = StreamStateMachine(expectsStageInput: false)
        machine.willOpen()
        #expect(machine.startRequest() == .forward)
        #expect(machine.startRequest() == .refuse(LESSLLM_E_BAD_ARGUMENT))  // one at a time
        #expect(machine.openReturned(LESSLLM_OK) == .awaitInput)
        #expect(machine.acceptsInput)
        #expect(machine.respond() == .forward)
        #expect(machine.respond() == .refuse(LESSLLM_E_BAD_ARGUMENT))  // at most once
        #expect(machine.inputEnded(LESSLLM_E_UPSTREAM) == .close(LESSLLM_E_UPSTREAM))
        #expect(machine.emit() == .refuse(LESSLLM_E_BAD_ARGUMENT))  // no output while closing with an error
        #expect(machine.inputEnded(LESSLLM_OK) == .ignore)  // the end arrives once
        #expect(machine.closeReturned() == LESSLLM_E_UPSTREAM)
    }

    @Test("a failed open is never closed")
    func failedOpen() {
        var machine = StreamStateMachine(expectsStageInput: false)
        machine.willOpen()
        #expect(machine.openReturned(LESSLLM_E_INVALID_REQUEST) == .failedWithoutClose)
        #expect(machine.state == .finished)
        #expect(machine.inputEnded(LESSLLM_OK) == .ignore)
    }

    @Test("after fail, output is refused and the close carries the failure")
    func failThenClose() {
        var machine = StreamStateMachine(expectsStageInput: true)
        machine.willOpen()
        #expect(machine.openReturned(LESSLLM_OK) == .awaitInput)
        #expect(machine.fail(LESSLLM_E_RATE_LIMITED) == .forward)
        #expect(machine.fail(LESSLLM_E_INTERNAL) == .refuse(LESSLLM_E_BAD_ARGUMENT))  // only the first goes out
        #expect(machine.emit() == .refuse(LESSLLM_E_BAD_ARGUMENT))
        #expect(!machine.acceptsInput)
        #expect(machine.inputEnded(LESSLLM_OK) == .close(LESSLLM_E_RATE_LIMITED))
    }

    @Test("a converter stage waits for the previous stage and cannot start requests")
    func converterStage() {
        var machine = StreamStateMachine(expectsStageInput: true)
        machine.willOpen()
        #expect(machine.startRequest() == .refuse(LESSLLM_E_BAD_ARGUMENT))
        #expect(machine.openReturned(LESSLLM_OK) == .awaitInput)
        #expect(machine.inputEnded(LESSLLM_E_CANCELLED) == .close(LESSLLM_E_CANCELLED))
    }

    @Test("a failure raised inside close(OK) becomes the stream's final status")
    func failInsideClose() {
        var machine = StreamStateMachine(expectsStageInput: false)
        machine.willOpen()
        #expect(machine.startRequest() == .forward)
        #expect(machine.openReturned(LESSLLM_OK) == .awaitInput)
        #expect(machine.inputEnded(LESSLLM_OK) == .close(LESSLLM_OK))
        #expect(machine.fail(LESSLLM_E_UPSTREAM) == .forward)
        #expect(machine.closeReturned() == LESSLLM_E_UPSTREAM)
    }

    @Test("fail with OK is treated as an internal error")
    func failWithOK() {
        var machine = StreamStateMachine(expectsStageInput: false)
        machine.willOpen()
        #expect(machine.fail(LESSLLM_OK) == .forward)
        #expect(machine.failure == LESSLLM_E_INTERNAL)
        #expect(machine.openReturned(LESSLLM_OK) == .closeNow)
        #expect(machine.closeReturned() == LESSLLM_E_INTERNAL)
    }
}
