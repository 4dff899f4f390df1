import Glibc
import PluginABI

/// A plugin library opened with dlopen and validated against ABI 1. Never unloaded.
///
/// Created on the main thread; afterwards immutable and safe to share (the table is static for the process).
public struct LoadedPlugin: @unchecked Sendable {
    /// The file it was loaded from, as configured.
    public let path: String
    /// Its metadata.
    public let info: PluginInfo
    /// Its function table (static; valid for the life of the process).
    let table: UnsafePointer<lessllm_plugin>

    /// Loads and validates the plugin at `path`.
    /// - Throws: `PluginLoadError` naming the file and the reason; never crashes on a bad file.
    /// - Warning: runs the plugin's entry function, which is trusted code.
    public static func load(path: String) throws(PluginLoadError) -> LoadedPlugin {
        guard access(path, F_OK) == 0 else { throw .fileMissing(path) }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw classifyOpenFailure(path, lastDynamicLinkerError())
        }
        // Deliberately never dlclose(handle): Swift images cannot be unloaded safely.
        guard let symbol = dlsym(handle, LESSLLM_ENTRY_SYMBOL) else {
            throw .entrySymbolMissing(path, otherMajor: otherEntryMajor(in: handle))
        }
        let entry = unsafeBitCast(symbol, to: lessllm_plugin_entry_fn.self)
        guard let table = entry(UInt32(LESSLLM_ABI_MAJOR), UInt32(LESSLLM_ABI_MINOR)) else {
            throw .declined(path)
        }
        try validateTable(table, path: path)
        return LoadedPlugin(path: path, info: try readInfo(table.pointee.info, path: path), table: table)
    }

    // MARK: - Validation (reads nothing beyond the size a struct declares)

    private static func validateTable(_ table: UnsafePointer<lessllm_plugin>, path: String) throws(PluginLoadError) {
        let head = StructHead(UnsafeRawPointer(table))
        if head.major != Int(LESSLLM_ABI_MAJOR) {
            throw .abiMajorMismatch(path, pluginMajor: head.major, pluginMinor: head.minor, what: "the plugin table")
        }
        let needed = MemoryLayout<lessllm_plugin>.size
        guard head.size >= needed else {
            throw .structTooSmall(path, what: "plugin table (lessllm_plugin)", size: head.size, needed: needed)
        }
        let plugin = table.pointee
        if plugin.create == nil { throw .missingCallback(path, "create") }
        if plugin.destroy == nil { throw .missingCallback(path, "destroy") }
        if plugin.open == nil { throw .missingCallback(path, "open") }
        if plugin.close == nil { throw .missingCallback(path, "close") }
    }

    private static func readInfo(_ pointer: UnsafePointer<lessllm_plugin_info>?, path: String) throws(PluginLoadError) -> PluginInfo {
        guard let pointer else { throw .invalidMetadata(path, "the plugin table has no info") }
        let head = StructHead(UnsafeRawPointer(pointer))
        if head.major != Int(LESSLLM_ABI_MAJOR) {
            throw .abiMajorMismatch(path, pluginMajor: head.major, pluginMinor: head.minor, what: "the plugin info")
        }
        let needed = MemoryLayout<lessllm_plugin_info>.size
        guard head.size >= needed else {
            throw .structTooSmall(path, what: "plugin info (lessllm_plugin_info)", size: head.size, needed: needed)
        }
        let raw = pointer.pointee
        guard let idPointer = raw.id, case let id = String(cString: idPointer), PluginID.isValid(id) else {
            throw .invalidMetadata(path, "id must be a reverse-DNS name like 'com.example.provider'")
        }
        let kinds = PluginKinds(rawValue: raw.kinds)
        guard !kinds.isEmpty, PluginKinds.known.isSuperset(of: kinds) else {
            throw .invalidMetadata(path, "plugin '\(id)' declares unknown kinds 0x\(String(raw.kinds, radix: 16))")
        }
        var ops: [String] = []
        if var cursor = raw.ops {
            while let op = cursor.pointee, ops.count < 256 {
                ops.append(String(cString: op))
                cursor += 1
            }
        }
        guard !ops.isEmpty else { throw .invalidMetadata(path, "plugin '\(id)' declares no ops") }
        return PluginInfo(
            id: id,
            name: raw.name.map { String(cString: $0) } ?? id,
            version: raw.version.map { String(cString: $0) } ?? "?",
            description: raw.description.map { String(cString: $0) } ?? "",
            kinds: kinds, ops: ops, abiMajor: head.major, abiMinor: head.minor)
    }

    // MARK: - dlopen diagnostics

    private static func classifyOpenFailure(_ path: String, _ detail: String) -> PluginLoadError {
        // dlerror() prefixes its text with the path; keep only the reason.
        let reason = detail.hasPrefix(path + ": ") ? String(detail.dropFirst(path.count + 2)) : detail
        let notELF = ["invalid ELF header", "file too short", "not an ELF file", "ELF file's magic"]
        if notELF.contains(where: reason.contains) { return .notSharedLibrary(path, reason) }
        return .cannotLoad(path, reason)
    }

    private static func lastDynamicLinkerError() -> String {
        guard let message = dlerror() else { return "unknown dlopen error" }
        return String(cString: message)
    }

    /// Looks for an entry symbol of another ABI major, to say which one the plugin was built for.
    private static func otherEntryMajor(in handle: UnsafeMutableRawPointer) -> Int? {
        (2...9).first { dlsym(handle, "lessllm_plugin_entry_v\($0)") != nil }
    }
}

/// The `size`/`abi_major`/`abi_minor` head shared by every top-level ABI struct, read without assuming more.
struct StructHead {
    let size: Int
    let major: Int
    let minor: Int

    init(_ pointer: UnsafeRawPointer) {
        size = Int(pointer.loadUnaligned(as: UInt32.self))
        major = Int(pointer.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        minor = Int(pointer.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
    }
}

/// Rules for plugin ids.
enum PluginID {
    /// Reverse-DNS: at least two dot-separated labels of letters, digits, '-' and '_'.
    static func isValid(_ id: String) -> Bool {
        let labels = id.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, id.utf8.count <= 200 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x5F
            }
        }
    }
}
