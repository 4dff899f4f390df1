/// One entry of `routes:`. Routes are tried in file order and the first match wins; the default route (at most
/// one) is consulted only when no other route matched.
public struct RouteConfig: Sendable, Equatable, CustomStringConvertible {
    /// What a route matches.
    public enum Match: Sendable, Hashable {
        /// A model name or glob.
        case model(ModelPattern)
        /// Anything, when no other route matched (`default: true`).
        case fallback
    }

    /// What the route matches.
    public let match: Match
    /// The name of the provider instance it sends to (checked against `providers:`).
    public let provider: String
    /// Where the provider name is written.
    public let providerMark: Mark
    /// The model name sent upstream instead of the requested one (an alias); nil sends the requested name.
    public let upstreamModel: String?
    /// Where the route starts.
    public let mark: Mark

    /// Whether this is the default route.
    public var isDefault: Bool { match == .fallback }

    /// `model → provider` (with the upstream name if aliased).
    public var description: String {
        let left = switch match {
        case .model(let pattern): pattern.text
        case .fallback: "(default)"
        }
        return "\(left) → \(provider)" + (upstreamModel.map { " as \($0)" } ?? "")
    }

    /// Whether a request for `model` takes this route (always true for the default route). Thread: any.
    public func matches(_ model: String) -> Bool {
        switch match {
        case .model(let pattern): pattern.matches(model)
        case .fallback: true
        }
    }

    /// The model name to send upstream for a request of `requestedModel`. Thread: any.
    public func upstreamModel(for requestedModel: String) -> String {
        upstreamModel ?? requestedModel
    }

    /// The keys valid in a route.
    static let keys = ["model", "default", "provider", "upstream_model"]

    /// Decodes `routes:` against the decoded providers.
    /// - Throws: `ConfigError` for a route that is not a mapping, has neither or both of `model` and `default: true`,
    ///   names an unknown provider, repeats an earlier pattern, or is a second default.
    static func decodeAll(_ mapping: ConfigMapping, providers: [ProviderConfig]) throws(ConfigError)
        -> [RouteConfig]
    {
        let context = mapping.context
        guard let items = try mapping.list("routes", expected: "a list of routes") else { return [] }
        var routes: [RouteConfig] = []
        for (index, item) in items.enumerated() {
            let path = "\(mapping.path("routes"))[\(index)]"
            guard case .mapping = item else {
                throw context.invalid(path, expected: "a mapping with 'model' and 'provider'", got: item)
            }
            let route = try decode(ConfigMapping(item, path: path, keys: keys, context: context), providers: providers)
            for earlier in routes where earlier.match == route.match {
                let reason = switch route.match {
                case .fallback: "only one route may be the default"
                case .model(let pattern): "model '\(pattern.text)' is already routed, and the first match wins"
                }
                throw context.error(.conflict, "\(path): \(reason) (earlier route at line \(earlier.mark.line), "
                                    + "column \(earlier.mark.column))", at: route.mark)
            }
            routes.append(route)
        }
        return routes
    }

    private static func decode(_ mapping: ConfigMapping, providers: [ProviderConfig]) throws(ConfigError)
        -> RouteConfig
    {
        let context = mapping.context
        let model = try mapping.value("model", expected: "a model name or glob such as \"gpt-*\"") {
            $0.isEmpty ? nil : ModelPattern($0)
        }
        let isDefault = try mapping.bool("default")
        if let isDefault, isDefault.value, model != nil {
            throw context.error(.conflict, "\(mapping.path): a route has either 'model' or 'default: true', not both",
                                at: isDefault.mark)
        }
        guard model != nil || isDefault?.value == true else {
            throw context.error(.missingKey, "\(mapping.path): a route needs 'model' (a name or glob such as "
                                + "\"gpt-*\") or 'default: true'", at: mapping.mark)
        }
        let provider = try mapping.required("provider", expected: "the name of a provider under 'providers'") {
            $0.isEmpty ? nil : $0
        }
        let names = providers.map(\.name)
        if !names.contains(provider.value) {
            let hint = KeySuggestion.suggestion(for: provider.value, among: names).map { "did you mean '\($0)'?" }
                ?? (names.isEmpty ? "no providers are defined" : "defined: \(names.joined(separator: ", "))")
            throw context.error(.invalidReference, "\(mapping.path("provider")): no provider named "
                                + "'\(provider.value)' (\(hint))", at: provider.mark)
        }
        return RouteConfig(match: model.map { .model($0.value) } ?? .fallback, provider: provider.value,
                           providerMark: provider.mark, upstreamModel: try mapping.string("upstream_model")?.value,
                           mark: mapping.mark)
    }
}
