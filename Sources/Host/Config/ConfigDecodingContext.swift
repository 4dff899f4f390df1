/// What every decoding step needs: the file name for errors and the directories relative paths resolve against.
struct ConfigDecodingContext: Sendable {
    /// The configuration file as the user named it.
    let sourceName: String
    /// The directory of the configuration file: `plugins.folder` and `recording.journal` resolve against it.
    let baseDirectory: String
    /// The directory of the `lessllm` executable: `plugins.files` resolve against it.
    let executableDirectory: String
    /// The environment, for `~/` in paths (`HOME`).
    let environment: [String: String]

    /// An error at `mark` in this file.
    func error(_ kind: ConfigError.Kind, _ message: String, at mark: Mark?) -> ConfigError {
        ConfigError(kind, message, sourceName: sourceName, mark: mark)
    }

    /// `path: expected <expected>, got <value>`, at the value.
    func invalid(_ path: String, expected: String, got node: YAMLNode, hint: String? = nil) -> ConfigError {
        let suffix = hint.map { " (\($0))" } ?? ""
        return error(.invalidValue, "\(path): expected \(expected), got \(node.summary)\(suffix)", at: node.mark)
    }

    /// Makes `path` absolute: `/…` stays, `~/…` starts at `HOME`, anything else is joined to `directory`.
    /// `.` segments and repeated slashes are removed; `..` is kept (symbolic links make folding it unsafe).
    /// - Throws: `ConfigError` (`.invalidValue`) for an empty path or `~/` without `HOME`.
    func resolve(_ path: String, against directory: String, keyPath: String, at mark: Mark) throws(ConfigError)
        -> String
    {
        let joined: String
        if path.hasPrefix("/") {
            joined = path
        } else if path == "~" || path.hasPrefix("~/") {
            guard let home = environment["HOME"], !home.isEmpty else {
                throw error(.invalidValue, "\(keyPath): cannot expand '~' because HOME is not set", at: mark)
            }
            joined = home + "/" + path.dropFirst()
        } else {
            joined = directory + "/" + path
        }
        let segments = joined.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let normalized = "/" + segments.joined(separator: "/")
        return joined.hasPrefix("/") ? normalized : String(normalized.dropFirst())
    }
}
