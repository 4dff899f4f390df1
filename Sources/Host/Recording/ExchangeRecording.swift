/// Where finished exchanges go to become records. `submit` is called on an event loop and must not block.
protocol ExchangeRecording: Sendable {
    /// Takes a finished trace; the relay never touches it again.
    func submit(_ trace: ExchangeTrace)
}

/// Records nothing (no sink configured).
struct DiscardingRecorder: ExchangeRecording {
    func submit(_ trace: ExchangeTrace) {}
}
