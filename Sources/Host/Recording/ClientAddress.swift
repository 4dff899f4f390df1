/// The client's IP address: the peer's, or — when the peer is a trusted proxy — the nearest untrusted address in
/// its `X-Forwarded-For` chain.
enum ClientAddress {
    /// - Parameters:
    ///   - peer: the connection's peer address as text (formatted once per connection: ~2,800 instructions).
    ///   - forwardedFor: the request's `X-Forwarded-For` values, read only when the peer is a trusted proxy.
    static func resolve(peer: String, forwardedFor: @autoclosure () -> [String], trusted: [IPNetwork]) -> String {
        guard !trusted.isEmpty, trusted.contains(where: { $0.contains(peer) }) else { return peer }
        // Walk the chain from the nearest hop back; the first address we do not trust is the client.
        let chain = forwardedFor().flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: " \t") }
        for address in chain.reversed() where !address.isEmpty {
            if !trusted.contains(where: { $0.contains(address) }) { return address }
        }
        return chain.first { !$0.isEmpty } ?? peer
    }
}
