/// Everything observed about one exchange while it happens, captured cheaply on the relay path (timestamps and
/// references to bytes the relay already has); turned into an `ExchangeRecord` later, off the event loop.
///
/// Threading: filled on the exchange's event loop only; handed to the recorder (another thread) once finished and
/// never touched by the relay afterwards.
final class ExchangeTrace: @unchecked Sendable {
    // The request, as received.
    let id: String
    let receivedAt: UInt64
    let receivedAtWallMillis: Int64
    let method: String
    let path: String
    let clientIP: String
    let userAgent: String
    let requestHeaders: [(String, String)]
    let requestBody: [UInt8]
    /// Set once the gateway has validated the body as a JSON object (`ClientRequest.parse`): the record then embeds
    /// it without checking it again. (Not kept in the journal: a replayed trace is checked again.)
    var requestBodyIsValidJSON = false
    let clientDialect: Dialect?
    var stream = false

    // Routing.
    var requestedModel: String?
    var provider: String?
    var providerPlugin: String?
    var upstreamDialect: Dialect?
    var upstreamModel: String?

    // The upstream exchange.
    var upstreamStartedAt: UInt64?
    var upstreamURL: String?
    var upstreamRequestHeaders: [(String, String)] = []
    var upstreamRequestBody: [UInt8]?
    var upstreamHeadAt: UInt64?
    var upstreamStatus: Int?
    var upstreamResponseHeaders: [(String, String)] = []
    var upstreamEvents = EventLog()
    /// Passthrough: an upstream event the client received unchanged is in `clientEvents`; `upstreamEvents` keeps
    /// its time only (its data when the client did not get it, e.g. a held-back usage chunk).
    var upstreamEventsShareClientData = false
    /// Per upstream chunk: (received by the transport, written to the client) — the relay delay.
    var relayDelays: [UInt64] = []

    // What the client received.
    var responseStatus = 0
    var responseHeaders: [(String, String)] = []
    var responseBytes = 0
    var clientEvents = EventLog()
    var responseIsEventStream = false
    var finishedAt: UInt64 = 0
    var endStatus: Int32 = 0
    var failure: GatewayError?
    var clientCancelled = false

    init(id: String, receivedAt: UInt64, wallMillis: Int64, method: String, path: String, clientIP: String,
         userAgent: String, requestHeaders: [(String, String)], requestBody: [UInt8], clientDialect: Dialect?) {
        self.id = id
        self.receivedAt = receivedAt
        self.receivedAtWallMillis = wallMillis
        self.method = method
        self.path = path
        self.clientIP = clientIP
        self.userAgent = userAgent
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.clientDialect = clientDialect
    }

    /// About how much memory the trace holds: its bodies, events and headers (for the recorder's queue budget).
    var approximateBytes: Int {
        func size(_ headers: [(String, String)]) -> Int {
            headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 32 }
        }
        return 1024 + requestBody.count + (upstreamRequestBody?.count ?? 0)
            + upstreamEvents.approximateBytes + clientEvents.approximateBytes + relayDelays.count * 8
            + size(requestHeaders) + size(upstreamRequestHeaders) + size(upstreamResponseHeaders) + size(responseHeaders)
    }
}
