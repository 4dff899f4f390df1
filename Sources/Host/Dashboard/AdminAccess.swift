import NIOHTTP1

/// Who may use the admin listener. With a token: only requests that carry it — `Authorization: Bearer <token>`, the
/// `lessllm_admin` cookie, or `?token=` (which sets the cookie, so a browser opens the dashboard with the token
/// once). Without one (a loopback bind): everyone on this machine, except requests that web pages make
/// (`crossSiteRefusal` in AdminAccess+CrossSite.swift).
struct AdminAccess: Sendable {
    static let cookieName = "lessllm_admin"
    let token: String?
    /// The host the admin listener is configured on (`listen.admin`); `Host` may name it besides loopback hosts.
    let listenHost: String

    enum Decision: Equatable {
        case allowed
        /// Allowed through `?token=`: remember it in a cookie.
        case allowedSettingCookie(String)
        case denied
        /// Refused without a token because a web page, not the operator, may have made the request (why, in words).
        case forbidden(String)
    }

    func decide(_ request: AdminRequest) -> Decision {
        guard let token, !token.isEmpty else { return crossSiteRefusal(request).map(Decision.forbidden) ?? .allowed }
        if let header = request.headers.first(name: "authorization"), header.hasPrefix("Bearer "),
           Self.constantTimeEquals(String(header.dropFirst(7)), token) {
            return .allowed
        }
        for cookies in request.headers["cookie"] {
            for cookie in cookies.split(separator: ";") {
                let parts = cookie.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " ") }
                if parts.count == 2, parts[0] == Self.cookieName, Self.constantTimeEquals(parts[1], token) {
                    return .allowed
                }
            }
        }
        if let given = request.query["token"], Self.constantTimeEquals(given, token) {
            return .allowedSettingCookie("\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict")
        }
        return .denied
    }

    /// Compares without leaking where the first difference is.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
