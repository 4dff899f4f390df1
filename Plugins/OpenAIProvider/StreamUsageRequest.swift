import JSONCore
import PluginKit

/// Makes a streamed Chat Completions request ask for usage (`stream_options.include_usage: true`), editing only
/// the bytes that must change, and says whether the client had not asked for it (so the extra usage chunk must
/// not reach the client).
enum StreamUsageRequest {
    /// - Returns: the body to send, and whether the usage-only chunk must be held back from the client.
    /// - Throws: `JSONError` when the body is not a JSON object (the host has validated it, so this is rare).
    static func ensureUsage(in body: [UInt8]) throws(JSONError) -> (body: [UInt8], holdBackUsageChunk: Bool) {
        guard let options = try JSONScanner.topLevelValue(forKey: "stream_options", in: body) else {
            return (insertMember(#""stream_options":{"include_usage":true}"#, intoObjectAt: firstByte(of: body), in: body), true)
        }
        switch body[options.lowerBound] {
        case UInt8(ascii: "{"):
            if let flag = try JSONScanner.find(path: "stream_options.include_usage", in: body) {
                if body[flag] == ArraySlice("true".utf8) { return (body, false) }
                return (replacing(flag, with: "true", in: body), true)
            }
            return (insertMember(#""include_usage":true"#, intoObjectAt: options.lowerBound, in: body), true)
        default:  // null (or a wrong type, which the upstream will reject as it would have anyway)
            return (replacing(options, with: #"{"include_usage":true}"#, in: body), true)
        }
    }

    /// Whether an event is the usage-only chunk (`"choices":[]` with a `usage` object).
    static func isUsageOnlyChunk(_ data: UnsafeRawBufferPointer) -> Bool {
        // Runs on every event: only chunks that mention usage get the one scan of their members.
        guard data.first == UInt8(ascii: "{"), ByteSearch.contains(data, #""usage""#),
              let members = try? JSONScanner.topLevelMembers(in: data),
              let choices = members.last(where: { $0.key == "choices" })?.valueRange,
              let usage = members.last(where: { $0.key == "usage" })?.valueRange,
              data[usage.lowerBound] == UInt8(ascii: "{")
        else { return false }
        let list = data[choices]
        return list.count >= 2 && list.dropFirst().dropLast().allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    private static func firstByte(of body: [UInt8]) -> Int {
        body.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } ?? 0
    }

    /// Inserts `member` as the first member of the object whose `{` is at `brace`.
    private static func insertMember(_ member: String, intoObjectAt brace: Int, in body: [UInt8]) -> [UInt8] {
        let afterBrace = brace + 1
        let next = body[afterBrace...].firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        let isEmpty = next.map { body[$0] == UInt8(ascii: "}") } ?? true
        var result = body
        result.insert(contentsOf: Array((isEmpty ? member : member + ",").utf8), at: afterBrace)
        return result
    }

    private static func replacing(_ range: Range<Int>, with text: String, in body: [UInt8]) -> [UInt8] {
        var result = body
        result.replaceSubrange(range, with: Array(text.utf8))
        return result
    }
}
