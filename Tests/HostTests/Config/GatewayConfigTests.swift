import Testing
@testable import Host

@Suite("GatewayConfig")
struct GatewayConfigTests {
    static let full = """
    listen:
      proxy: 0.0.0.0:8080
      admin: "[::1]:9090"
      admin_token: ${ADMIN_TOKEN}
      max_body_bytes: 16MiB
      trusted_proxies: [127.0.0.1, 10.0.0.0/8, "fd00::/8"]
      shutdown_grace: 1m30s
    plugins:
      folder: extra-plugins
      files: [libOpenAIProvider.so, /usr/lib/lessllm/libClaudeProvider.so]
    providers:
      openai:
        plugin: dev.lessllm.provider.openai
        base_url: https://api.openai.com/v1/
        api_key: ${OPENAI_API_KEY:-}
        proxy: socks5h://user:pass@127.0.0.1:1080
        timeouts: { connect: 5s, first_byte: 2m, idle: 250ms, total: 1h }
        headers: { OpenAI-Organization: org-1, X-Trace: "on" }
        options: { retries: 2 }
      claude:
        plugin: dev.lessllm.provider.claude
    converters:
      dialects:
        plugin: dev.lessllm.converter.dialects
        options: { strict: true }
    routes:
      - model: echo
        provider: claude
      - model: "gpt-*"
        provider: openai
      - model: fast
        provider: openai
        upstream_model: gpt-4o-mini
      - default: true
        provider: claude
        upstream_model: claude-sonnet-4
    sinks:
      sqlite:
        plugin: dev.lessllm.sink.sqlite
        options: { path: lessllm.db }
    recording:
      raw_events: true
      redact_headers: [X-My-Secret]
      queue_capacity: 128
      queue_bytes: 16MiB
      journal: state/lessllm.journal
    prices:
      my-model: { input: 1.0, output: 2.0, cache_read: 0.1, cache_write: 1.25, cache_write_1h: 2.5 }
      "local-*": { input: 0, output: 0 }
    """

