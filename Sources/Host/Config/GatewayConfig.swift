/// The gateway's configuration, decoded and validated from `plugins.yaml`.
///
/// The file is one YAML document (block or flow style; anchors, aliases and `<<` merge keys allowed). Every key is
/// optional unless marked REQUIRED; the values shown are the defaults where one exists. An unknown key, a value of
/// the wrong type, a duplicate key or a dangling reference is an error reported as `file:line:column: message`,
/// and the server refuses to start rather than guess.
///
/// ```yaml
/// listen:
///   proxy: 127.0.0.1:8000          # host:port ([::1]:8000 for IPv6); a host is required; port 0 = any free port
///   admin: 127.0.0.1:8501          # dashboard/admin listener, or `off`
///   admin_token: ${LESSLLM_ADMIN_TOKEN:-}  # bearer token; REQUIRED when the admin host is not loopback
///                                  # (127.0.0.0/8, ::1, localhost)
///   max_body_bytes: 32MiB          # bytes, or with a unit: B, KB, KiB, MB, MiB, GB, GiB; > 0
///   trusted_proxies: []            # IPs or CIDRs (10.0.0.0/8, fd00::/8) whose X-Forwarded-For is honoured
///   shutdown_grace: 10s            # a duration (below)
/// plugins:
///   folder: plugins.d              # relative to this file's directory; every *.so in it is loaded; may be missing
///   files: []                      # e.g. [libOpenAIProvider.so]; relative to the lessllm executable's directory
/// providers:                       # name ([A-Za-z0-9_.-]+) -> provider instance
///   openai:
///     plugin: dev.lessllm.provider.openai    # REQUIRED: the provider plugin's reverse-DNS id
///     base_url: https://api.openai.com/v1    # http(s) URL; absent: the plugin's default
///     api_key: ${OPENAI_API_KEY:-}           # empty means none
///     proxy: socks5h://user:pass@127.0.0.1:1080   # upstream proxy: http, https, socks5 or socks5h; absent: direct
///     timeouts: { connect: 10s, first_byte: 300s, idle: 300s, total: 3600s }   # each > 0
///     headers: { OpenAI-Organization: org-1 }     # extra upstream headers, in order
///     options: {}                            # free-form, handed to the plugin as JSON
/// converters:                      # name -> { plugin: id (REQUIRED), options: {...} }
/// routes:                          # in order; the first match wins
///   - model: gpt-4o                # an exact name, or a glob with * and ? ("gpt-*", "claude-?-*")
///     provider: openai             # REQUIRED: a name under providers
///   - model: fast
///     provider: openai
///     upstream_model: gpt-4o-mini  # alias: the model name sent upstream
///   - default: true                # matches anything, but only when no other route matched; at most one;
///     provider: openai             # never together with `model`
/// sinks:                           # name -> { plugin: id (REQUIRED), options: {...} }
///   sqlite: { plugin: dev.lessllm.sink.sqlite, options: { path: lessllm.db } }
/// recording:
///   raw_events: false              # also keep the raw upstream events
///   redact_headers: []             # header names redacted on top of the built-in list
///   queue_capacity: 65536          # finished exchanges waiting for the sinks (beyond: the journal); > 0
///   queue_bytes: 64MiB             # the memory they may hold, estimated (beyond: the journal); > 0
///   journal: lessllm.journal       # relative to this file's directory (the default: lessllm.journal beside it)
/// prices:                          # model name or glob -> USD per million tokens, overriding built-in prices
///   my-model: { input: 1.0, output: 2.0, cache_read: 0.1, cache_write: 1.25, cache_write_1h: 2.0 }
///     # input, output REQUIRED; all >= 0
/// ```
///
/// - Durations: `250ms`, `10s`, `5m`, `1h`, combinations such as `1h30m`, or a bare number of seconds.
/// - Environment: in values (never keys) `${NAME}` is replaced by the variable (unset is an error),
///   `${NAME:-default}` uses `default` when it is unset or empty, and `$$` is a literal `$`. Expansion happens after
///   parsing, so a variable's value is never read as YAML, and a value that contained a reference is a string.
///   Inside flow collections (`{…}`, `[…]`) quote such values: `{ key: "${KEY}" }`, since `{` and `}` end a plain
///   scalar there.
/// - A key written with no value (`sinks:`) or `~` is the same as an absent key.
/// - Plugins receive their instance's settings from `pluginConfigJSON()`; in `options`, quoted YAML scalars become
///   JSON strings, and plain `null`/`~`/empty, `true`/`false` and numbers become JSON null, booleans and numbers.
public struct GatewayConfig: Sendable, Equatable {
    /// The configuration file as the user named it (used in error messages).
    public let sourceName: String
    /// The directory relative paths in the file resolve against.
    public let baseDirectory: String
    /// `listen:`.
    public let listen: ListenConfig
    /// `plugins:`.
    public let plugins: PluginSources
    /// `providers:`, in file order.
    public let providers: [ProviderConfig]
    /// `converters:`, in file order.
    public let converters: [ConverterConfig]
    /// `routes:`, in file order.
    public let routes: [RouteConfig]
    /// `sinks:`, in file order.
    public let sinks: [SinkConfig]
    /// `recording:`.
    public let recording: RecordingConfig
    /// `prices:`, in file order.
    public let prices: [PriceOverride]

