import Foundation
import JSONCore
import Testing

/// `lessllm logs` and `lessllm stats` as real processes, over a database a real gateway wrote.
@Suite("logs and stats commands", .serialized)
struct LogCommandsTests {
    @Test("logs lists recorded exchanges, --id prints one record, stats aggregates them")
    func logsAndStats() throws {
        let folder = try TestPaths.temporaryFolder("logs")
        let plugins = folder.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try CPluginCompiler.build(
            source: TestPaths.repository.appendingPathComponent("Examples/echo-provider/echo_provider.c").path,
            into: plugins, name: "libecho_provider")
        let database = folder.appendingPathComponent("log.db").path
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, files: ["SQLiteSink"], body: """
            providers: { echo: { plugin: dev.lessllm.example.echo } }
            routes: [ { model: echo, provider: echo } ]
            sinks: { sqlite: { plugin: dev.lessllm.sink.sqlite, options: { path: "\(database)" } } }
            prices: { echo: { input: 1000, output: 2000 } }
            """)
        let gateway = try GatewayProcess(config: config)
        for text in ["one two", "three four five"] {
            let (status, _) = try gateway.post("/v1/chat/completions",
                                               json: #"{"model":"echo","messages":[{"role":"user","content":"\#(text)"}]}"#)
            #expect(status == 200)
        }
        _ = try gateway.post("/v1/messages", json: #"{"model":"missing","max_tokens":1,"messages":[]}"#)
        gateway.stop()  // SIGTERM drains the records into the database

        let logs = try Subprocess.run(TestPaths.lessllm, ["logs", "--config", config.path])
        #expect(logs.status == 0, "\(logs.stderr)")
        let lines = logs.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "3 of 3 exchanges")
        #expect(lines[1].contains("anthropic.messages → -") && lines[1].contains("rejected 404"))
        #expect(lines[2].contains("openai.chat → echo") && lines[2].contains("ok 200") && lines[2].contains("3/3")
            && lines[2].contains("$0.009000"))
        #expect(lines[3].contains("2/2") && lines[3].contains("$0.006000"))

        let id = try #require(lines[2].split(separator: " ", omittingEmptySubsequences: true).dropFirst().first)
        let one = try Subprocess.run(TestPaths.lessllm, ["logs", "--config", config.path, "--id", String(id)])
        let record = try JSONValue(parsing: one.stdout)
        #expect(record["id"]?.stringValue == String(id))
        #expect(record["response"]?["choices"]?[0]?["message"]?["content"]?.stringValue == "three four five")
        #expect(record["cost"]?["total"]?.doubleValue == 0.009)

        let stats = try Subprocess.run(TestPaths.lessllm, ["stats", "--config", config.path])
        #expect(stats.status == 0, "\(stats.stderr)")
        let rows = stats.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let echo = try #require(rows.first { $0.first == "echo" })
        #expect(Array(echo[1...9]) == ["2", "0", "0.0%", "5", "5", "0", "0", "$0.0150", "$0.0000"])
        let total = try #require(rows.first { $0.first == "TOTAL" })
        #expect(Array(total[1...3]) == ["3", "1", "33.3%"])

        let missing = try Subprocess.run(TestPaths.lessllm, ["logs", "--config", config.path, "--id", "nope"])
        #expect(missing.status == 1 && missing.stderr == "error: no exchange with id 'nope'\n")
    }
}
