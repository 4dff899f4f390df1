import ArgumentParser

/// `lessllm check`: validates a configuration and its plugins without serving.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and its plugins; exit 0 when the server would start, 1 otherwise.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        let registry = try options.buildRegistry(config, logger: CommandLogging.makeLogger())
        defer { registry.destroyAll() }
        let providers = config.providers.map(\.name).joined(separator: ", ")
        let sinks = config.sinks.map(\.name).joined(separator: ", ")
        Terminal.print("\(config.sourceName): OK — \(registry.catalog.plugins.count) plugins loaded; "
                       + "providers: \(providers.isEmpty ? "none" : providers); \(config.routes.count) routes; "
                       + "sinks: \(sinks.isEmpty ? "none" : sinks)")
    }
}
