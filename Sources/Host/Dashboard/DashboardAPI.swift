import JSONCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The admin listener's routes: the dashboard page and its JSON API (documented in docs/dashboard-api.md).
///
/// Every API call becomes one `sink:query` on the first sink that answers queries; queries may block, so they run
/// on a small thread pool, never on an event loop.
final class DashboardAPI: Sendable {
    private let sink: PluginInstance?
    private let assets: DashboardAssets
    private let access: AdminAccess
    private let pool: NIOThreadPool
    private let info: String

    init(sink: PluginInstance?, assets: DashboardAssets, access: AdminAccess, pool: NIOThreadPool, info: String) {
        self.sink = sink
        self.assets = assets
        self.access = access
        self.pool = pool
        self.info = info
    }

    /// Answers one request (on `eventLoop`).
    func respond(to request: AdminRequest, on eventLoop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let decision = access.decide(request)
        if case .forbidden(let reason) = decision {
            return eventLoop.makeSucceededFuture(.error(reason, status: .forbidden))
        }
        // The page's own files hold no data: they load without the token, so the page can ask for it.
        let isPageFile = request.method == .GET && !request.path.hasPrefix("/api/")
        guard decision != .denied || isPageFile else {
            return eventLoop.makeSucceededFuture(.error(
                "This dashboard needs the admin token: send 'Authorization: Bearer <token>' or open it once with "
                    + "?token=<token>.", status: .unauthorized))
        }
        return route(request, on: eventLoop).map { response in
            guard case .allowedSettingCookie(let cookie) = decision else { return response }
            var response = response
            response.headers.append(("set-cookie", cookie))
            return response
        }
    }

    private func route(_ request: AdminRequest, on eventLoop: any EventLoop) -> EventLoopFuture<AdminResponse> {
        let segments = request.path.split(separator: "/").map(String.init)
        switch (request.method, segments.first, segments.count) {
        case (.GET, nil, _), (.GET, "requests", _), (.GET, "sql", _):
            return eventLoop.makeSucceededFuture(asset("index.html"))
        case (.GET, "assets", 2):
            return eventLoop.makeSucceededFuture(asset(segments[1]))
        case (.GET, "api", 2) where segments[1] == "info":
            return eventLoop.makeSucceededFuture(.json(info))
        case (.GET, "api", 2) where segments[1] == "exchanges":
            return query(on: eventLoop) { () throws(GatewayError) in try DashboardQueries.list(request.query) }
        case (.GET, "api", 3) where segments[1] == "exchanges":
            return query(on: eventLoop) { DashboardQueries.get(segments[2]) }
        case (.GET, "api", 2) where segments[1] == "stats":
            return query(on: eventLoop) { () throws(GatewayError) in try DashboardQueries.stats(request.query) }
        case (.POST, "api", 2) where segments[1] == "sql":
            if let refusal = Self.nonJSONRefusal(request) { return eventLoop.makeSucceededFuture(refusal) }
            return query(on: eventLoop) { () throws(GatewayError) in try DashboardQueries.sql(request.body) }
        default:
            return eventLoop.makeSucceededFuture(.error("No route \(request.method.rawValue) \(request.path).",
                                                        status: .notFound))
        }
    }

    /// A 415 unless `request` declares a JSON body. A web page may POST `text/plain` anywhere without asking first;
    /// for `application/json` the browser must ask the listener (a CORS preflight), which it never grants.
    private static func nonJSONRefusal(_ request: AdminRequest) -> AdminResponse? {
        let declared = request.headers.first(name: "content-type")
        let mediaType = declared.map { $0.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }.lowercased() }
        if mediaType == "application/json" { return nil }
        return .error("POST /api/sql takes a JSON body: send 'Content-Type: application/json' (this request sent "
            + (declared.map { "'\($0)'" } ?? "none") + ").", status: .unsupportedMediaType)
    }

    private func asset(_ name: String) -> AdminResponse {
        guard let file = assets.file(name) else { return .error("No such file: \(name).", status: .notFound) }
        return AdminResponse(status: .ok, contentType: file.contentType, body: file.bytes, headers: [
            ("cache-control", "no-cache"),
            ("content-security-policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
            ("x-frame-options", "DENY"),
        ])
    }

    /// Builds the sink query (bad parameters → 400 right away) and runs it on the pool.
    private func query(on eventLoop: any EventLoop, _ build: () throws(GatewayError) -> JSONValue)
        -> EventLoopFuture<AdminResponse> {
        let body: [UInt8]
        do {
            body = try build().serializedBytes()
        } catch {
            return eventLoop.makeSucceededFuture(.error(error.message, status: .badRequest))
        }
        guard let sink else {
            return eventLoop.makeSucceededFuture(.error("No configured sink answers queries (sink:query).",
                                                        status: .serviceUnavailable))
        }
        return pool.runIfActive(eventLoop: eventLoop) {
            Self.run(sink, body)
        }
    }

    private static func run(_ sink: PluginInstance, _ body: [UInt8]) -> AdminResponse {
        do {
            return .json(try OneShotOperation.run(sink, OpenRequest(op: "sink:query", body: body)))
        } catch {
            return .error(error.message, status: HTTPResponseStatus(statusCode: error.status))
        }
    }
}
