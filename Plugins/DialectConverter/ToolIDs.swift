/// Tool call ids across the dialects: reversible, and the same function for a tool call and for its result, so
/// the two always stay paired.
///
/// Responses put ids into the client's style by adding a prefix: an OpenAI id `X` reaches an Anthropic client as
/// `toolu_X`, an Anthropic id `Y` reaches an OpenAI client as `call_Y` (ids that already carry the prefix are left
/// alone). When the client sends the conversation back, requests strip that prefix again, so the upstream sees
/// exactly the ids it produced: `toolu_call_abc` → `call_abc` for an OpenAI upstream, `call_toolu_01` → `toolu_01`
/// for an Anthropic one. Anthropic only accepts ids of `[A-Za-z0-9_-]`; any other character in an id bound for an
/// Anthropic upstream becomes `_` (deterministically, so call and result still match).
///
/// THREAD: pure functions.
enum ToolIDs {
    /// The prefix of Anthropic tool ids.
    static let anthropicPrefix = "toolu_"
    /// The prefix of OpenAI tool call ids.
    static let openAIPrefix = "call_"

    /// Separates a tool id from the thought signature carried in it.
    static let signatureMarker = "__gts_"

    /// An upstream OpenAI tool call id (and its Gemini thought signature, if any) as an Anthropic client sees it.
    static func anthropicID(forUpstreamOpenAI id: String, thoughtSignature: String? = nil) -> String {
        let visible = id.hasPrefix(anthropicPrefix) ? id : anthropicPrefix + id
        guard let thoughtSignature, !thoughtSignature.isEmpty else { return visible }
        return visible + signatureMarker + Base64URL.encode(Array(thoughtSignature.utf8))
    }

    /// An Anthropic client's tool id as sent to an OpenAI upstream, with the thought signature it carried.
    static func upstreamOpenAICall(fromClient id: String) -> (id: String, thoughtSignature: String?) {
        let characters = Array(id)
        let marker = Array(signatureMarker)
        guard let start = (0...max(0, characters.count - marker.count)).first(where: {
            characters.count >= marker.count && Array(characters[$0..<$0 + marker.count]) == marker
        }) else { return (upstreamOpenAIID(fromClient: id), nil) }
        let signature = Base64URL.decode(String(characters[(start + marker.count)...]))
            .map { String(decoding: $0, as: UTF8.self) }
        return (upstreamOpenAIID(fromClient: String(characters[..<start])), signature)
    }

    /// An upstream Anthropic tool_use id as an OpenAI client sees it.
    static func openAIID(forUpstreamAnthropic id: String) -> String {
        id.hasPrefix(openAIPrefix) ? id : openAIPrefix + id
    }

    /// An Anthropic client's tool id as sent to an OpenAI upstream: the `toolu_` prefix we added is removed.
    static func upstreamOpenAIID(fromClient id: String) -> String {
        stripping(anthropicPrefix, from: id)
    }

    /// An OpenAI client's tool call id as sent to an Anthropic upstream: the `call_` prefix we added is removed and
    /// characters Anthropic refuses are replaced.
    static func upstreamAnthropicID(fromClient id: String) -> String {
        let stripped = stripping(openAIPrefix, from: id)
        let allowed = stripped.unicodeScalars.map { scalar -> Character in
            let isAllowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-"
            return isAllowed ? Character(scalar) : "_"
        }
        return String(allowed)
    }

    /// An id for a tool call the upstream sent without one: unique within the exchange and stable.
    static func generated(exchangeID: String, index: Int) -> String {
        "\(exchangeID)_\(index)"
    }

    private static func stripping(_ prefix: String, from id: String) -> String {
        guard id.hasPrefix(prefix), id.count > prefix.count else { return id }
        return String(id.dropFirst(prefix.count))
    }
}
