#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address or CIDR block (`10.0.0.0/8`, `::1`, `fd00::/8`), as used by `listen.trusted_proxies`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address: 4 bytes (IPv4) or 16 (IPv6), host bits cleared.
    public let address: [UInt8]
    /// The number of leading bits that must match: 32 or 128 for a single address.
    public let prefixLength: Int
    /// The text as written.
    public let text: String

    /// The text as written.
    public var description: String { text }

    /// Parses `address` or `address/prefix`; nil when either part is invalid or the prefix is out of range.
    public static func parse(_ text: String) -> IPNetwork? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard var bytes = addressBytes(String(parts[0])) else { return nil }
        var prefix = bytes.count * 8
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let length = Int(parts[1]), length <= prefix
            else { return nil }
            prefix = length
        }
        for index in bytes.indices {
            let keep = min(8, max(0, prefix - index * 8))
            bytes[index] &= keep == 0 ? 0 : ~UInt8(0) << (8 - keep)
        }
        return IPNetwork(address: bytes, prefixLength: prefix, text: text)
    }

    /// Whether `address` (an IP address in text form) lies in this network. An IPv4-mapped IPv6 address
    /// (`::ffff:10.1.2.3`) matches IPv4 networks. Thread: any.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.addressBytes(address) else { return false }
        if bytes.count == 16, self.address.count == 4, bytes.prefix(12) == Self.ipv4MappedPrefix[...] {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == self.address.count else { return false }
        var remaining = prefixLength
        for index in bytes.indices where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~UInt8(0) << (8 - remaining)
            if bytes[index] & mask != self.address[index] { return false }
            remaining -= 8
        }
        return true
    }

    /// Whether `host` (an IP address or host name) is a loopback address: `localhost`, `127.0.0.0/8` or `::1`
    /// (also IPv4-mapped).
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        return loopbackNetworks.contains { $0.contains(host) }
    }

    private static let loopbackNetworks = [IPNetwork.parse("127.0.0.0/8")!, IPNetwork.parse("::1")!]
    private static let ipv4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// The bytes of an IPv4 (dotted quad) or IPv6 address; nil for anything else (host names, zone ids).
    static func addressBytes(_ text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let family = text.contains(":") ? AF_INET6 : AF_INET
        let ok = buffer.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        guard ok == 1 else { return nil }
        return family == AF_INET6 ? buffer : Array(buffer.prefix(4))
    }
}
