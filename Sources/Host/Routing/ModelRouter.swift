/// Picks the provider for a requested model: the configured routes in order (exact names and globs), first match
/// wins; the default route only when nothing else matched.
public struct ModelRouter: Sendable {
    /// Where a request goes.
    public struct Resolution: Sendable, Equatable {
        /// The provider instance name.
        public var provider: String
        /// The model name to send upstream.
        public var upstreamModel: String
        /// Whether the upstream name differs from the requested one.
        public var isAliased: Bool
    }

    private let routes: [RouteConfig]
    private let defaultRoute: RouteConfig?

    /// - Parameter routes: in priority order, as configured; the default route may stand anywhere.
    public init(routes: [RouteConfig]) {
        self.routes = routes.filter { !$0.isDefault }
        self.defaultRoute = routes.first { $0.isDefault }
    }

    /// The route for `model`, or nil when none matches and there is no default.
    public func resolve(_ model: String) -> Resolution? {
        guard let route = routes.first(where: { $0.matches(model) }) ?? defaultRoute else { return nil }
        let upstream = route.upstreamModel(for: model)
        return Resolution(provider: route.provider, upstreamModel: upstream, isAliased: upstream != model)
    }

    /// The exact (non-glob) model names the routes list, in order, for `/v1/models`.
    public var listedModels: [String] {
        var seen = Set<String>()
        return routes.compactMap { route -> String? in
            guard case .model(let pattern) = route.match, !pattern.isGlob else { return nil }
            return seen.insert(pattern.text).inserted ? pattern.text : nil
        }
    }
}
