import Foundation

/// Writes plugins.yaml files for tests, with the in-tree plugins by absolute path.
enum TestConfig {
    /// A configuration file in `folder` whose plugin folder is `pluginsFolder`, with `body` appended.
    static func write(
        in folder: URL, pluginsFolder: URL? = nil, files: [String] = ["OpenAIProvider", "ClaudeProvider", "SQLiteSink"],
        body: String
    ) throws -> URL {
        let list = files.map { "\"\(TestPaths.plugin($0))\"" }.joined(separator: ", ")
        let text = """
        listen: { proxy: "127.0.0.1:0", admin: "off" }
        plugins:
          files: [\(list)]
          folder: "\(pluginsFolder?.path ?? folder.appendingPathComponent("no-plugins").path)"
        \(body)
        """
        let url = folder.appendingPathComponent("plugins.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