    /// The keys valid at the top level.
    static let keys = ["listen", "plugins", "providers", "converters", "routes", "sinks", "recording", "prices"]

    /// The provider instance called `name`, if any.
    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }

    /// An error at `mark` in this configuration file, for problems the host finds after decoding (e.g. a provider
    /// whose plugin id no loaded plugin declares). Thread: any.
    public func error(at mark: Mark, _ message: String) -> ConfigError {
        ConfigError(.invalidReference, message, sourceName: sourceName, mark: mark)
    }

    /// Decodes the configuration from a parsed and environment-expanded document.
    /// - Throws: `ConfigError` for anything that does not fit the schema.
    static func decode(_ root: YAMLNode, context: ConfigDecodingContext) throws(ConfigError) -> GatewayConfig {
        if root.isNull {
            throw context.error(.emptyFile, "the file holds no settings; expected a mapping with keys such as "
                                + "'providers' and 'routes'", at: nil)
        }
        let top = try ConfigMapping(root, path: "", keys: keys, context: context)
        // Sections are decoded in the order the schema lists them, so the first error reported is usually the
        // first one in the file.
        let listen = try ListenConfig.decode(top.mapping("listen", keys: ListenConfig.keys))
        let plugins = try PluginSources.decode(top.mapping("plugins", keys: PluginSources.keys), context: context)
        var providers: [ProviderConfig] = []
        for entry in try top.namedSection("providers", expected: "a mapping of provider names to settings") {
            providers.append(try ProviderConfig.decode(entry, section: "providers", context: context))
        }
        var converters: [ConverterConfig] = []
        for entry in try top.namedSection("converters", expected: "a mapping of converter names to settings") {
            converters.append(try PluginInstanceConfig.decode(entry, section: "converters", kind: "converter", context: context))
        }
        let routes = try RouteConfig.decodeAll(top, providers: providers)
        var sinks: [SinkConfig] = []
        for entry in try top.namedSection("sinks", expected: "a mapping of sink names to settings") {
            sinks.append(try PluginInstanceConfig.decode(entry, section: "sinks", kind: "sink", context: context))
        }
        return GatewayConfig(
            sourceName: context.sourceName, baseDirectory: context.baseDirectory, listen: listen, plugins: plugins,
            providers: providers, converters: converters, routes: routes, sinks: sinks,
            recording: try RecordingConfig.decode(top.mapping("recording", keys: RecordingConfig.keys)),
            prices: try PriceOverride.decodeAll(top))
    }
}
