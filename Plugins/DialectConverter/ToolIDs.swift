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
    private static let signatureMarkerBytes: StaticString = "__gts_"

    /// An upstream OpenAI tool call id (and its Gemini thought signature, if any) as an Anthropic client sees it.
    static func anthropicID(forUpstreamOpenAI id: String, thoughtSignature: String? = nil) -> String {
        let visible = id.hasPrefix(anthropicPrefix) ? id : anthropicPrefix + id
        guard let thoughtSignature, !thoughtSignature.isEmpty else { return visible }
        return visible + signatureMarker + Base64URL.encode(Array(thoughtSignature.utf8))
    }

    /// An Anthropic client's tool id as sent to an OpenAI upstream, with the thought signature it carried.
    static func upstreamOpenAICall(fromClient id: String) -> (id: String, thoughtSignature: String?) {
        guard let marker = signatureMarkerRange(in: id) else { return (upstreamOpenAIID(fromClient: id), nil) }
        let signature = Base64URL.decode(id[marker.upperBound...]).map { String(decoding: $0, as: UTF8.self) }
        return (upstreamOpenAIID(fromClient: String(id[..<marker.lowerBound])), signature)
    }

    /// Where the first signature marker in `id` is, matched as whole characters.
    private static func signatureMarkerRange(in id: String) -> Range<String.Index>? {
        let utf8 = id.utf8
        // Ids are ASCII in practice, and there bytes are characters: a search over the contiguous bytes, without the
        // arrays of characters it once built. (This runs for every tool call and result of a conversation, on
        // every turn.)
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var copy = id
            guard let offset = copy.withUTF8({ firstOffset(of: signatureMarkerBytes, in: $0) }) else { return nil }
            let start = utf8.index(utf8.startIndex, offsetBy: offset)
            return start..<utf8.index(start, offsetBy: signatureMarkerBytes.utf8CodeUnitCount)
        }
        // Otherwise by character, so a combining mark after the marker's last `_` keeps it from matching.
        var start = id.startIndex
        while start < id.endIndex {
            if id[start...].starts(with: signatureMarker) {
                return start..<id.index(start, offsetBy: signatureMarker.count)
            }
            start = id.index(after: start)
        }
        return nil
    }

    /// The offset of the first occurrence of `needle` in `bytes`.
    private static func firstOffset(of needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard bytes.count >= pattern.count else { return nil }
        return (0...bytes.count - pattern.count).first { start in
            pattern.indices.allSatisfy { bytes[start + $0] == pattern[$0] }
        }
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
        func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-"
        }
        // Most ids need nothing replaced: then the id is returned as it is, without a copy.
        guard !stripped.unicodeScalars.allSatisfy(isAllowed) else { return stripped }
        var replaced = String.UnicodeScalarView()
        replaced.append(contentsOf: stripped.unicodeScalars.map { isAllowed($0) ? $0 : "_" })
        return String(replaced)
    }

    /// An id for a tool call the upstream sent without one: unique within the exchange and stable.
    static func generated(exchangeID: String, index: Int) -> String {
        "\(exchangeID)_\(index)"
    }

    private static func stripping(_ prefix: String, from id: String) -> String {
        // Byte counts compare like character counts here: the prefix matched whole characters.
        guard id.hasPrefix(prefix), id.utf8.count > prefix.utf8.count else { return id }
        return String(id.dropFirst(prefix.count))
    }
}
