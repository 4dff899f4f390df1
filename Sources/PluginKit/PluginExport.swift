import PluginABI

/// Builds the C table for a Swift plugin type. A plugin's whole entry point is:
///
/// ```swift
/// @c(lessllm_plugin_entry_v1)
/// public func lessllm_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<lessllm_plugin>? {
///     PluginExport.table(for: MyPlugin.self, hostMajor: major)
/// }
/// ```
///
/// Each plugin library links its own copy of PluginKit, so the one exported type per library is kept in a global.
public enum PluginExport {
    nonisolated(unsafe) private static var exportedType: (any SwiftPlugin.Type)?
    nonisolated(unsafe) private static var exportedTable: UnsafeMutablePointer<lessllm_plugin>?
    /// The host's table, kept from the first create (the host passes the same table to every instance).
    nonisolated(unsafe) private static var hostTable: UnsafePointer<lessllm_host>?

    /// Returns the static table for `type`, or nil when the host's ABI major differs.
    /// Called once, on the host's main thread, when the library is loaded.
    public static func table(for type: any SwiftPlugin.Type, hostMajor: UInt32) -> UnsafePointer<lessllm_plugin>? {
        guard hostMajor == UInt32(LESSLLM_ABI_MAJOR) else { return nil }
        if let exportedTable { return UnsafePointer(exportedTable) }
        exportedType = type
        let table = UnsafeMutablePointer<lessllm_plugin>.allocate(capacity: 1)
        table.initialize(to: lessllm_plugin(
            size: UInt32(MemoryLayout<lessllm_plugin>.size),
            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
            info: makeInfo(type.metadata),
            create: { host, instance, config, outState in PluginExport.create(host, instance, config, outState) },
            destroy: { state in PluginExport.destroy(state) },
            open: { state, stream, args, outState in PluginExport.open(state, stream, args, outState) },
            on_head: { state, stream, status, headers, count in
                PluginExport.onHead(state, stream, status, headers, count)
            },
            on_event: { state, stream, event in PluginExport.onEvent(state, stream, event) },
            close: { state, stream, status in PluginExport.close(state, stream, status) }))
        exportedTable = table
        return UnsafePointer(table)
    }

    // MARK: - Metadata (allocated once, lives as long as the library)

    private static func makeInfo(_ metadata: PluginMetadata) -> UnsafePointer<lessllm_plugin_info> {
        let ops = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: metadata.ops.count + 1)
        for (index, op) in metadata.ops.enumerated() { ops[index] = permanentCString(op) }
        ops[metadata.ops.count] = nil
        let info = UnsafeMutablePointer<lessllm_plugin_info>.allocate(capacity: 1)
        info.initialize(to: lessllm_plugin_info(
            size: UInt32(MemoryLayout<lessllm_plugin_info>.size),
            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
            kinds: metadata.kinds, reserved: 0,
            id: permanentCString(metadata.id), name: permanentCString(metadata.name),
            version: permanentCString(metadata.version), description: permanentCString(metadata.description),
            ops: UnsafePointer(ops)))
        return UnsafePointer(info)
    }

    private static func permanentCString(_ text: String) -> UnsafePointer<CChar> {
        let utf8 = Array(text.utf8CString)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        copy.initialize(from: utf8, count: utf8.count)
        return UnsafePointer(copy)
    }

    // MARK: - Trampolines from the C table into Swift

    private static func create(
        _ host: UnsafePointer<lessllm_host>?, _ instance: OpaquePointer?, _ config: lessllm_bytes,
        _ outState: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> lessllm_status {
        guard let host, let outState, let type = exportedType else { return LESSLLM_E_BAD_ARGUMENT }
        hostTable = host
        let pluginHost = PluginHost(table: host, instance: instance)
        do {
            let plugin = try type.init(host: pluginHost, configJSON: config.buffer)
            outState.pointee = Unmanaged.passRetained(plugin as AnyObject).toOpaque()
            return LESSLLM_OK
        } catch {
            pluginHost.log(Int32(LESSLLM_LOG_ERROR), error.message)
            return error.status
        }
    }

    private static func destroy(_ state: UnsafeMutableRawPointer?) {
        guard let state else { return }
        Unmanaged<AnyObject>.fromOpaque(state).release()
    }

    private static func open(
        _ state: UnsafeMutableRawPointer?, _ stream: OpaquePointer?, _ args: UnsafePointer<lessllm_open_args>?,
        _ outState: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> lessllm_status {
        guard let state, let args, let outState,
              let plugin = Unmanaged<AnyObject>.fromOpaque(state).takeUnretainedValue() as? any SwiftPlugin
        else { return LESSLLM_E_BAD_ARGUMENT }
        // A host of an earlier minor passes a shorter struct: copy what it has; the fields beyond stay zero.
        var raw = lessllm_open_args()
        let given = Int(UnsafeRawPointer(args).load(as: UInt32.self))
        withUnsafeMutableBytes(of: &raw) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: args, count: min(given, $0.count)))
        }
        let fieldCount = raw.record_fields == nil ? 0 : raw.record_field_count
        let arguments = OpenArguments(
            op: raw.op.string, body: raw.body.buffer, model: raw.model.string,
            headers: UnsafeBufferPointer(start: raw.headers, count: raw.header_count),
            exchangeID: raw.exchange_id.string, isStream: raw.flags & UInt32(LESSLLM_OPEN_STREAM) != 0,
            recordFields: UnsafeBufferPointer(start: raw.record_fields, count: raw.record_count * fieldCount),
            recordFieldCount: fieldCount)
        do {
            let streamState = try plugin.open(stream: stream, arguments: arguments)
            outState.pointee = streamState.map { Unmanaged.passRetained($0 as AnyObject).toOpaque() }
            return LESSLLM_OK
        } catch {
            return fail(stream, error)
        }
    }

    /// Hands a thrown error to the host (so the client sees its message) and returns its status.
    private static func fail(_ stream: OpaquePointer?, _ error: PluginError) -> lessllm_status {
        guard let hostTable else { return error.status }
        return withBorrowedBytes(error.message) { hostTable.pointee.fail(stream, error.status, $0) }
    }

    private static func streamState(_ state: UnsafeMutableRawPointer?) -> (any PluginStream)? {
        guard let state else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(state).takeUnretainedValue() as? any PluginStream
    }

    private static func onHead(
        _ state: UnsafeMutableRawPointer?, _ stream: OpaquePointer?, _ status: Int32,
        _ headers: UnsafePointer<lessllm_header>?, _ count: Int
    ) -> lessllm_status {
        guard let target = streamState(state) else { return LESSLLM_OK }
        do {
            try target.onHead(stream: stream, status: status, headers: UnsafeBufferPointer(start: headers, count: count))
            return LESSLLM_OK
        } catch {
            return fail(stream, error)
        }
    }

    private static func onEvent(
        _ state: UnsafeMutableRawPointer?, _ stream: OpaquePointer?, _ event: UnsafePointer<lessllm_event>?
    ) -> lessllm_status {
        guard let target = streamState(state), let event else { return LESSLLM_OK }
        do {
            try target.onEvent(stream: stream, event: event)
            return LESSLLM_OK
        } catch {
            return fail(stream, error)
        }
    }

    private static func close(_ state: UnsafeMutableRawPointer?, _ stream: OpaquePointer?, _ status: lessllm_status) {
        guard let state else { return }
        let unmanaged = Unmanaged<AnyObject>.fromOpaque(state)
        (unmanaged.takeUnretainedValue() as? any PluginStream)?.close(stream: stream, status: status)
        unmanaged.release()
    }
}
