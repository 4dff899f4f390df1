/// The `plugins:` section: which plugin files the host loads.
public struct PluginSources: Sendable, Equatable {
    /// One plugin file named in `plugins.files`.
    public struct File: Sendable, Hashable {
        /// The absolute (or executable-relative, resolved) path.
        public let path: String
        /// Where the file is named.
        public let mark: Mark
    }

    /// The folder whose `*.so` files are all loaded, resolved against the configuration file's directory
    /// (default `plugins.d`). A missing folder is not an error: it contributes no plugins.
    public var folder: String
    /// Where the folder is named; nil for the default.
    public var folderMark: Mark?
    /// Files loaded in addition, in order (default none); relative paths resolve against the directory of the
    /// `lessllm` executable.
    public var files: [File] = []

    /// The keys valid in `plugins:`.
    static let keys = ["folder", "files"]
    /// The folder used when none is configured.
    static let defaultFolder = "plugins.d"

    /// Decodes `plugins:`; nil gives the defaults.
    /// - Throws: `ConfigError` for unknown keys, paths that are not strings, or a file listed twice.
    static func decode(_ mapping: ConfigMapping?, context: ConfigDecodingContext) throws(ConfigError)
        -> PluginSources
    {
        let rootMark = Mark(line: 1, column: 1)
        var sources = PluginSources(folder: try context.resolve(defaultFolder, against: context.baseDirectory,
                                                                keyPath: "plugins.folder", at: rootMark))
        guard let mapping else { return sources }
        if let folder = try mapping.string("folder", expected: "a folder path") {
            sources.folder = try context.resolve(folder.value, against: context.baseDirectory,
                                                 keyPath: mapping.path("folder"), at: folder.mark)
            sources.folderMark = folder.mark
        }
        for (index, item) in (try mapping.list("files", expected: "a list of plugin file paths") ?? []).enumerated() {
            let path = mapping.path("files") + "[\(index)]"
            let file = try ConfigMapping.value(of: item, path: path, expected: "a plugin file path",
                                               parse: { $0.isEmpty ? nil : $0 }, context: context)
            let resolved = try context.resolve(file.value, against: context.executableDirectory, keyPath: path,
                                               at: file.mark)
            if let first = sources.files.first(where: { $0.path == resolved }) {
                throw context.error(.duplicateKey, "\(path): '\(file.value)' is already listed at line "
                                    + "\(first.mark.line), column \(first.mark.column)", at: file.mark)
            }
            sources.files.append(File(path: resolved, mark: file.mark))
        }
        return sources
    }
}
