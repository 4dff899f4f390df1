import ArgumentParser

/// `lessllm server`: runs the gateway.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the gateway with a configuration file.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("listen"), help: "Override listen.proxy, e.g. 127.0.0.1:8000.")
    var proxyAddress: String?

    @Option(name: .customLong("admin-listen"), help: "Override listen.admin (the dashboard), e.g. 127.0.0.1:8501.")
    var adminAddress: String?

    func run() throws {
        var config = try options.load()
        do {
            config = try config.overridingListeners(proxy: proxyAddress, admin: adminAddress)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        let logger = CommandLogging.makeLogger()
        let registry = try options.buildRegistry(config, logger: logger)
        let server = GatewayServer(config: config, registry: registry, logger: logger)
        do {
            try server.run { Terminal.print($0) }
        } catch {
            registry.destroyAll()
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
    }
}
