import Testing
@testable import Host

@Suite("Routes")
struct RouteConfigTests {
    private static let providers = """
    providers:
      openai: { plugin: dev.lessllm.provider.openai }
      claude: { plugin: dev.lessllm.provider.claude }
    routes:

    """

    private func routes(_ yaml: String) throws -> [RouteConfig] {
        try ConfigFixture.parse(Self.providers + yaml).routes
    }

    private func message(_ yaml: String) -> String {
        ConfigFixture.message(Self.providers + yaml)
    }

    @Test func exactGlobAliasAndDefault() throws {
        let routes = try routes("""
          - model: gpt-4o
            provider: openai
          - model: "claude-?-*"
            provider: claude
          - model: fast
            provider: openai
            upstream_model: gpt-4o-mini
          - default: true
            provider: claude
        """)
        #expect(routes.count == 4)
        #expect(routes[0].match == .model(ModelPattern("gpt-4o")))
        #expect(!routes[0].match.isGlobForTest && routes[1].match.isGlobForTest)
        #expect(routes[0].matches("gpt-4o") && !routes[0].matches("gpt-4o-mini"))
        #expect(routes[1].matches("claude-3-opus") && !routes[1].matches("claude-35-opus"))
        #expect(routes[2].upstreamModel == "gpt-4o-mini")
        #expect(routes[2].upstreamModel(for: "fast") == "gpt-4o-mini")
        #expect(routes[0].upstreamModel(for: "gpt-4o") == "gpt-4o")
        #expect(routes[3].isDefault && routes[3].matches("anything"))
        #expect(routes[3].mark == Mark(line: 12, column: 5))
        #expect(routes[3].providerMark == Mark(line: 13, column: 15))
        #expect(routes[1].provider == "claude")
    }

    @Test func defaultFalseWithModelIsAnOrdinaryRoute() throws {
        let routes = try routes("  - { model: a, default: false, provider: openai }\n")
        #expect(routes.first?.isDefault == false)
    }

    @Test func unknownProviderSuggestsAName() {
        let error = ConfigFixture.error(Self.providers + "  - model: a\n    provider: opnai\n")
        #expect(error?.kind == .invalidReference)
        #expect(error?.description
                == "plugins.yaml:6:15: routes[0].provider: no provider named 'opnai' (did you mean 'openai'?)")
        #expect(message("  - model: a\n    provider: gemini\n")
                == "plugins.yaml:6:15: routes[0].provider: no provider named 'gemini' (defined: openai, claude)")
        #expect(ConfigFixture.message("routes:\n  - model: a\n    provider: echo\n")
                == "plugins.yaml:3:15: routes[0].provider: no provider named 'echo' (no providers are defined)")
    }

    @Test func missingProvider() {
        #expect(message("  - model: a\n") == "plugins.yaml:5:5: routes[0]: missing required key 'provider' (the name "
                + "of a provider under 'providers')")
    }

    @Test func neitherModelNorDefault() {
        let error = ConfigFixture.error(Self.providers + "  - provider: openai\n")
        #expect(error?.kind == .missingKey)
        #expect(error?.description == "plugins.yaml:5:5: routes[0]: a route needs 'model' (a name or glob such as "
                + "\"gpt-*\") or 'default: true'")
        #expect(message("  - default: false\n    provider: openai\n") == "plugins.yaml:5:5: routes[0]: a route needs "
                + "'model' (a name or glob such as \"gpt-*\") or 'default: true'")
    }

    @Test func bothModelAndDefault() {
        let error = ConfigFixture.error(Self.providers + "  - model: a\n    default: true\n    provider: openai\n")
        #expect(error?.kind == .conflict)
        #expect(error?.description == "plugins.yaml:6:14: routes[0]: a route has either 'model' or 'default: true', "
                + "not both")
    }

    @Test func twoDefaults() {
        let yaml = "  - default: true\n    provider: openai\n  - model: x\n    provider: claude\n"
            + "  - default: true\n    provider: claude\n"
        let error = ConfigFixture.error(Self.providers + yaml)
        #expect(error?.kind == .conflict)
        #expect(error?.description == "plugins.yaml:9:5: routes[2]: only one route may be the default (earlier "
                + "route at line 5, column 5)")
    }

    @Test func repeatedPatternCanNeverMatch() {
        #expect(message("  - { model: a, provider: openai }\n  - { model: a, provider: claude }\n")
                == "plugins.yaml:6:5: routes[1]: model 'a' is already routed, and the first match wins (earlier route "
                + "at line 5, column 5)")
    }

    @Test func badValues() {
        #expect(message("  - { default: maybe, provider: openai }\n")
                == "plugins.yaml:5:16: routes[0].default: expected true or false, got \"maybe\"")
        #expect(message("  - { model: [a], provider: openai }\n")
                == "plugins.yaml:5:14: routes[0].model: expected a model name or glob such as \"gpt-*\", got a list")
        #expect(message("  - { model: a, provider: openai, upstream_model: {} }\n")
                == "plugins.yaml:5:51: routes[0].upstream_model: expected a string, got a mapping")
    }
}

private extension RouteConfig.Match {
    var isGlobForTest: Bool {
        if case .model(let pattern) = self { return pattern.isGlob }
        return false
    }
}
