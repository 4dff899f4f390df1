import Glibc

/// Every plugin library the configuration asks for, loaded and validated, in load order.
///
/// Built once on the main thread at start-up; immutable afterwards.
public struct PluginCatalog: Sendable {
    /// The loaded plugins, files first (in configured order), then the folder's `*.so` files by name.
    public private(set) var plugins: [LoadedPlugin] = []

    /// An empty catalog.
    public init() {}

    /// Loads `files` and every `*.so` in `folder`, collecting one error per broken file.
    /// - Parameters:
    ///   - files: absolute paths of plugin files.
    ///   - folder: an absolute folder path to scan, or nil; a missing folder holds no plugins.
    /// - Returns: the catalog of every plugin that loaded, and the errors of those that did not.
    public static func load(files: [String], folder: String?) -> (catalog: PluginCatalog, errors: [PluginLoadError]) {
        var catalog = PluginCatalog()
        var errors: [PluginLoadError] = []
        var seenFiles = Set<String>()
        for path in files + (folder.map(sharedLibraries(in:)) ?? []) {
            // The same file reached twice (listed and also in the folder) is loaded once.
            guard seenFiles.insert(canonicalPath(path)).inserted else { continue }
            do {
                try catalog.add(try LoadedPlugin.load(path: path))
            } catch {
                errors.append(error)
            }
        }
        return (catalog, errors)
    }

    /// Adds a loaded plugin.
    /// - Throws: `PluginLoadError` when another plugin already has its id.
    public mutating func add(_ plugin: LoadedPlugin) throws(PluginLoadError) {
        if let first = self.plugin(id: plugin.info.id) {
            throw .duplicateID(plugin.path, id: plugin.info.id, firstPath: first.path)
        }
        plugins.append(plugin)
    }

    /// The plugin with `id`, if loaded.
    public func plugin(id: String) -> LoadedPlugin? {
        plugins.first { $0.info.id == id }
    }

    /// The `*.so` files directly inside `folder`, sorted by name.
    static func sharedLibraries(in folder: String) -> [String] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return FileSystem.entries(in: folder).filter { $0.hasSuffix(".so") }.sorted().map { prefix + $0 }
    }

    private static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
