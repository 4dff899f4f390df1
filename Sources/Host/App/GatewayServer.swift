import CurlShim
import Dispatch
import JSONCore
import Glibc
import Logging
import NIOCore
import NIOPosix

/// The running gateway: plugins, transport and listeners, from start-up to graceful shutdown.
///
/// `run` blocks the calling (main) thread until SIGINT or SIGTERM, then stops accepting connections, lets
/// exchanges in flight finish up to the configured grace period, and destroys the plugin instances.
public final class GatewayServer {
    private let config: GatewayConfig
    private let registry: PluginRegistry
    private let logger: Logger

    /// Where the proxy listener is bound (after `start`).
    public private(set) var proxyAddress: SocketAddress?

    public init(config: GatewayConfig, registry: PluginRegistry, logger: Logger) {
        self.config = config
        self.registry = registry
        self.logger = logger
    }

    /// Serves until a termination signal arrives.
    /// - Parameter announce: receives the lines to print once the listeners are up.
    /// - Throws: when a listener cannot be bound.
    public func run(announce: (String) -> Void) throws {
        let signals = TerminationSignals()
        ProcessLimits.apply()
        let prices = PriceTable(overrides: config.prices,
                                builtin: try PriceTable.loadBuiltin(executableDirectory: Executable.directory))
        let recorder = try makeRecorder(prices: prices)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let transport = UpstreamTransport(curl: CurlTransport(logger: logger), eventLoopClient: EventLoopHTTPClient())
        let gateway = Gateway(config: config, registry: registry, transport: transport, recorder: recorder,
                              prices: prices, logger: logger)
        let proxy: HTTPListener
        do {
            proxy = try HTTPListener.bind(name: "the proxy listener", host: config.listen.proxy.host,
                                          port: config.listen.proxy.port, group: group, logger: logger,
                                          handlerOrdersRequests: true) {
                ProxyHandler(gateway: gateway)
            }
        } catch {
            transport.shutdown()
            (recorder as? Recorder)?.shutdown()
            try? group.syncShutdownGracefully()
            throw ListenError(address: config.listen.proxy.description, underlying: error)
        }
        proxyAddress = proxy.localAddress
        announce("LessLLM proxy listening on http://\(Self.describe(proxy.localAddress, fallback: config.listen.proxy))")
        announce("  OpenAI:    POST /v1/chat/completions    Anthropic: POST /v1/messages")
        let queryPool = NIOThreadPool(numberOfThreads: 2)
        queryPool.start()
        var admin: HTTPListener?
        if let address = config.listen.admin {
            let api = DashboardAPI(
                sink: registry.sinks.first { $0.plugin.info.serves("sink:query") },
                assets: DashboardAssets(executableDirectory: Executable.directory),
                access: AdminAccess(token: config.listen.adminToken, listenHost: address.host), pool: queryPool,
                info: dashboardInfo())
            do {
                admin = try HTTPListener.bind(name: "the dashboard listener", host: address.host, port: address.port,
                                              group: group, logger: logger) {
                    AdminHandler(api: api)
                }
            } catch {
                try? proxy.stopAccepting().wait()
                transport.shutdown()
                (recorder as? Recorder)?.shutdown()
                try? queryPool.syncShutdownGracefully()
                try? group.syncShutdownGracefully()
                throw ListenError(address: address.description, underlying: error)
            }
            announce("LessLLM dashboard on http://\(Self.describe(admin?.localAddress, fallback: address))/")
        }

        signals.wait()
        logger.info("shutting down", metadata: ["lessllm.shutdown.grace": "\(config.listen.shutdownGrace)"])
        // Stop accepting, let exchanges in flight finish (up to the grace period), then drain the records.
        gateway.beginDraining()
        try? proxy.stopAccepting().wait()
        try? admin?.stopAccepting().wait()
        Self.waitForExchanges(of: gateway, milliseconds: Int(config.listen.shutdownGrace.wholeMilliseconds))
        if gateway.activeExchanges > 0 {
            logger.warning("exchanges still running at the end of the grace period are cut off",
                           metadata: ["lessllm.exchanges": "\(gateway.activeExchanges)"])
        }
        transport.shutdown()
        // The exchanges just cut off write their clients an error: a moment for it to go out before the close.
        Self.waitForExchanges(of: gateway, milliseconds: 1_000)
        try? queryPool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        (recorder as? Recorder)?.shutdown()
        registry.destroyAll()
    }

