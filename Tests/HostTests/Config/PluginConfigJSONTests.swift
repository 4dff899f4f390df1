import Testing
@testable import Host

@Suite("pluginConfigJSON")
struct PluginConfigJSONTests {
    @Test func providerWithEveryKey() throws {
        let config = try ConfigFixture.parse("""
        providers:
          openai:
            plugin: dev.lessllm.provider.openai
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
            proxy: http://proxy:3128
            timeouts: { total: 1h }
            headers: { OpenAI-Organization: org-1, X-Quote: 'say "hi"' }
            options:
              organization: ~
              retries: 3
              ratio: 0.25
              big: 1e3
              plus: +7
              leading: 007
              half: .5
              octal: 0o17
              inf: .inf
              on: yes
              flag: false
              text: hello world
              quoted_number: "42"
              quoted_null: 'null'
              block: |
                a
                b
              list: [1, two, ~, "3", true]
              nested: { a: { b: [] } }
              empty: {}
        """, environment: ["OPENAI_API_KEY": "sk-\"x\"\\y"])
        let json = config.providers[0].pluginConfigJSON()
        let expected = #"{"name":"openai","base_url":"https://api.openai.com/v1","api_key":"sk-\"x\"\\y","#
            + #""headers":{"OpenAI-Organization":"org-1","X-Quote":"say \"hi\""},"#
            + #""options":{"organization":null,"retries":3,"ratio":0.25,"big":1e3,"plus":7,"leading":7,"half":0.5,"#
            + #""octal":"0o17","inf":".inf","on":"yes","flag":false,"text":"hello world","quoted_number":"42","#
            + #""quoted_null":"null","block":"a\nb\n","list":[1,"two",null,"3",true],"nested":{"a":{"b":[]}},"#
            + #""empty":{}}}"#
        #expect(json == expected)
    }

    @Test func providerOmitsAbsentKeys() throws {
        let config = try ConfigFixture.parse("""
        providers:
          local:
            plugin: dev.lessllm.provider.openai
            api_key: ${KEY:-}
            headers: {}
        """)
        #expect(config.providers[0].pluginConfigJSON() == #"{"name":"local"}"#)
    }

    @Test func controlCharactersAreEscaped() throws {
        let config = try ConfigFixture.parse("""
        sinks:
          s:
            plugin: a.b
            options: { "k\\u0001": "tab\\there\\r\\n\\u001f\\b\\f\\u00e9\\u2028" }
        """)
        #expect(config.sinks[0].pluginConfigJSON()
                == "{\"name\":\"s\",\"options\":{\"k\\u0001\":\"tab\\there\\r\\n\\u001f\\b\\f\u{e9}\u{2028}\"}}")
    }

    @Test func sinksAndConverters() throws {
        let config = try ConfigFixture.parse("""
        converters:
          dialects: { plugin: dev.lessllm.converter.dialects }
        sinks:
          sqlite:
            plugin: dev.lessllm.sink.sqlite
            options: { path: lessllm.db, wal: true, busy_timeout_ms: 5000 }
        """)
        #expect(config.converters[0].pluginConfigJSON() == #"{"name":"dialects"}"#)
        #expect(config.sinks[0].pluginConfigJSON()
                == #"{"name":"sqlite","options":{"path":"lessllm.db","wal":true,"busy_timeout_ms":5000}}"#)
    }

    @Test func aliasesAndMergeKeysInOptions() throws {
        let config = try ConfigFixture.parse("""
        sinks:
          a: { plugin: x.y, options: &shared { level: 1, tags: [p] } }
          b:
            plugin: x.y
            options:
              <<: *shared
              level: 2
        """)
        #expect(config.sinks[0].pluginConfigJSON() == #"{"name":"a","options":{"level":1,"tags":["p"]}}"#)
        #expect(config.sinks[1].pluginConfigJSON() == #"{"name":"b","options":{"tags":["p"],"level":2}}"#)
    }
}