    @Test func fullConfiguration() throws {
        let config = try ConfigFixture.parse(Self.full, environment: ["ADMIN_TOKEN": "t0k", "OPENAI_API_KEY": "sk-1"])
        #expect(config.sourceName == "plugins.yaml")

        let listen = config.listen
        #expect(listen.proxy == ListenAddress(host: "0.0.0.0", port: 8080, mark: Mark(line: 2, column: 10)))
        #expect(listen.admin == ListenAddress(host: "::1", port: 9090, mark: Mark(line: 3, column: 10)))
        #expect(listen.admin?.description == "[::1]:9090")
        #expect(listen.adminToken == "t0k")
        #expect(listen.maxBodyBytes == 16 * 1_048_576)
        #expect(listen.trustedProxies.map(\.text) == ["127.0.0.1", "10.0.0.0/8", "fd00::/8"])
        #expect(listen.shutdownGrace == .seconds(90))

        #expect(config.plugins.folder == "/etc/lessllm/extra-plugins")
        #expect(config.plugins.folderMark == Mark(line: 9, column: 11))
        #expect(config.plugins.files == [
            .init(path: "/opt/lessllm/bin/libOpenAIProvider.so", mark: Mark(line: 10, column: 11)),
            .init(path: "/usr/lib/lessllm/libClaudeProvider.so", mark: Mark(line: 10, column: 33)),
        ])

        #expect(config.providers.map(\.name) == ["openai", "claude"])
        let openai = try #require(config.provider(named: "openai"))
        #expect(openai.mark == Mark(line: 12, column: 3))
        #expect(openai.plugin == PluginReference(id: "dev.lessllm.provider.openai", mark: Mark(line: 13, column: 13)))
        #expect(openai.baseURL == "https://api.openai.com/v1")
        #expect(openai.apiKey == "sk-1")
        #expect(openai.proxy == "socks5h://user:pass@127.0.0.1:1080")
        #expect(openai.timeouts.connect == .seconds(5))
        #expect(openai.timeouts.firstByte == .seconds(120))
        #expect(openai.timeouts.idle == .milliseconds(250))
        #expect(openai.timeouts.total == .seconds(3600))
        #expect(openai.headers.map(\.name) == ["OpenAI-Organization", "X-Trace"])
        #expect(openai.headers.map(\.value) == ["org-1", "on"])
        #expect(openai.options?["retries"]?.scalarText == "2")
        #expect(!openai.description.contains("sk-1"))

        let claude = try #require(config.provider(named: "claude"))
        #expect(claude.baseURL == nil && claude.apiKey == nil && claude.proxy == nil && claude.options == nil)
        #expect(claude.timeouts == ProviderConfig.Timeouts())
        #expect(claude.headers.isEmpty)

        #expect(config.converters.map(\.name) == ["dialects"])
        #expect(config.converters[0].plugin.id == "dev.lessllm.converter.dialects")
        #expect(config.converters[0].mark == Mark(line: 23, column: 3))

        #expect(config.routes.map(\.description) == [
            "echo → claude", "gpt-* → openai", "fast → openai as gpt-4o-mini",
            "(default) → claude as claude-sonnet-4",
        ])
        #expect(config.routes[1].mark == Mark(line: 29, column: 5))
        #expect(config.routes[1].providerMark == Mark(line: 30, column: 15))
        #expect(config.routes[3].isDefault)

        #expect(config.sinks.map(\.name) == ["sqlite"])
        #expect(config.sinks[0].plugin
                == PluginReference(id: "dev.lessllm.sink.sqlite", mark: Mark(line: 39, column: 13)))

        #expect(config.recording.rawEvents)
        #expect(config.recording.redactHeaders == ["x-my-secret"])
        #expect(config.recording.queueCapacity == 128)
        #expect(config.recording.queueBytes == 16 * 1_048_576)
        #expect(config.recording.journal == "/etc/lessllm/state/lessllm.journal")

        #expect(config.prices == [
            PriceOverride(model: ModelPattern("my-model"), mark: Mark(line: 48, column: 3), input: 1, output: 2,
                          cacheRead: 0.1, cacheWrite: 1.25, cacheWriteLong: 2.5),
            PriceOverride(model: ModelPattern("local-*"), mark: Mark(line: 49, column: 3), input: 0, output: 0,
                          cacheRead: nil, cacheWrite: nil, cacheWriteLong: nil),
        ])
    }

    @Test func defaultsWhenKeysAreAbsent() throws {
        let config = try ConfigFixture.parse(ConfigFixture.minimal())
        #expect(config.listen == ListenConfig())
        #expect(config.listen.proxy.description == "127.0.0.1:8000")
        #expect(config.listen.admin?.description == "127.0.0.1:8501")
        #expect(config.listen.adminToken == nil)
        #expect(config.listen.maxBodyBytes == 33_554_432)
        #expect(config.listen.trustedProxies.isEmpty)
        #expect(config.listen.shutdownGrace == .seconds(10))
        #expect(config.plugins == PluginSources(folder: "/etc/lessllm/plugins.d", folderMark: nil, files: []))
        #expect(config.converters.isEmpty && config.sinks.isEmpty && config.prices.isEmpty)
        #expect(config.recording == RecordingConfig())
        #expect(config.recording.queueCapacity == 65_536 && !config.recording.rawEvents)
        #expect(config.recording.queueBytes == 64 * 1_048_576)
        #expect(config.recording.journal == nil && config.recording.redactHeaders.isEmpty)
        let timeouts = config.providers[0].timeouts
        #expect([timeouts.connect, timeouts.firstByte, timeouts.idle, timeouts.total]
                == [.seconds(10), .seconds(300), .seconds(300), .seconds(3600)])
    }

    @Test func emptySectionsAreAbsent() throws {
        let config = try ConfigFixture.parse(ConfigFixture.minimal("""
        listen:
        plugins: ~
        sinks:
        converters: {}
        prices:
        recording:
        """))
        #expect(config.listen == ListenConfig())
        #expect(config.sinks.isEmpty && config.converters.isEmpty && config.prices.isEmpty)
    }

    @Test func onlyProvidersAndNoRoutes() throws {
        let config = try ConfigFixture.parse("providers: { a: { plugin: x.y } }\n")
        #expect(config.routes.isEmpty)
    }

    @Test func adminOff() throws {
        let config = try ConfigFixture.parse("listen: { admin: off }\n")
        #expect(config.listen.admin == nil)
        #expect(config.listen.description == "proxy 127.0.0.1:8000, admin off")
    }

    @Test func ephemeralPortsAndHostNames() throws {
        let config = try ConfigFixture.parse("listen: { proxy: localhost:0, admin: \"127.0.0.1:0\" }\n")
        #expect(config.listen.proxy.host == "localhost" && config.listen.proxy.port == 0)
        #expect(config.listen.admin?.port == 0)
    }

    @Test func hostReportsLaterProblemsAtTheRightLine() throws {
        let config = try ConfigFixture.parse(ConfigFixture.minimal())
        let error = config.error(at: config.providers[0].plugin.mark,
                                 "no loaded plugin has id 'dev.lessllm.provider.echo'")
        #expect(error.description == "plugins.yaml:3:13: no loaded plugin has id 'dev.lessllm.provider.echo'")
        #expect(error.kind == .invalidReference)
    }
}

@Suite("GatewayConfig listener overrides")
struct GatewayConfigOverrideTests {
    @Test func replacesListeners() throws {
        let config = try ConfigFixture.parse(ConfigFixture.minimal())
        let overridden = try config.overridingListeners(proxy: "0.0.0.0:9000", admin: "off")
        #expect(overridden.listen.proxy == ListenAddress(host: "0.0.0.0", port: 9000))
        #expect(overridden.listen.admin == nil)
        #expect(overridden.providers == config.providers && overridden.routes == config.routes)
        #expect(try config.overridingListeners(proxy: nil, admin: nil) == config)
    }

    @Test func checksLikeTheFile() throws {
        let config = try ConfigFixture.parse(ConfigFixture.minimal())
        func failure(proxy: String?, admin: String?) -> String {
            do {
                _ = try config.overridingListeners(proxy: proxy, admin: admin)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(failure(proxy: "8000", admin: nil) == "--listen: expected \"host:port\", got \"8000\"")
        #expect(failure(proxy: ":8000", admin: nil) == "--listen: expected \"host:port\", got \":8000\" (a host is "
                + "required; use 0.0.0.0:8000 to listen on every interface)")
        #expect(failure(proxy: nil, admin: "of") == "--admin-listen: expected \"host:port\" or off, got \"of\"")
        #expect(failure(proxy: nil, admin: "0.0.0.0:8501") == "--admin-listen: the admin listener on 0.0.0.0:8501 is "
                + "reachable from other machines, so listen.admin_token must be set (e.g. admin_token: "
                + "${LESSLLM_ADMIN_TOKEN})")
        #expect(failure(proxy: "127.0.0.1:8501", admin: nil) == "--listen: the admin listener cannot share "
                + "127.0.0.1:8501 with the proxy listener (use another port, or off)")
    }
}
