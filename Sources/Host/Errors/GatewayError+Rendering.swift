import JSONCore

extension GatewayError {
    /// The error as a response body in `dialect`'s own shape, e.g.
    /// OpenAI `{"error":{"message":…,"type":…,"param":…,"code":…}}`,
    /// Anthropic `{"type":"error","error":{"type":…,"message":…}}`.
    public func body(for dialect: Dialect) -> String {
        switch dialect {
        case .openAIChat:
            let param = parameter.map(JSONString.quoted) ?? "null"
            let code = openAICode.map(JSONString.quoted) ?? "null"
            return "{\"error\":{\"message\":\(JSONString.quoted(message)),\"type\":\"\(openAIType)\","
                + "\"param\":\(param),\"code\":\(code)}}"
        case .anthropicMessages:
            return "{\"type\":\"error\",\"error\":{\"type\":\"\(anthropicType)\",\"message\":\(JSONString.quoted(message))}}"
        }
    }

    /// The error as one SSE event that ends a stream already under way, in `dialect`'s shape
    /// (Anthropic: `event: error`; OpenAI: a `data:` chunk holding an error object, which the SDKs raise).
    public func streamEvent(for dialect: Dialect) -> String {
        switch dialect {
        case .openAIChat: "data: \(body(for: dialect))\n\n"
        case .anthropicMessages: "event: error\ndata: \(body(for: dialect))\n\n"
        }
    }
}
