import NIOHTTP1

/// One request to the admin listener, with its query string decoded.
struct AdminRequest {
    var method: HTTPMethod
    var path: String
    var query: [String: String]
    var headers: HTTPHeaders
    var body: [UInt8]

    init(head: HTTPRequestHead, body: [UInt8]) {
        method = head.method
        headers = head.headers
        self.body = body
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        query = parts.count > 1 ? Self.decodeQuery(parts[1]) : [:]
    }

    /// `a=1&b=x%20y` → ["a": "1", "b": "x y"] (the last value of a repeated name wins).
    static func decodeQuery(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[percentDecode(parts[0])] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                if let high = iterator.next(), let low = iterator.next(),
                   let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One response from the admin listener.
struct AdminResponse {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ text: String, status: HTTPResponseStatus = .ok) -> AdminResponse {
        AdminResponse(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    static func json(_ bytes: [UInt8], status: HTTPResponseStatus = .ok) -> AdminResponse {
        AdminResponse(status: status, contentType: "application/json", body: bytes)
    }

    /// `{"error":{"message":…}}` with `status`.
    static func error(_ message: String, status: HTTPResponseStatus) -> AdminResponse {
        json(#"{"error":{"status":\#(status.code),"message":\#(JSONStringQuote.quote(message))}}"#, status: status)
    }
}

import JSONCore

/// JSON string quoting for admin responses.
enum JSONStringQuote {
    static func quote(_ text: String) -> String { JSONString.quoted(text) }
}
