/// Tool names for OpenAI-compatible upstreams, which allow 64 characters where Anthropic allows 128: Claude Code's MCP
/// tools (`mcp__<server>__<tool>`) are often longer. A longer name goes upstream shortened — its first characters and
/// a hash of the whole, so it stays unique and is the same in every request of a conversation — and the answer's
/// tool calls get the client's own name back, found again from the tools the client's request lists.
enum ToolNames {
    /// The longest function name OpenAI accepts.
    static let openAILimit = 64
    private static let hashDigits = 8

    /// `name` as an OpenAI-compatible upstream may take it: as it is when short enough, else
    /// `<first 55 characters>_<8 hex digits of a hash of the whole name>`.
    static func forOpenAI(_ name: String) -> String {
        guard name.utf8.count > openAILimit else { return name }
        let prefix = String(decoding: name.utf8.prefix(openAILimit - hashDigits - 1), as: UTF8.self)
        return prefix + "_" + StableDigest.hex(StableDigest.fnv1a(name), digits: hashDigits)
    }

    /// Client names by the shortened names they went upstream as (only names that were shortened).
    static func originals(of clientNames: [String]) -> [String: String] {
        var originals: [String: String] = [:]
        for name in clientNames where name.utf8.count > openAILimit { originals[forOpenAI(name)] = name }
        return originals
    }
}
