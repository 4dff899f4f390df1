@testable import Host

/// Helpers shared by the configuration tests.
enum ConfigFixture {
    /// The directory tests pretend the configuration file lives in.
    static let baseDirectory = "/etc/lessllm"
    /// The directory tests pretend the executable lives in.
    static let executableDirectory = "/opt/lessllm/bin"

    /// Decodes `yaml` as `plugins.yaml` in `baseDirectory`.
    static func parse(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.parse(yaml: yaml, sourceName: "plugins.yaml", baseDirectory: baseDirectory,
                                environment: environment, executableDirectory: executableDirectory)
    }

    /// The error `yaml` is refused with, or nil when it decodes.
    static func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    /// The rendered error `yaml` is refused with, or "no error".
    static func message(_ yaml: String, environment: [String: String] = [:]) -> String {
        error(yaml, environment: environment)?.description ?? "no error"
    }

    /// The tree of `yaml`, or the rendered error.
    static func read(_ yaml: String) -> Result<YAMLNode, ConfigError> {
        do {
            return .success(try YAMLDocumentReader(sourceName: "plugins.yaml").read(yaml))
        } catch {
            return .failure(error)
        }
    }

    /// The rendered reader error for `yaml`, or "no error".
    static func readError(_ yaml: String) -> String {
        if case .failure(let error) = read(yaml) { return error.description }
        return "no error"
    }

    /// A minimal valid configuration: one provider `echo` and a route to it, followed by `extra`.
    static func minimal(_ extra: String = "") -> String {
        """
        providers:
          echo:
            plugin: dev.lessllm.provider.echo
        routes:
          - model: echo
            provider: echo

        """ + extra
    }
}

extension YAMLNode {
    /// A scalar's text, for assertions.
    var scalarText: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    /// A mapping's value for `key`, for assertions.
    subscript(key: String) -> YAMLNode? {
        if case .mapping(let entries, _) = self { return entries.first { $0.key == key }?.value }
        return nil
    }

    /// A sequence's item, for assertions.
    subscript(index: Int) -> YAMLNode? {
        if case .sequence(let items, _) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    /// A mapping's keys in order, for assertions.
    var entryKeys: [String] {
        if case .mapping(let entries, _) = self { return entries.map(\.key) }
        return []
    }
}
