import JSONCore
import Logging
import NIOCore
import NIOHTTP1

/// The proxy's request handling: endpoint dispatch, request checks, routing, and the start of each exchange.
///
/// Immutable after start-up and shared by every connection; `handle` runs on the calling connection's event loop.
final class Gateway: Sendable {
    let maxBodyBytes: Int
    private let router: ModelRouter
    private let registry: PluginRegistry
    private let transport: CurlTransport
    let logger: Logger

    init(config: GatewayConfig, registry: PluginRegistry, transport: CurlTransport, logger: Logger) {
        self.maxBodyBytes = config.listen.maxBodyBytes
        self.router = ModelRouter(routes: config.routes)
        self.registry = registry
        self.transport = transport
        self.logger = logger
    }

    /// Answers one request. Returns the exchange when a streamed/proxied response is under way.
    /// - Parameter onFinished: called once the response is complete, on the event loop.
    func handle(
        _ request: IncomingRequest, context: ChannelHandlerContext, onFinished: @escaping () -> Void
    ) -> Exchange? {
        let keepAlive = request.head.isKeepAlive
        let path = String(request.path)
        if let dialect = Dialect(path: path) {
            guard request.head.method == .POST else {
                fail(.methodNotAllowed(request.head.method.rawValue, path: path), dialect, keepAlive, context, onFinished)
                return nil
            }
            do {
                return try startExchange(request, dialect: dialect, context: context, onFinished: onFinished)
            } catch {
                fail(error, dialect, keepAlive, context, onFinished)
                return nil
            }
        }
        switch (request.head.method, path) {
        case (.GET, "/health"):
            SimpleResponse.write(#"{"status":"ok"}"#, status: .ok, keepAlive: keepAlive, context: context)
        case (.GET, "/v1/models"), (.GET, "/models"):
            let anthropic = request.head.headers.contains(name: "anthropic-version")
            SimpleResponse.write(ModelList.body(router.listedModels, anthropicShape: anthropic), status: .ok,
                                 keepAlive: keepAlive, context: context)
        default:
            fail(.notFound("No endpoint \(request.head.method.rawValue) \(path). The gateway serves POST "
                           + "/v1/chat/completions, POST /v1/messages, GET /v1/models and GET /health."),
                 .openAIChat, keepAlive, context, onFinished)
            return nil
        }
        onFinished()
        return nil
    }

    private func fail(
        _ error: GatewayError, _ dialect: Dialect, _ keepAlive: Bool, _ context: ChannelHandlerContext,
        _ onFinished: () -> Void
    ) {
        SimpleResponse.write(error.body(for: dialect), status: HTTPResponseStatus(statusCode: error.status),
                             keepAlive: keepAlive, context: context)
        onFinished()
    }

    // MARK: - Exchanges

    private func startExchange(
        _ request: IncomingRequest, dialect: Dialect, context: ChannelHandlerContext,
        onFinished: @escaping () -> Void
    ) throws(GatewayError) -> Exchange {
        try ClientRequest.checkContentType(request.head.headers)
        var body = request.body
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        let parsed = try ClientRequest.parse(bytes)
        guard let route = router.resolve(parsed.model) else { throw .modelNotFound(parsed.model) }
        guard let provider = registry.providers[route.provider] else {
            throw .internalError("The route for '\(parsed.model)' names provider '\(route.provider)', which is not running.")
        }
        let exchangeID = ExchangeID.next()
        let headers = ClientRequest.forwardableHeaders(request.head.headers)
        let plan = try ExchangePlan.make(
            client: dialect, provider: provider, registry: registry, body: bytes, parsed: parsed, route: route,
            headers: headers, exchangeID: exchangeID)
        let writer = ClientResponseWriter(
            context: context, dialect: dialect, clientWantsStream: parsed.stream,
            keepAlive: request.head.isKeepAlive, extraHeaders: [("x-lessllm-exchange-id", exchangeID)],
            onFinished: { _ in onFinished() })
        let exchange = Exchange(id: exchangeID, eventLoop: context.eventLoop, transport: transport,
                                options: provider.transport, writer: writer)
        exchange.start(provider: plan.provider, converters: plan.responseConverters)
        return exchange
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
