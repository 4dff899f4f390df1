import JSONCore
import NIOHTTP1

/// What the gateway needs from a client's request body, read in one pass without building a document.
struct ClientRequest {
    /// The requested model.
    var model: String
    /// Whether the client asked for a streamed response.
    var stream: Bool
    /// Where the `model` value sits in the body.
    var modelRange: Range<Int>

    /// Validates the body as JSON and reads `model` and `stream`.
    /// - Throws: `GatewayError.invalidRequest` for malformed JSON, a non-object body, or a missing/non-string model.
    static func parse(_ body: [UInt8]) throws(GatewayError) -> ClientRequest {
        guard !body.isEmpty else { throw .invalidRequest("The request body is empty; expected a JSON object.") }
        let members: [JSONScanner.Member]
        do {
            members = try JSONScanner.topLevelMembers(in: body)
        } catch {
            throw .invalidRequest("The request body is not valid JSON: \(error)")
        }
        var modelRange: Range<Int>?
        var streamRange: Range<Int>?
        for member in members {
            switch member.key {
            case "model": modelRange = member.valueRange
            case "stream": streamRange = member.valueRange
            default: break
            }
        }
        guard let modelRange else {
            throw .invalidRequest("The request has no 'model'; say which model to use.", parameter: "model")
        }
        guard body[modelRange.lowerBound] == UInt8(ascii: "\""),
              let model = try? JSONScanner.decodeString(body[modelRange]), !model.isEmpty
        else { throw .invalidRequest("'model' must be a non-empty string.", parameter: "model") }
        var stream = false
        if let streamRange {
            // Compared in place: matching against `ArraySlice("true".utf8)` built (allocated) each literal.
            let value = body[streamRange]
            if value.elementsEqual("true".utf8) {
                stream = true
            } else if !value.elementsEqual("false".utf8) && !value.elementsEqual("null".utf8) {
                throw .invalidRequest("'stream' must be true or false.", parameter: "stream")
            }
        }
        return ClientRequest(model: model, stream: stream, modelRange: modelRange)
    }

    /// The body with the `model` value replaced by `model` (an alias); every other byte unchanged.
    func replacingModel(in body: [UInt8], with model: String) -> [UInt8] {
        var replacement: [UInt8] = []
        JSONString.encode(model, into: &replacement)
        var result = body
        result.replaceSubrange(modelRange, with: replacement)
        return result
    }

    /// Refuses bodies declared as something other than JSON (a missing content type is accepted).
    static func checkContentType(_ headers: HTTPHeaders) throws(GatewayError) {
        guard let type = headers.first(name: "content-type"), type != "application/json" else { return }
        let mediaType = type.split(separator: ";")[0].trimmingCharacters(in: " \t").lowercased()
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw .invalidRequest("Content-Type must be application/json, not '\(type)'.")
        }
    }

    /// The client's headers a plugin may see: everything but credentials and connection-level headers.
    static func forwardableHeaders(_ headers: HTTPHeaders) -> [(String, String)] {
        // Room for all of them up front: `compactMap` over the headers (a sequence of unknown length) grew the
        // array three or four times for a typical request.
        var forwardable: [(String, String)] = []
        forwardable.reserveCapacity(headers.count)
        for (name, value) in headers
        where !SensitiveHeaders.isCredential(name) && !ResponseHeaderPolicy.isConnectionLevel(name) {
            forwardable.append((name, value))
        }
        return forwardable
    }
}

/// Headers that carry credentials: never forwarded to plugins, never stored.
enum SensitiveHeaders {
    static let names = HeaderNameSet([
        "authorization", "x-api-key", "api-key", "proxy-authorization", "cookie", "set-cookie",
    ])

    static func isCredential(_ name: String) -> Bool { names.contains(name) }
}

extension StringProtocol {
    /// The string without leading and trailing characters from `characters`.
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        guard let start = firstIndex(where: { !set.contains($0) }), let end = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[start...end])
    }
}
