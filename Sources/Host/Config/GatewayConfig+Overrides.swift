extension GatewayConfig {
    /// This configuration with the listeners replaced from the command line (`--listen`, `--admin-listen`).
    ///
    /// The addresses follow the file's syntax (`host:port`, `[::1]:port`; `off` for the admin listener) and pass the
    /// same checks, including the admin-token rule. Thread: any.
    /// - Parameters:
    ///   - proxy: the new proxy address, or nil to keep the configured one.
    ///   - admin: the new admin address or `off`, or nil to keep the configured one.
    /// - Throws: `ConfigError` named after the option, e.g. `--listen: expected "host:port", got "8000"`.
    public func overridingListeners(proxy: String?, admin: String?) throws(ConfigError) -> GatewayConfig {
        var listen = self.listen
        if let proxy {
            guard let address = ListenAddress.parse(proxy) else {
                throw Self.invalidAddress(proxy, option: "--listen", expected: "\"host:port\"")
            }
            listen.proxy = address
        }
        if let admin {
            if admin == "off" {
                listen.admin = nil
            } else if let address = ListenAddress.parse(admin) {
                listen.admin = address
            } else {
                throw Self.invalidAddress(admin, option: "--admin-listen", expected: "\"host:port\" or off")
            }
        }
        if let problem = listen.adminProblem() {
            throw ConfigError(.conflict, problem, sourceName: admin == nil ? "--listen" : "--admin-listen", mark: nil)
        }
        return GatewayConfig(sourceName: sourceName, baseDirectory: baseDirectory, listen: listen, plugins: plugins,
                             providers: providers, converters: converters, routes: routes, sinks: sinks,
                             recording: recording, prices: prices)
    }

    private static func invalidAddress(_ text: String, option: String, expected: String) -> ConfigError {
        let node = YAMLNode.scalar(text, style: .quoted, mark: Mark(line: 1, column: 1))
        let hint = text.contains(":") ? ListenAddress.hint(for: text).map { " (\($0))" } ?? "" : ""
        return ConfigError(.invalidValue, "expected \(expected), got \(node.summary)\(hint)", sourceName: option,
                           mark: nil)
    }
}
