import Testing

@testable import Host

@Suite("Model router")
struct ModelRouterTests {
    func router(_ yaml: String) throws -> ModelRouter {
        let config = try GatewayConfig.parse(
            yaml: "providers:\n  a: { plugin: x.a }\n  b: { plugin: x.b }\nroutes:\n" + yaml, sourceName: "t.yaml",
            baseDirectory: "/tmp", environment: [:], executableDirectory: "/tmp")
        return ModelRouter(routes: config.routes)
    }

    @Test("exact names, globs and aliases; the first match wins")
    func firstMatchWins() throws {
        let router = try router("""
              - { model: "gpt-4o", provider: a }
              - { model: "gpt-*", provider: b }
              - { model: fast, provider: a, upstream_model: gpt-4o-mini }
              - { model: "claude-?-*", provider: b }
            """)
        #expect(router.resolve("gpt-4o") == .init(provider: "a", upstreamModel: "gpt-4o", isAliased: false))
        #expect(router.resolve("gpt-4o-mini") == .init(provider: "b", upstreamModel: "gpt-4o-mini", isAliased: false))
        #expect(router.resolve("fast") == .init(provider: "a", upstreamModel: "gpt-4o-mini", isAliased: true))
        #expect(router.resolve("claude-3-opus")?.provider == "b")
        #expect(router.resolve("claude-opus") == nil)
        #expect(router.resolve("llama") == nil)
        #expect(router.listedModels == ["gpt-4o", "fast"])
    }

    @Test("the default route answers only what nothing else matched, wherever it stands")
    func defaultRoute() throws {
        let router = try router("""
              - { default: true, provider: b, upstream_model: house-model }
              - { model: "gpt-*", provider: a }
            """)
        #expect(router.resolve("gpt-4") == .init(provider: "a", upstreamModel: "gpt-4", isAliased: false))
        #expect(router.resolve("anything") == .init(provider: "b", upstreamModel: "house-model", isAliased: true))
    }
}
