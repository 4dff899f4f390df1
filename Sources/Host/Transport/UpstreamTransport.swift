import NIOCore

/// A started upstream transfer, as the exchange that started it controls it (on the exchange's event loop).
protocol UpstreamTransfer: AnyObject {
    /// Stops the transfer. The handler then receives `upstreamEnd(.cancelled)` — later, never from inside this call.
    func cancel()
    /// Resumes a transfer its flow control paused.
    func resume()
}

/// The gateway's upstream HTTP clients, and which one sends a request.
///
/// Plain `http://` upstreams without a proxy (local model servers, sidecars, the benchmark's mock) are served by the
/// event-loop client: the upstream connection lives on the exchange's own event loop, so an upstream event reaches
/// the client with one thread wake-up. Everything else — TLS (with HTTP/2), HTTP and SOCKS proxies — goes through
/// libcurl on its own thread, whose responses hop to the exchange's event loop.
struct UpstreamTransport: Sendable {
    let curl: CurlTransport
    let eventLoopClient: EventLoopHTTPClient

    /// Starts `request`; its response reaches `handler` on `eventLoop` (the caller's). Nil when it cannot start.
    func start(
        _ request: UpstreamRequest, options: TransportOptions, flow: FlowControl, eventLoop: any EventLoop,
        handler: any UpstreamResponseHandler
    ) -> (any UpstreamTransfer)? {
        if options.proxy == nil, let target = PlainHTTPTarget(url: request.url) {
            return eventLoopClient.start(request, target: target, options: options, flow: flow, eventLoop: eventLoop,
                                         handler: handler)
        }
        return curl.start(request, options: options, flow: flow, eventLoop: eventLoop, handler: handler)
    }

    /// Stops both clients: transfers still running are cancelled, idle connections closed.
    func shutdown() {
        curl.shutdown()
        eventLoopClient.shutdown()
    }
}