    /// What `GET /api/info` answers: the version and the configured names the dashboard offers as filters.
    private func dashboardInfo() -> String {
        let models = ModelRouter(routes: config.routes).listedModels
        let info: JSONValue = [
            "version": .string(LessLLMCommand.version),
            "providers": .array(config.providers.map { .string($0.name) }),
            "models": .array(models.map { .string($0) }),
            "dialects": .array(Dialect.allCases.map { .string($0.rawValue) }),
            "sinks": .array(config.sinks.map { .string($0.name) }),
            "query_sink": registry.sinks.first { $0.plugin.info.serves("sink:query") }.map { .string($0.name) } ?? .null,
        ]
        return info.serialized()
    }

    /// The recorder for the configured sinks (nothing is recorded without a sink).
    /// - Throws: when the record journal cannot be written (`JournalError`, or a `ConfigError` at `recording.journal`).
    private func makeRecorder(prices: PriceTable) throws -> any ExchangeRecording {
        guard !registry.sinks.isEmpty else { return DiscardingRecorder() }
        let builder = RecordBuilder(
            prices: prices,
            redactor: HeaderRedactor(extra: config.recording.redactHeaders, secrets: configuredSecrets()),
            keepRawEvents: config.recording.rawEvents)
        let journal = RecordJournal(path: config.recording.journal ?? config.baseDirectory + "/lessllm.journal")
        if let problem = journal.writeProblem() {
            let error = JournalError(path: journal.path, problem: problem)
            // Configured: pointed at where the file names it.
            if let mark = config.recording.journalMark { throw config.error(at: mark, "recording.journal: \(error)") }
            throw error
        }
        return Recorder(sinks: registry.sinks, builder: builder, capacity: config.recording.queueCapacity,
                        byteBudget: config.recording.queueBytes, journal: journal, logger: logger)
    }

    /// Waits until no exchange is running, or `milliseconds` have passed.
    private static func waitForExchanges(of gateway: Gateway, milliseconds: Int) {
        let deadline = MonotonicClock.nanoseconds() + UInt64(milliseconds) * 1_000_000
        while gateway.activeExchanges > 0 && MonotonicClock.nanoseconds() < deadline { usleep(10_000) }
    }

    /// The providers' keys, and the values of their configured headers that carry credentials: never stored, even
    /// where an upstream quotes them back.
    private func configuredSecrets() -> [String] {
        let names = HeaderRedactor(extra: config.recording.redactHeaders)
        return config.providers.flatMap { provider in
            [provider.apiKey].compactMap { $0 } + provider.headers.filter { names.isSecret($0.name) }.map(\.value)
        }
    }

    private static func describe(_ address: SocketAddress?, fallback: ListenAddress) -> String {
        guard let address, let port = address.port else { return fallback.description }
        let host = address.ipAddress ?? fallback.host
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

}

/// Process-wide settings a server with thousands of connections wants: as many descriptors as the system allows
/// (each stream holds two), and a few shared malloc arenas instead of one per thread.
enum ProcessLimits {
    static func apply() {
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        lessllm_limit_malloc_arenas(2)
    }
}

/// SIGINT and SIGTERM, caught from the moment this is created (so a signal during start-up is not lost).
final class TerminationSignals {
    private let semaphore = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [semaphore] in semaphore.signal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until one of the signals arrives.
    func wait() {
        semaphore.wait()
        sources.forEach { $0.cancel() }
    }
}

/// The record journal cannot be written: records the sinks cannot take at once would be lost.
public struct JournalError: Error, CustomStringConvertible {
    let path: String
    let problem: String

    public var description: String {
        "cannot write the record journal '\(path)' (\(problem)); it holds the records the sinks cannot take at once — "
            + "set recording.journal to a file the gateway may write"
    }
}

/// A listener could not be bound.
public struct ListenError: Error, CustomStringConvertible {
    let address: String
    let underlying: any Error

    public var description: String { "cannot listen on \(address): \(underlying)" }
}
