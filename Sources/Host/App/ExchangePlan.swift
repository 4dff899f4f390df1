/// How one request travels: the provider op it opens with (the request converted when the provider speaks
/// another dialect) and the response converters its output passes through on the way back.
struct ExchangePlan {
    var provider: (PluginInstance, OpenRequest)
    var responseConverters: [(PluginInstance, OpenRequest)]
    /// The dialect spoken upstream.
    var upstreamDialect: Dialect

    /// Plans the exchange. Same dialect: the body goes upstream unchanged (only `model` rewritten for an alias).
    /// Different dialects: a converter rewrites the request now, and converts the response on its way back.
    /// - Throws: `GatewayError` when no loaded converter serves the pair, or the converter refuses the request.
    static func make(
        client: Dialect, provider: ProviderEntry, registry: PluginRegistry, body: [UInt8], parsed: ClientRequest,
        route: ModelRouter.Resolution, headers: [(String, String)], exchangeID: String
    ) throws(GatewayError) -> ExchangePlan {
        func open(_ op: String, _ body: [UInt8]) -> OpenRequest {
            OpenRequest(op: op, body: body, model: route.upstreamModel, headers: headers, exchangeID: exchangeID,
                        isStream: parsed.stream)
        }
        if provider.dialects.contains(client) {
            let upstreamBody = route.isAliased ? parsed.replacingModel(in: body, with: route.upstreamModel) : body
            return ExchangePlan(provider: (provider.instance, open("provider:" + client.rawValue, upstreamBody)),
                                responseConverters: [], upstreamDialect: client)
        }
        let upstream = provider.dialects[0]
        let requestOp = "request:\(client.rawValue)->\(upstream.rawValue)"
        let responseOp = "response:\(upstream.rawValue)->\(client.rawValue)"
        guard let requestConverter = registry.converter(serving: requestOp),
              let responseConverter = registry.converter(serving: responseOp)
        else {
            throw .unsupported("Model '\(parsed.model)' is served by provider '\(provider.name)', which speaks "
                               + "\(upstream.rawValue); no converter for \(client.rawValue) → \(upstream.rawValue) "
                               + "is configured.")
        }
        let converted = try OneShotOperation.run(requestConverter, open(requestOp, body))
        return ExchangePlan(
            provider: (provider.instance, open("provider:" + upstream.rawValue, converted)),
            responseConverters: [(responseConverter, open(responseOp, body))], upstreamDialect: upstream)
    }
}
