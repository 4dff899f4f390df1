import Testing
@testable import Host

@Suite("Configuration validation")
struct ConfigValidationTests {
    private func message(_ yaml: String, _ environment: [String: String] = [:]) -> String {
        ConfigFixture.message(yaml, environment: environment)
    }

    @Test func unknownKeysSuggestTheClosestValidKey() {
        #expect(message("provders: {}\n")
                == "plugins.yaml:1:1: unknown key 'provders' at the top level (did you mean 'providers'?)")
        #expect(message("listen:\n  max_body: 1MiB\n")
                == "plugins.yaml:2:3: unknown key 'max_body' in listen (did you mean 'max_body_bytes'?)")
        #expect(message("""
        providers:
          openai:
            plugin: dev.lessllm.provider.openai
            provder: x
        """) == "plugins.yaml:4:5: unknown key 'provder' in providers.openai (valid keys: plugin, base_url, "
            + "api_key, proxy, ca_file, timeouts, headers, options)")
        #expect(message("""
        providers:
          openai:
            plugin: dev.lessllm.provider.openai
            timeouts: { conect: 1s }
        """) == "plugins.yaml:4:17: unknown key 'conect' in providers.openai.timeouts (did you mean 'connect'?)")
        #expect(message("routes:\n  - model: a\n    provder: x\n")
                == "plugins.yaml:3:5: unknown key 'provder' in routes[0] (did you mean 'provider'?)")
        #expect(message("sinks:\n  s: { plugin: a.b, option: {} }\n")
                == "plugins.yaml:2:21: unknown key 'option' in sinks.s (did you mean 'options'?)")
        #expect(message("recording:\n  Journal: x\n")
                == "plugins.yaml:2:3: unknown key 'Journal' in recording (did you mean 'journal'?)")
        #expect(message("prices:\n  m: { input: 1, output: 1, cache_reads: 1 }\n")
                == "plugins.yaml:2:29: unknown key 'cache_reads' in prices.m (did you mean 'cache_read'?)")
        #expect(message("prices:\n  m: { input: 1, output: 1, cache: 1 }\n")
                == "plugins.yaml:2:29: unknown key 'cache' in prices.m (did you mean 'cache_read'?)")
        #expect(message("plugins:\n  dir: x\n")
                == "plugins.yaml:2:3: unknown key 'dir' in plugins (valid keys: folder, files)")
        #expect(ConfigFixture.error("xyz: 1\n")?.kind == .unknownKey)
    }

    @Test func providerKeyTypo() {
        #expect(message("providers:\n  openai:\n    plugn: x.y\n")
                == "plugins.yaml:3:5: unknown key 'plugn' in providers.openai (did you mean 'plugin'?)")
    }

    @Test func wrongTypes() {
        #expect(message("listen:\n  proxy: 8000x\n") == "plugins.yaml:2:10: listen.proxy: expected \"host:port\", got "
                + "\"8000x\"")
        #expect(message("listen: [1]\n") == "plugins.yaml:1:9: listen: expected a mapping, got a list")
        #expect(message("listen:\n  proxy: { host: x }\n")
                == "plugins.yaml:2:10: listen.proxy: expected \"host:port\", got a mapping")
        #expect(message("providers: [a]\n")
                == "plugins.yaml:1:12: providers: expected a mapping of provider names to settings, got a list")
        #expect(message("providers:\n  a: x.y\n")
                == "plugins.yaml:2:6: providers.a: expected a mapping, got \"x.y\"")
        #expect(message("routes: {a: b}\n") == "plugins.yaml:1:9: routes: expected a list of routes, got a mapping")
        #expect(message("routes: [echo]\n")
                == "plugins.yaml:1:10: routes[0]: expected a mapping with 'model' and 'provider', got \"echo\"")
        #expect(message("recording:\n  raw_events: yes\n")
                == "plugins.yaml:2:15: recording.raw_events: expected true or false, got \"yes\"")
        #expect(message("recording:\n  queue_capacity: 0\n")
                == "plugins.yaml:2:19: recording.queue_capacity: expected a whole number > 0, got \"0\"")
        #expect(message("recording:\n  queue_bytes: 64 lots\n")
                == "plugins.yaml:2:16: recording.queue_bytes: expected a size > 0 such as 67108864 or \"64MiB\", got \"64 lots\"")
        #expect(message("listen:\n  trusted_proxies: 10.0.0.0/8\n") == "plugins.yaml:2:20: listen.trusted_proxies: "
                + "expected a list of IP addresses or CIDR blocks, got \"10.0.0.0/8\"")
        #expect(message("sinks:\n  s: { plugin: a.b, options: [1] }\n")
                == "plugins.yaml:2:30: sinks.s.options: expected a mapping of plugin options, got a list")
        #expect(message("plugins:\n  files: [[a]]\n")
                == "plugins.yaml:2:11: plugins.files[0]: expected a plugin file path, got a list")
        #expect(message("- a\n") == "plugins.yaml:1:1: the configuration: expected a mapping, got a list")
        #expect(ConfigFixture.error("listen: 1\n")?.kind == .invalidValue)
    }

    @Test func requiredKeys() {
        #expect(message("providers:\n  openai:\n    base_url: http://x\n") == "plugins.yaml:2:3: providers.openai: "
                + "missing required key 'plugin' (the reverse-DNS id of a provider plugin, such as "
                + "\"dev.lessllm.provider.example\")")
        #expect(message("providers:\n  openai:\n") == "plugins.yaml:2:3: providers.openai: missing required key "
                + "'plugin' (the reverse-DNS id of a provider plugin, such as \"dev.lessllm.provider.example\")")
        #expect(message("sinks:\n  db: { plugin: sqlite }\n") == "plugins.yaml:2:17: sinks.db.plugin: expected the "
                + "reverse-DNS id of a sink plugin, such as \"dev.lessllm.sink.example\", got \"sqlite\"")
        #expect(message("converters:\n  c: { options: {} }\n") == "plugins.yaml:2:3: converters.c: missing required "
                + "key 'plugin' (the reverse-DNS id of a converter plugin, such as \"dev.lessllm.converter.example\")")
        #expect(message("prices:\n  m: { input: 1 }\n") == "plugins.yaml:2:3: prices.m: missing required key "
                + "'output' (a price ≥ 0 in USD per million tokens)")
        #expect(ConfigFixture.error("providers:\n  a: {}\n")?.kind == .missingKey)
    }

    @Test func invalidNames() {
        #expect(message("providers:\n  \"open ai\": { plugin: a.b }\n")
                == "plugins.yaml:2:3: providers: invalid name 'open ai' (use letters, digits, '_', '.' and '-')")
    }

    @Test func durations() {
        func timeout(_ text: String) -> String {
            message("providers:\n  p:\n    plugin: a.b\n    timeouts:\n      idle: \(text)\n")
        }
        let expected = "expected a duration > 0 such as \"250ms\", \"10s\", \"5m\" or \"1h\""
        #expect(timeout("10 s") == "plugins.yaml:5:13: providers.p.timeouts.idle: \(expected), got \"10 s\"")
        #expect(timeout("0s") == "plugins.yaml:5:13: providers.p.timeouts.idle: \(expected), got \"0s\"")
        #expect(timeout("5d") == "plugins.yaml:5:13: providers.p.timeouts.idle: \(expected), got \"5d\"")
        #expect(timeout("-1") == "plugins.yaml:5:13: providers.p.timeouts.idle: \(expected), got \"-1\"")
        #expect(message("listen:\n  shutdown_grace: soon\n") == "plugins.yaml:2:19: listen.shutdown_grace: "
                + "expected a duration such as \"10s\", got \"soon\"")
        #expect(timeout("1.5") == "no error")
    }

    @Test func sizes() {
        let expected = "expected a size > 0 such as 1048576, \"512KiB\" or \"32MiB\""
        #expect(message("listen:\n  max_body_bytes: 32mb\n")
                == "plugins.yaml:2:19: listen.max_body_bytes: \(expected), got \"32mb\"")
        #expect(message("listen:\n  max_body_bytes: 0\n")
                == "plugins.yaml:2:19: listen.max_body_bytes: \(expected), got \"0\"")
        #expect(message("listen:\n  max_body_bytes: 1.5MiB\n")
                == "plugins.yaml:2:19: listen.max_body_bytes: \(expected), got \"1.5MiB\"")
        #expect(message("listen:\n  max_body_bytes: 99999999999999999GiB\n")
                == "plugins.yaml:2:19: listen.max_body_bytes: \(expected), got \"99999999999999999GiB\"")
    }

    @Test func urls() {
        func provider(_ line: String) -> String {
            message("providers:\n  p:\n    plugin: a.b\n    \(line)\n")
        }
        let base = "expected an http:// or https:// URL"
        #expect(provider("base_url: api.openai.com/v1")
                == "plugins.yaml:4:15: providers.p.base_url: \(base), got \"api.openai.com/v1\"")
        #expect(provider("base_url: ftp://example.com")
                == "plugins.yaml:4:15: providers.p.base_url: \(base), got \"ftp://example.com\"")
        #expect(provider("base_url: https://:443/v1")
                == "plugins.yaml:4:15: providers.p.base_url: \(base), got \"https://:443/v1\"")
        #expect(provider("base_url: http://host:99999")
                == "plugins.yaml:4:15: providers.p.base_url: \(base), got \"http://host:99999\"")
        #expect(provider("base_url: \"https://exa mple.com\"")
                == "plugins.yaml:4:15: providers.p.base_url: \(base), got \"https://exa mple.com\"")
        #expect(provider("base_url: http://[::1]:11434/v1") == "no error")
        #expect(provider("base_url: ${BASE:-}") == "no error")
    }

    @Test func proxySchemes() {
        func proxy(_ url: String) -> String {
            message("providers:\n  p:\n    plugin: a.b\n    proxy: \(url)\n")
        }
        let expected = "expected a proxy URL with scheme http, https, socks5 or socks5h"
        #expect(proxy("socks4://127.0.0.1:1080")
                == "plugins.yaml:4:12: providers.p.proxy: \(expected), got \"socks4://127.0.0.1:1080\"")
        #expect(proxy("http://proxy:3128/path")
                == "plugins.yaml:4:12: providers.p.proxy: \(expected), got \"http://proxy:3128/path\"")
        #expect(proxy("127.0.0.1:1080") == "plugins.yaml:4:12: providers.p.proxy: \(expected), got \"127.0.0.1:1080\"")
        for valid in ["http://proxy:3128", "https://proxy/", "socks5://u:p@h:1", "SOCKS5H://[::1]:1080"] {
            #expect(proxy(valid) == "no error")
        }
    }

    @Test func headers() {
        func headers(_ text: String) -> String {
            message("providers:\n  p:\n    plugin: a.b\n    headers: \(text)\n")
        }
        #expect(headers("{ \"Bad Name\": x }") == "plugins.yaml:4:16: providers.p.headers: invalid header name "
                + "'Bad Name' (letters, digits and !#$%&'*+-.^_`|~ only)")
        #expect(headers("{ Content-Length: 5 }")
                == "plugins.yaml:4:16: providers.p.headers: 'Content-Length' is set by the gateway itself")
        #expect(headers("{ X-A: 1, x-a: 2 }") == "plugins.yaml:4:24: providers.p.headers: header 'x-a' is already "
                + "set at line 4, column 16 (names ignore case)")
        #expect(headers("{ X-A: \"a\\r\\nX-Injected: 1\" }") == "plugins.yaml:4:21: providers.p.headers.X-A: "
                + "expected a header value on one line, got \"a\\r\\nX-Injected: 1\"")
        #expect(headers("{ X-A: }") == "plugins.yaml:4:21: providers.p.headers.X-A: expected a header value on one "
                + "line, got null")
    }

    @Test func listenAddresses() {
        func proxy(_ text: String) -> String { message("listen:\n  proxy: \(text)\n") }
        let prefix = "plugins.yaml:2:10: listen.proxy: expected \"host:port\", got"
        #expect(proxy("\":8000\"") == "\(prefix) \":8000\" (a host is required; use 0.0.0.0:8000 to listen on "
                + "every interface)")
        #expect(proxy("::1:8000") == "\(prefix) \"::1:8000\" (write an IPv6 host in brackets, e.g. [::1]:8000)")
        #expect(proxy("127.0.0.1:65536") == "\(prefix) \"127.0.0.1:65536\"")
        #expect(proxy("300.1.1.1:80") == "\(prefix) \"300.1.1.1:80\"")
        #expect(proxy("\"[::1]\"") == "\(prefix) \"[::1]\"")
        #expect(proxy("\"[fe80::zz]:80\"") == "\(prefix) \"[fe80::zz]:80\"")
        #expect(proxy("bad_host:80") == "\(prefix) \"bad_host:80\"")
        #expect(message("listen:\n  admin: of\n")
                == "plugins.yaml:2:10: listen.admin: expected \"host:port\" or off, got \"of\"")
        #expect(message("listen:\n  proxy: 127.0.0.1:8000\n  admin: 127.0.0.1:8000\n") == "plugins.yaml:3:10: "
                + "listen.admin: the admin listener cannot share 127.0.0.1:8000 with the proxy listener (use another "
                + "port, or off)")
        #expect(message("listen:\n  proxy: 127.0.0.1:8501\n") == "plugins.yaml:2:10: listen.proxy: the admin "
                + "listener cannot share 127.0.0.1:8501 with the proxy listener (use another port, or off)")
    }

    @Test func trustedProxyNetworks() {
        func network(_ text: String) -> String { message("listen:\n  trusted_proxies: [\(text)]\n") }
        let expected = "expected an IP address or CIDR block such as \"10.0.0.0/8\""
        #expect(network("10.0.0.0/33")
                == "plugins.yaml:2:21: listen.trusted_proxies[0]: \(expected), got \"10.0.0.0/33\"")
        #expect(network("1.2.3.4, 10.0.0/8")
                == "plugins.yaml:2:30: listen.trusted_proxies[1]: \(expected), got \"10.0.0/8\"")
        #expect(network("\"::1/129\"") == "plugins.yaml:2:21: listen.trusted_proxies[0]: \(expected), got \"::1/129\"")
        #expect(network("10.0.0.0/") == "plugins.yaml:2:21: listen.trusted_proxies[0]: \(expected), got \"10.0.0.0/\"")
        #expect(network("localhost") == "plugins.yaml:2:21: listen.trusted_proxies[0]: \(expected), got \"localhost\"")
        #expect(network("\"2001:db8::/32\", 0.0.0.0/0") == "no error")
    }

    @Test func adminTokenRequiredOffLoopback() {
        let yaml = "listen:\n  admin: 0.0.0.0:8501\n  admin_token: ${LESSLLM_ADMIN_TOKEN:-}\n"
        let error = ConfigFixture.error(yaml)
        #expect(error?.kind == .conflict)
        #expect(error?.description == "plugins.yaml:2:10: listen.admin: the admin listener on 0.0.0.0:8501 is "
                + "reachable from other machines, so listen.admin_token must be set (e.g. admin_token: "
                + "${LESSLLM_ADMIN_TOKEN})")
        #expect(message(yaml, ["LESSLLM_ADMIN_TOKEN": "secret"]) == "no error")
        for loopback in ["127.0.0.1:1", "127.8.9.10:1", "\"[::1]:1\"", "localhost:1", "LOCALHOST:1", "off"] {
            #expect(message("listen:\n  admin: \(loopback)\n") == "no error")
        }
        #expect(message("listen:\n  admin: \"[::]:8501\"\n").hasPrefix("plugins.yaml:2:10: listen.admin: the admin"))
        #expect(message("listen:\n  admin: example.com:8501\n").hasPrefix("plugins.yaml:2:10: listen.admin: the"))
    }

    @Test func prices() {
        #expect(message("prices:\n  m: { input: -1, output: 1 }\n") == "plugins.yaml:2:15: prices.m.input: expected "
                + "a price ≥ 0 in USD per million tokens, got \"-1\"")
        #expect(message("prices:\n  m: { input: 1, output: $2 }\n") == "plugins.yaml:2:26: prices.m.output: "
                + "expected a price ≥ 0 in USD per million tokens, got \"$2\"")
        #expect(message("prices:\n  m: { input: 1, output: 2, cache_write: .inf }\n") == "plugins.yaml:2:42: "
                + "prices.m.cache_write: expected a price ≥ 0 in USD per million tokens, got \".inf\"")
        #expect(message("prices: [1]\n")
                == "plugins.yaml:1:9: prices: expected a mapping of model names to prices, got a list")
    }

    @Test func pluginFilesListedTwice() {
        #expect(message("plugins:\n  files: [a.so, ./a.so]\n")
                == "plugins.yaml:2:17: plugins.files[1]: './a.so' is already listed at line 2, column 11")
    }
}
