import Dispatch
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
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let transport = CurlTransport(logger: logger)
        let gateway = Gateway(config: config, registry: registry, transport: transport, recorder: DiscardingRecorder(),
                              logger: logger)
        let proxy: HTTPListener
        do {
            proxy = try HTTPListener.bind(host: config.listen.proxy.host, port: config.listen.proxy.port, group: group) {
                ProxyHandler(gateway: gateway)
            }
        } catch {
            transport.shutdown()
            try? group.syncShutdownGracefully()
            throw ListenError(address: config.listen.proxy.description, underlying: error)
        }
        proxyAddress = proxy.localAddress
        announce("LessLLM proxy listening on http://\(Self.describe(proxy.localAddress, fallback: config.listen.proxy))")
        announce("  OpenAI:    POST /v1/chat/completions    Anthropic: POST /v1/messages")

        Self.waitForTerminationSignal()
        logger.info("shutting down", metadata: ["lessllm.shutdown.grace": "\(config.listen.shutdownGrace)"])
        try? proxy.stopAccepting().wait()
        transport.shutdown()
        try? group.syncShutdownGracefully()
        registry.destroyAll()
    }

    private static func describe(_ address: SocketAddress?, fallback: ListenAddress) -> String {
        guard let address, let port = address.port else { return fallback.description }
        let host = address.ipAddress ?? fallback.host
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Blocks until SIGINT or SIGTERM.
    private static func waitForTerminationSignal() {
        let semaphore = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { semaphore.signal() }
            source.resume()
            sources.append(source)
        }
        semaphore.wait()
        sources.forEach { $0.cancel() }
    }
}

/// A listener could not be bound.
public struct ListenError: Error, CustomStringConvertible {
    let address: String
    let underlying: any Error

    public var description: String { "cannot listen on \(address): \(underlying)" }
}
