import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The proxy's request handling: endpoint dispatch, request checks, routing, and the start of each exchange.
///
/// Immutable after start-up and shared by every connection; `handle` runs on the calling connection's event loop.
final class Gateway: Sendable {
    let maxBodyBytes: Int
    private let router: ModelRouter
    private let registry: PluginRegistry
    private let transport: UpstreamTransport
    private let recorder: any ExchangeRecording
    private let prices: PriceTable?
    private let trustedProxies: [IPNetwork]
    private let keepRawEvents: Bool
    private let inFlight = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    let logger: Logger

    /// Exchanges started and not yet finished.
    var activeExchanges: Int { inFlight.load(ordering: .relaxed) }

    /// Shutting down: exchanges under way finish, every response closes its connection, and requests arriving on
    /// connections still open are refused with 503.
    func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }

    init(config: GatewayConfig, registry: PluginRegistry, transport: UpstreamTransport, recorder: any ExchangeRecording,
         prices: PriceTable?, logger: Logger) {
        self.prices = prices
        self.maxBodyBytes = config.listen.maxBodyBytes
        self.router = ModelRouter(routes: config.routes)
        self.registry = registry
        self.transport = transport
        self.recorder = recorder
        self.trustedProxies = config.listen.trustedProxies
        self.keepRawEvents = config.recording.rawEvents
        self.logger = logger
    }

    /// Answers one request. Returns the exchange when a streamed/proxied response is under way.
    /// - Parameter onFinished: called once the response is complete, on the event loop.
    func handle(
        _ request: IncomingRequest, context: ChannelHandlerContext, onFinished: @escaping () -> Void
    ) -> Exchange? {
        let isDraining = draining.load(ordering: .relaxed)
        let keepAlive = request.head.isKeepAlive && !isDraining
        let path = String(request.path)
        // HEAD is answered as GET would be, without the body (RFC 9110 §9.3.2).
        let headOnly = request.head.method == .HEAD
        if isDraining {
            fail(.overloaded("The gateway is shutting down; retry on a new connection."), Dialect(path: path) ?? .openAIChat,
                 false, headOnly, context, onFinished)
            return nil
        }
        if let dialect = Dialect(path: path) {
            guard request.head.method == .POST else {
                fail(.methodNotAllowed(request.head.method.rawValue, path: path), dialect, keepAlive, headOnly,
                     context, onFinished, extraHeaders: [("allow", "POST")])
                return nil
            }
            let trace = makeTrace(request, dialect: dialect)
            do {
                return try startExchange(request, trace: trace, context: context, onFinished: onFinished)
            } catch {
                trace.failure = error
                trace.responseStatus = error.status
                trace.finishedAt = MonotonicClock.nanoseconds()
                let body = error.body(for: dialect)
                trace.responseHeaders = [("content-type", "application/json")]
                trace.responseBytes = body.utf8.count
                Array(body.utf8).withUnsafeBytes { trace.clientEvents.append(at: trace.finishedAt, type: .init(start: nil, count: 0), data: $0) }
                recorder.submit(trace)
                fail(error, dialect, keepAlive, false, context, onFinished, exchangeID: trace.id)
                return nil
            }
        }
        switch (headOnly ? .GET : request.head.method, path) {
        case (.GET, "/health"):
            SimpleResponse.write(#"{"status":"ok"}"#, status: .ok, keepAlive: keepAlive, omittingBody: headOnly,
                                 context: context)
        case (.GET, "/v1/models"), (.GET, "/models"):
            let anthropic = request.head.headers.contains(name: "anthropic-version")
            SimpleResponse.write(ModelList.body(router.listedModels, anthropicShape: anthropic), status: .ok,
                                 keepAlive: keepAlive, omittingBody: headOnly, context: context)
        default:
            fail(.notFound("No endpoint \(request.head.method.rawValue) \(path). The gateway serves POST "
                           + "/v1/chat/completions, POST /v1/messages, GET /v1/models and GET /health."),
                 Dialect(pathFamily: path), keepAlive, headOnly, context, onFinished)
            return nil
        }
        onFinished()
        return nil
    }

    private func fail(
        _ error: GatewayError, _ dialect: Dialect, _ keepAlive: Bool, _ headOnly: Bool,
        _ context: ChannelHandlerContext, _ onFinished: () -> Void, exchangeID: String? = nil,
        extraHeaders: [(String, String)] = []
    ) {
        SimpleResponse.write(error.body(for: dialect), status: HTTPResponseStatus(statusCode: error.status),
                             extraHeaders: (exchangeID.map { [("x-lessllm-exchange-id", $0)] } ?? []) + extraHeaders,
                             keepAlive: keepAlive, omittingBody: headOnly, context: context)
        onFinished()
    }

    // MARK: - Exchanges

    /// Starts noting the exchange for its record.
    private func makeTrace(_ request: IncomingRequest, dialect: Dialect) -> ExchangeTrace {
        var body = request.body
        let headers = request.head.headers
        let now = WallClock.milliseconds()
        return ExchangeTrace(
            id: ExchangeID.next(at: UInt64(now)), receivedAt: MonotonicClock.nanoseconds(), wallMillis: now,
            method: request.head.method.rawValue, path: request.head.uri,
            clientIP: ClientAddress.resolve(peer: request.peerIP, forwardedFor: headers["x-forwarded-for"],
                                            trusted: trustedProxies),
            userAgent: headers.first(name: "user-agent") ?? "", requestHeaders: headers.map { ($0.name, $0.value) },
            requestBody: body.readBytes(length: body.readableBytes) ?? [], clientDialect: dialect)
    }

    private func startExchange(
        _ request: IncomingRequest, trace: ExchangeTrace, context: ChannelHandlerContext,
        onFinished: @escaping () -> Void
    ) throws(GatewayError) -> Exchange {
        guard let dialect = trace.clientDialect else { throw .internalError("no dialect for \(trace.path)") }
        try ClientRequest.checkContentType(request.head.headers)
        let bytes = trace.requestBody
        let parsed = try ClientRequest.parse(bytes)
        trace.requestBodyIsValidJSON = true
        trace.requestedModel = parsed.model
        trace.stream = parsed.stream
        guard let route = router.resolve(parsed.model) else { throw .modelNotFound(parsed.model) }
        guard let provider = registry.providers[route.provider] else {
            throw .internalError("The route for '\(parsed.model)' names provider '\(route.provider)', which is not running.")
        }
        trace.provider = provider.name
        trace.providerPlugin = provider.instance.plugin.info.id
        trace.upstreamModel = route.upstreamModel
        let exchangeID = trace.id
        let headers = ClientRequest.forwardableHeaders(request.head.headers)
        let plan = try ExchangePlan.make(
            client: dialect, provider: provider, registry: registry, body: bytes, parsed: parsed, route: route,
            headers: headers, exchangeID: exchangeID)
        trace.upstreamDialect = plan.upstreamDialect
        if plan.responseConverters.isEmpty && !keepRawEvents {
            // Passthrough: the client's events are the upstream's, bar a held-back usage chunk: kept once.
            trace.upstreamEventsShareClientData = true
        }
        let recorder = self.recorder
        inFlight.add(1, ordering: .relaxed)
        let writer = ClientResponseWriter(
            context: context, dialect: dialect, clientWantsStream: parsed.stream,
            chunksStreams: request.head.version.isAtLeastHTTP11,
            keepAlive: request.head.isKeepAlive && !draining.load(ordering: .relaxed),
            extraHeaders: [("x-lessllm-exchange-id", exchangeID)], trace: trace,
            costOfBody: prices.flatMap { prices in
                prices.price(for: route.upstreamModel).map { price in
                    let upstreamDialect = plan.upstreamDialect
                    guard upstreamDialect != dialect else {
                        return { body in Self.costHeader(body, dialect: dialect, price: price) }
                    }
                    // Converted: the upstream's own usage, as the record prices it (an OpenAI body cannot say which
                    // prompt tokens were cache writes, and a converter's estimate is no report).
                    return { _ in
                        guard let whole = trace.upstreamEvents.entries.last else { return nil }
                        return Self.costHeader(trace.upstreamEvents.data(of: whole), dialect: upstreamDialect,
                                               price: price)
                    }
                }
            },
            onFinished: { [self] in
                inFlight.subtract(1, ordering: .relaxed)
                recorder.submit(trace)
                onFinished()
            })
        let exchange = Exchange(trace: trace, eventLoop: context.eventLoop, transport: transport,
                                options: provider.transport, writer: writer)
        exchange.start(provider: plan.provider, converters: plan.responseConverters)
        return exchange
    }
}

