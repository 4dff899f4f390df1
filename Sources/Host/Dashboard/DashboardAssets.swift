import HostAssets

/// The dashboard's HTML, CSS and JavaScript, shipped with the binary (the `HostAssets` resource folder next to it)
/// and read once at start-up. The page needs nothing from the internet.
struct DashboardAssets: Sendable {
    private let files: [String: (contentType: String, bytes: [UInt8])]

    /// Reads every file of `<executable dir>/lessllm_HostAssets.resources/dashboard`.
    init(executableDirectory: String) {
        let folder = "\(executableDirectory)/\(LESSLLM_HOST_ASSETS_FOLDER)/dashboard"
        var files: [String: (String, [UInt8])] = [:]
        for name in FileSystem.entries(in: folder) {
            guard let bytes = FileSystem.read("\(folder)/\(name)") else { continue }
            files[name] = (Self.contentType(of: name), bytes)
        }
        self.files = files
    }

    /// The file called `name` ("index.html", "app.js"…).
    func file(_ name: String) -> (contentType: String, bytes: [UInt8])? { files[name] }

    private static func contentType(of name: String) -> String {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        if name.hasSuffix(".json") { return "application/json" }
        return "application/octet-stream"
    }
}
