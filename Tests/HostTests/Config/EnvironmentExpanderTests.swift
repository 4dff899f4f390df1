import Testing
@testable import Host

@Suite("Environment expansion")
struct EnvironmentExpanderTests {
    /// The expanded text, or "error: " and the message.
    private func expand(_ text: String, _ environment: [String: String] = [:]) -> String {
        switch EnvironmentExpander.expand(text, environment: environment) {
        case .success(let value): value
        case .failure(let problem): "error: " + problem.message
        }
    }

    private func failure(_ message: String) -> String { "error: " + message }

    @Test func references() {
        let environment = ["KEY": "sk-1", "EMPTY": "", "HOST": "example.com"]
        #expect(expand("${KEY}", environment) == ("sk-1"))
        #expect(expand("https://${HOST}/v1?k=${KEY}", environment) == ("https://example.com/v1?k=sk-1"))
        #expect(expand("${EMPTY}", environment) == (""))
        #expect(expand("${MISSING:-fallback}", environment) == ("fallback"))
        #expect(expand("${EMPTY:-fallback}", environment) == ("fallback"))
        #expect(expand("${KEY:-fallback}", environment) == ("sk-1"))
        #expect(expand("${MISSING:-}", environment) == (""))
        #expect(expand("${MISSING:-a b:c-d}", environment) == ("a b:c-d"))
        #expect(expand("_${KEY}_", environment) == ("_sk-1_"))
    }

    @Test func dollars() {
        #expect(expand("$$") == ("$"))
        #expect(expand("$${KEY}") == ("${KEY}"))
        #expect(expand("pa$word") == ("pa$word"))
        #expect(expand("costs 5$") == ("costs 5$"))
        #expect(expand("$$$$") == ("$$"))
    }

    @Test func expandedValuesAreNotReExpanded() {
        #expect(expand("${A}", ["A": "${B}", "B": "no"]) == ("${B}"))
    }

    @Test func unsetVariable() {
        #expect(expand("${OPENAI_API_KEY}") == failure("environment variable OPENAI_API_KEY is not set (use "
                                                        + "${OPENAI_API_KEY:-} to allow it to be empty)"))
    }

    @Test func malformedReferences() {
        #expect(expand("${") == failure("unterminated environment reference '${' (missing '}'; write '$$' for a "
                                         + "literal '$')"))
        #expect(expand("x ${ABC") == failure("unterminated environment reference '${ABC' (missing '}'; write '$$' "
                                              + "for a literal '$')"))
        #expect(expand("${}") == failure("empty environment reference '${}' (write '$$' for a literal '$')"))
        #expect(expand("${1X}") == failure("invalid environment variable name '1X' in '${1X}': names start with a "
                                            + "letter or '_' and contain only letters, digits and '_'"))
        #expect(expand("${:-x}") == failure("invalid environment variable name '' in '${:-x}': names start with a "
                                             + "letter or '_' and contain only letters, digits and '_'"))
        #expect(expand("${A-b}") == failure("malformed environment reference '${A-b}' (expected ${NAME} or "
                                             + "${NAME:-default})"))
        #expect(expand("${A:?oops}") == failure("malformed environment reference '${A:?oops}' (expected ${NAME} or "
                                                 + "${NAME:-default})"))
    }

    @Test func errorsPointAtTheScalar() {
        let yaml = ConfigFixture.minimal() + "sinks:\n  s:\n    plugin: a.b\n    options: { token: \"${TOKEN}\" }\n"
        let error = ConfigFixture.error(yaml)
        #expect(error?.kind == .environment)
        #expect(error?.description == "plugins.yaml:10:23: environment variable TOKEN is not set (use ${TOKEN:-} to "
                + "allow it to be empty)")
        #expect(ConfigFixture.message("listen:\n  admin_token: ${}\n") == "plugins.yaml:2:16: empty environment "
                + "reference '${}' (write '$$' for a literal '$')")
    }

    @Test func keysAreNotExpanded() throws {
        let yaml = ConfigFixture.minimal() + "prices:\n  ${MODEL}: { input: 1, output: 2 }\n"
        let config = try ConfigFixture.parse(yaml, environment: ["MODEL": "x"])
        #expect(config.prices.first?.model.text == "${MODEL}")
    }

    @Test func expansionHappensAfterParsingAndYieldsStrings() throws {
        let yaml = ConfigFixture.minimal() + """
        sinks:
          s:
            plugin: a.b
            options:
              port: ${PORT}
              yaml: ${YAML}
              literal: $$HOME
              n: 1
        """
        let config = try ConfigFixture.parse(yaml, environment: ["PORT": "5432", "YAML": "{a: [1"])
        #expect(config.sinks[0].pluginConfigJSON()
                == #"{"name":"s","options":{"port":"5432","yaml":"{a: [1","literal":"$HOME","n":1}}"#)
    }

    @Test func typedSettingsAcceptExpandedText() throws {
        let yaml = ConfigFixture.minimal() + """
        listen:
          proxy: ${BIND:-127.0.0.1}:${PORT}
          max_body_bytes: ${MAX:-1MiB}
        recording:
          raw_events: ${RAW:-false}
        """
        let config = try ConfigFixture.parse(yaml, environment: ["PORT": "9000", "RAW": "true"])
        #expect(config.listen.proxy == ListenAddress(host: "127.0.0.1", port: 9000, mark: Mark(line: 8, column: 10)))
        #expect(config.listen.maxBodyBytes == 1_048_576)
        #expect(config.recording.rawEvents)
    }
}
