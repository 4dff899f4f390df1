/// Receives one upstream response. Every call happens on the event loop the transfer was started for,
/// in order: `upstreamHead` once (unless the transfer fails first), `upstreamBody` per chunk, `upstreamEnd` once.
protocol UpstreamResponseHandler: AnyObject {
    /// The final response's status and headers.
    func upstreamHead(status: Int, headers: [(String, String)])
    /// A chunk of the body, with arbitrary boundaries, borrowed for the call; `receivedAt` is when the transport got
    /// it (monotonic ns).
    func upstreamBody(_ bytes: UnsafeRawBufferPointer, receivedAt: UInt64)
    /// The end: nil when the response completed, otherwise why it did not.
    func upstreamEnd(_ failure: TransportFailure?)
    /// Runs `delivery`, the calls above for everything one read of the upstream socket brought, as one batch: what
    /// they write to the client may go out together when it returns.
    func upstreamRead(_ delivery: () -> Void)
}

extension UpstreamResponseHandler {
    func upstreamRead(_ delivery: () -> Void) { delivery() }
}
