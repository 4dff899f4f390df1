import Logging
import PluginABI
import Synchronization

/// The host's side of a `lessllm_instance *`: where a plugin's log lines go, tagged with its id and instance.
///
/// Thread-safe: plugins may log from any thread.
final class InstanceContext: Sendable {
    let pluginID: String
    let instanceName: String
    let logger: Logger
    /// During create: the last ERROR the plugin logged, reported if create fails. Nil afterwards.
    private let createError = Mutex<(creating: Bool, message: String?)>((true, nil))

    init(pluginID: String, instanceName: String, logger: Logger) {
        self.pluginID = pluginID
        self.instanceName = instanceName
        var logger = logger
        logger[metadataKey: "lessllm.plugin.id"] = .string(pluginID)
        logger[metadataKey: "lessllm.plugin.instance"] = .string(instanceName)
        self.logger = logger
    }

    /// The opaque handle handed to the plugin. The instance context lives as long as the process (never freed:
    /// plugins may keep the handle in global state).
    var handle: OpaquePointer {
        OpaquePointer(Unmanaged.passUnretained(self).toOpaque())
    }

    /// Recovers the context from a plugin's handle.
    static func from(_ handle: OpaquePointer?) -> InstanceContext? {
        guard let handle else { return nil }
        return Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    /// Writes one plugin log line.
    func log(level: Int32, message: String) {
        if level >= Int32(LESSLLM_LOG_ERROR) {
            createError.withLock { state in if state.creating { state.message = message } }
        }
        logger.log(level: Self.logLevel(level), "\(message)")
    }

    /// The reason logged during create, if any.
    func takeCreateError() -> String? {
        createError.withLock { state in
            state.creating = false
            return state.message
        }
    }

    /// Marks create as done (later errors are just log lines).
    func finishCreate() {
        createError.withLock { $0 = (false, nil) }
    }

    private static func logLevel(_ level: Int32) -> Logger.Level {
        switch level {
        case Int32(LESSLLM_LOG_DEBUG): .debug
        case Int32(LESSLLM_LOG_INFO): .info
        case Int32(LESSLLM_LOG_WARNING): .warning
        default: .error
        }
    }
}
