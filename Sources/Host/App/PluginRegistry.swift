import Logging

/// Every plugin the configuration uses: the loaded libraries and the instances created from plugins.yaml.
///
/// Built once on the main thread at start-up (or by `lessllm check`); problems are collected, not thrown one at a
/// time, so the operator sees every broken plugin and reference in one run.
public final class PluginRegistry: Sendable {
    /// The loaded plugin libraries.
    public let catalog: PluginCatalog
    /// Provider instances by name.
    public let providers: [String: ProviderEntry]
    /// Converter instances, in configured order.
    public let converters: [PluginInstance]
    /// Sink instances, in configured order.
    public let sinks: [PluginInstance]

    private init(catalog: PluginCatalog, providers: [String: ProviderEntry], converters: [PluginInstance],
                 sinks: [PluginInstance]) {
        self.catalog = catalog
        self.providers = providers
        self.converters = converters
        self.sinks = sinks
    }

    /// A problem found while building the registry: one line for the operator.
    public struct Problem: Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Every problem found while building the registry.
    public struct Problems: Error, Sendable {
        public let all: [Problem]
    }

    /// Loads the plugins `config` names and creates its provider, converter and sink instances.
    /// - Returns: the registry, or every problem found (load failures, unknown plugin ids, wrong kinds, refused
    ///   configurations), each one line naming the file (and line:column for plugins.yaml).
    public static func build(config: GatewayConfig, logger: Logger) -> Result<PluginRegistry, Problems> {
        let (catalog, loadErrors) = PluginCatalog.load(
            files: config.plugins.files.map(\.path), folder: config.plugins.folder)
        var problems = loadErrors.map { Problem(description: $0.description) }
        var created: [PluginInstance] = []

        func instantiate(_ reference: PluginReference, name: String, section: String, kind: PluginKinds,
                         configJSON: String) -> PluginInstance? {
            guard let plugin = catalog.plugin(id: reference.id) else {
                let loaded = catalog.plugins.map(\.info.id)
                let hint = KeySuggestion.suggestion(for: reference.id, among: loaded).map { "did you mean '\($0)'?" }
                    ?? (loaded.isEmpty ? "no plugins are loaded" : "loaded: \(loaded.joined(separator: ", "))")
                problems.append(Problem(description: config.error(
                    at: reference.mark, "\(section).\(name): no loaded plugin has id '\(reference.id)' (\(hint))"
                ).description))
                return nil
            }
            guard plugin.info.kinds.contains(kind) else {
                problems.append(Problem(description: config.error(
                    at: reference.mark,
                    "\(section).\(name): plugin '\(reference.id)' is a \(plugin.info.kinds), not a \(kind)"
                ).description))
                return nil
            }
            do {
                let instance = try PluginInstance.create(plugin, name: name, configJSON: configJSON, logger: logger)
                created.append(instance)
                return instance
            } catch {
                problems.append(Problem(description: error.description))
                return nil
            }
        }

        var providers: [String: ProviderEntry] = [:]
        for provider in config.providers {
            guard let instance = instantiate(provider.plugin, name: provider.name, section: "providers",
                                             kind: .provider, configJSON: provider.pluginConfigJSON())
            else { continue }
            let dialects = instance.plugin.info.ops.compactMap { op in
                op.hasPrefix("provider:") ? Dialect(rawValue: String(op.dropFirst("provider:".count))) : nil
            }
            if dialects.isEmpty {
                problems.append(Problem(description: config.error(
                    at: provider.plugin.mark,
                    "providers.\(provider.name): plugin '\(provider.plugin.id)' serves no dialect this gateway "
                        + "speaks (its ops: \(instance.plugin.info.ops.joined(separator: ", ")))").description))
                continue
            }
            providers[provider.name] = ProviderEntry(
                name: provider.name, instance: instance, dialects: dialects, transport: TransportOptions(provider))
        }
        let converters = config.converters.compactMap {
            instantiate($0.plugin, name: $0.name, section: "converters", kind: .converter,
                        configJSON: $0.pluginConfigJSON())
        }
        let sinks = config.sinks.compactMap {
            instantiate($0.plugin, name: $0.name, section: "sinks", kind: .sink, configJSON: $0.pluginConfigJSON())
        }
        guard problems.isEmpty else {
            created.forEach { $0.destroy() }
            return .failure(Problems(all: problems))
        }
        return .success(PluginRegistry(catalog: catalog, providers: providers, converters: converters, sinks: sinks))
    }

    /// The first converter instance that serves `op` (e.g. "request:anthropic.messages->openai.chat").
    public func converter(serving op: String) -> PluginInstance? {
        converters.first { $0.plugin.info.serves(op) }
    }

    /// Destroys every instance (on the main thread, after every stream closed). Libraries stay loaded.
    public func destroyAll() {
        for entry in providers.values { entry.instance.destroy() }
        converters.forEach { $0.destroy() }
        sinks.forEach { $0.destroy() }
    }
}
