import ArgumentParser
import PluginABI

/// `lessllm`: the gateway's command line.
public struct LessLLMCommand: ParsableCommand {
    /// The product version.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "lessllm",
        abstract: "An LLM API gateway: OpenAI and Anthropic clients, any provider, every exchange recorded.",
        version: "lessllm \(version) (plugin ABI \(PluginABIVersion.description))",
        subcommands: [ServerCommand.self, PluginsCommand.self, CheckCommand.self, InitCommand.self, LogsCommand.self,
                      StatsCommand.self])

    public init() {}
}

/// The plugin ABI version this host speaks.
enum PluginABIVersion {
    static let description = "\(LESSLLM_ABI_MAJOR).\(LESSLLM_ABI_MINOR)"
}
