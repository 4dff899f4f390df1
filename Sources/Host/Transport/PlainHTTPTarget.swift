/// Where a plain `http://` upstream request goes: the host and port to connect to, and the request target.
///
/// Only the URLs the event-loop client takes are parsed here; anything else (`https://`, credentials in the URL, a
/// malformed authority) is nil and goes to libcurl, which has the full URL grammar. Parsed as bytes: this runs for
/// every request.
struct PlainHTTPTarget: Equatable {
    /// Host name or IP address as written, without brackets for IPv6.
    var host: String
    var port: Int
    /// The `Host` header's value: the authority as written in the URL.
    var authority: String
    /// Path and query, at least `/`.
    var requestTarget: String

    /// The connection pool's key: connections are reused only for the same host and port.
    var poolKey: String { authority }

    init?(url: String) {
        var url = url
        guard let parsed = url.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    private init(host: String, port: Int, authority: String, requestTarget: String) {
        self.host = host
        self.port = port
        self.authority = authority
        self.requestTarget = requestTarget
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> PlainHTTPTarget? {
        let scheme = "http://".utf8
        guard bytes.starts(with: scheme) else { return nil }
        let authorityStart = scheme.count
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count {
            let byte = bytes[authorityEnd]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            // Credentials, spaces and percent-encoding in the authority are left to libcurl.
            if byte == UInt8(ascii: "@") || byte == UInt8(ascii: "%") || byte <= 0x20 { return nil }
            authorityEnd += 1
        }
        guard authorityEnd > authorityStart else { return nil }

        var hostRange = authorityStart..<authorityEnd
        var portStart: Int?
        if bytes[authorityStart] == UInt8(ascii: "[") {
            guard let close = (authorityStart..<authorityEnd).first(where: { bytes[$0] == UInt8(ascii: "]") }) else { return nil }
            hostRange = authorityStart + 1..<close
            if close + 1 < authorityEnd {
                guard bytes[close + 1] == UInt8(ascii: ":") else { return nil }
                portStart = close + 2
            }
        } else if let colon = (authorityStart..<authorityEnd).first(where: { bytes[$0] == UInt8(ascii: ":") }) {
            hostRange = authorityStart..<colon
            portStart = colon + 1
        }
        guard !hostRange.isEmpty else { return nil }
        var port = 80
        if let portStart {
            guard portStart < authorityEnd, authorityEnd - portStart <= 5 else { return nil }
            port = 0
            for index in portStart..<authorityEnd {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                port = port * 10 + Int(digit)
            }
            guard (1...65535).contains(port) else { return nil }
        }

        var targetEnd = authorityEnd
        while targetEnd < bytes.count && bytes[targetEnd] != UInt8(ascii: "#") { targetEnd += 1 }
        let target: String
        if targetEnd == authorityEnd {
            target = "/"
        } else if bytes[authorityEnd] == UInt8(ascii: "?") {
            target = "/" + text(bytes, authorityEnd..<targetEnd)
        } else {
            target = text(bytes, authorityEnd..<targetEnd)
        }
        return PlainHTTPTarget(host: text(bytes, hostRange), port: port,
                               authority: text(bytes, authorityStart..<authorityEnd), requestTarget: target)
    }

    private static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