extension Gateway {
    /// The cost of a whole response body, for `x-lessllm-cost-usd` (nil when it reports no usage).
    static func costHeader(_ body: ArraySlice<UInt8>, dialect: Dialect, price: ModelPrice) -> String? {
        // On the event loop, before the response goes out: only the usage member is parsed.
        guard let usage = body.withUnsafeBytes({ ResponseAnalysis.usage(inBody: $0, dialect: dialect) }) else { return nil }
        return Cost(usage: usage, price: price).total.fixed(decimals: 8)
    }
}

extension Double {
    /// Fixed-point text with `decimals` digits after the point (no exponent), e.g. 0.0000544 → "0.00005440".
    func fixed(decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(self) * scale).rounded()
        guard scaled < 9e18 else { return String(self) }
        let digits = String(Int64(scaled))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        return (self < 0 && scaled > 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }
}

/// The model list of `GET /v1/models`, in OpenAI's shape or (when the client sent `anthropic-version`) Anthropic's.
enum ModelList {
    static func body(_ models: [String], anthropicShape: Bool) -> String {
        if anthropicShape {
            let items = models.map { #"{"type":"model","id":\#(JSONString.quoted($0)),"display_name":\#(JSONString.quoted($0)),"created_at":"1970-01-01T00:00:00Z"}"# }
            let first = models.first.map(JSONString.quoted) ?? "null"
            let last = models.last.map(JSONString.quoted) ?? "null"
            return #"{"data":[\#(items.joined(separator: ","))],"has_more":false,"first_id":\#(first),"last_id":\#(last)}"#
        }
        let items = models.map { #"{"id":\#(JSONString.quoted($0)),"object":"model","created":0,"owned_by":"lessllm"}"# }
        return #"{"object":"list","data":[\#(items.joined(separator: ","))]}"#
    }
}
