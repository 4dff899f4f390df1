/// Why a plugin file could not be used. Its description is one line that names the file and the reason.
public struct PluginLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case fileMissing
        case notSharedLibrary
        case cannotLoad
        case entrySymbolMissing
        case declined
        case abiMajorMismatch
        case structTooSmall
        case missingCallback
        case invalidMetadata
        case duplicateID
        case refusedToInitialise
    }

    private let code: Code
    /// The plugin file.
    public let path: String
    /// The reason, without the path.
    public let reason: String

    private init(_ code: Code, _ path: String, _ reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }

    /// A short, stable name of the failure class (for tests and metrics).
    public var shortDescription: String { "\(code)" }

    static func fileMissing(_ path: String) -> Self { .init(.fileMissing, path, "no such file") }

    static func notSharedLibrary(_ path: String, _ detail: String) -> Self {
        .init(.notSharedLibrary, path, "not a shared library (\(detail))")
    }

    static func cannotLoad(_ path: String, _ detail: String) -> Self {
        .init(.cannotLoad, path, "cannot be loaded: \(detail)")
    }

    static func entrySymbolMissing(_ path: String, otherMajor: Int?) -> Self {
        if let otherMajor {
            return .init(.entrySymbolMissing, path,
                         "entry symbol lessllm_plugin_entry_v1 missing: the plugin was built for ABI major "
                            + "\(otherMajor) (it exports lessllm_plugin_entry_v\(otherMajor)); this host speaks ABI 1")
        }
        return .init(.entrySymbolMissing, path,
                     "entry symbol lessllm_plugin_entry_v1 missing: not a LessLLM plugin")
    }

    static func declined(_ path: String) -> Self {
        .init(.declined, path, "the plugin declined this host (its entry function returned NULL for ABI \(PluginABIVersion.description))")
    }

    static func abiMajorMismatch(_ path: String, pluginMajor: Int, pluginMinor: Int, what: String) -> Self {
        .init(.abiMajorMismatch, path,
              "ABI major mismatch: \(what) was built for ABI \(pluginMajor).\(pluginMinor), this host speaks ABI 1.x")
    }

    static func structTooSmall(_ path: String, what: String, size: Int, needed: Int) -> Self {
        .init(.structTooSmall, path, "\(what) too small: \(size) bytes, ABI 1.0 needs at least \(needed)")
    }

    static func missingCallback(_ path: String, _ name: String) -> Self {
        .init(.missingCallback, path, "missing required callback '\(name)' in the plugin table")
    }

    static func invalidMetadata(_ path: String, _ detail: String) -> Self {
        .init(.invalidMetadata, path, "invalid plugin metadata: \(detail)")
    }

    static func duplicateID(_ path: String, id: String, firstPath: String) -> Self {
        .init(.duplicateID, path, "duplicate plugin id '\(id)' (already loaded from \(firstPath))")
    }

    static func refusedToInitialise(_ path: String, id: String, instance: String, message: String) -> Self {
        .init(.refusedToInitialise, path, "plugin '\(id)' refused to initialise '\(instance)': \(message)")
    }
}
