/// Where a listener binds: `host:port`, with IPv6 hosts in brackets (`[::1]:8000`). A host is always required
/// (`0.0.0.0:8000` listens on every IPv4 interface); port 0 asks the system for a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host: an IPv4 address, an IPv6 address (without brackets) or a host name.
    public let host: String
    /// The port, 0…65535.
    public let port: Int
    /// Where the address is written; nil for a default.
    public let mark: Mark?

    /// Creates an address.
    public init(host: String, port: Int, mark: Mark? = nil) {
        self.host = host
        self.port = port
        self.mark = mark
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the host is loopback (`127.0.0.0/8`, `::1`, `localhost`), i.e. unreachable from other machines.
    public var isLoopback: Bool { IPNetwork.isLoopback(host) }

    /// Parses `host:port`; nil when the host is missing or invalid or the port is not 0…65535.
    static func parse(_ text: String, mark: Mark? = nil) -> ListenAddress? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            guard host.contains(":"), IPNetwork.addressBytes(String(host)) != nil else { return nil }
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            guard !host.contains(":"), isValidHost(host) else { return nil }
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65_535
        else { return nil }
        return ListenAddress(host: String(host), port: port, mark: mark)
    }

    /// Why `text` is not an address, when a hint helps more than the generic message.
    static func hint(for text: String) -> String? {
        if !text.hasPrefix("["), text.filter({ $0 == ":" }).count > 1 {
            return "write an IPv6 host in brackets, e.g. [::1]:8000"
        }
        if text.hasPrefix(":") { return "a host is required; use 0.0.0.0\(text) to listen on every interface" }
        return nil
    }

    /// An IPv4 address or a DNS host name (labels of letters, digits and `-`).
    private static func isValidHost(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
            return IPNetwork.addressBytes(String(host))?.count == 4
        }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
