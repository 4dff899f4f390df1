import Foundation
import Testing

/// `lessllm` run as a real process: output, exit codes, and errors as one line on stderr (never a stack trace).
@Suite("lessllm command line")
struct CommandLineTests {
    let folder: URL

    init() throws {
        folder = try TestPaths.temporaryFolder("cli")
    }

    private func lessllm(_ arguments: String...) throws -> Subprocess.Result {
        try Subprocess.run(TestPaths.lessllm, arguments, currentDirectory: folder)
    }

    private func expectCleanFailure(_ result: Subprocess.Result) {
        #expect(result.status != 0)
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
    }

    /// A provider, a route and a SQLite sink whose file lies in the test's own folder.
    private var providerBody: String {
        """
        providers:
          oa: { plugin: dev.lessllm.provider.openai, base_url: "http://127.0.0.1:9/v1" }
        routes:
          - { model: "gpt-*", provider: oa }
        sinks:
          sqlite: { plugin: dev.lessllm.sink.sqlite, options: { path: \(folder.appendingPathComponent("exchanges.db").path) } }
        """
    }

    @Test("--version names the product and the ABI")
    func version() throws {
        let result = try lessllm("--version")
        #expect(result.status == 0)
        #expect(result.stdout == "lessllm 0.1.0 (plugin ABI 1.1)\n")
    }

    @Test("the gateway does not load Foundation or ICU (several MiB of memory it has no use for)")
    func noFoundation() throws {
        let result = try Subprocess.run("/usr/bin/ldd", [TestPaths.lessllm])
        #expect(result.status == 0)
        let libraries = result.stdout.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? "" }
        #expect(libraries.contains("libswiftCore.so"))
        #expect(!libraries.contains("libFoundation.so"), "\(result.stdout)")
        #expect(!libraries.contains { $0.contains("FoundationICU") || $0.contains("FoundationInternationalization") })
    }

    @Test("plugins prints one row per loaded plugin with its metadata")
    func pluginsTable() throws {
        let config = try TestConfig.write(in: folder, body: providerBody)
        let result = try lessllm("plugins", "--config", config.path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true)
            == ["FILE", "ID", "VERSION", "ABI", "KINDS", "OPS"])
        let rows = lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0[0] } == [TestPaths.plugin("OpenAIProvider"), TestPaths.plugin("ClaudeProvider"),
                                        TestPaths.plugin("SQLiteSink")])
        #expect(rows.map { $0[1] } == ["dev.lessllm.provider.openai", "dev.lessllm.provider.anthropic",
                                        "dev.lessllm.sink.sqlite"])
        #expect(rows.allSatisfy { $0[3] == "1.1" })  // the ABI each plugin was built against
        #expect(rows.map { $0[4] } == ["provider", "provider", "sink"])
        #expect(rows.map { Array($0[5...]) } == [["provider:openai.chat"], ["provider:anthropic.messages"],
                                                  ["sink:log", "sink:query"]])
    }

    @Test("plugins lists the good ones and names the broken file, exit 1")
    func pluginsWithABrokenFile() throws {
        let plugins = folder.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let broken = plugins.appendingPathComponent("broken.so")
        try "oops".write(to: broken, atomically: true, encoding: .utf8)
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, body: providerBody)
        let result = try lessllm("plugins", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stdout.contains("dev.lessllm.provider.openai"))
        #expect(result.stderr.hasPrefix("error: \(broken.path): not a shared library ("))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("check says OK and exits 0 for a good configuration")
    func checkPasses() throws {
        let config = try TestConfig.write(in: folder, body: providerBody)
        let result = try lessllm("check", "--config", config.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(config.path): OK — 3 plugins loaded; providers: oa; 1 routes; sinks: sqlite\n")
    }

    @Test("check reports a YAML error with file:line:column and exits 1")
    func checkSyntaxError() throws {
        let config = folder.appendingPathComponent("bad.yaml")
        try "listen:\n  proxy: \"127.0.0.1:8000\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try lessllm("check", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(config.path):3:1: found unexpected end of stream "
            + "(while scanning a quoted scalar at line 2, column 10)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("check names an unknown key with a suggestion")
    func checkUnknownKey() throws {
        let config = folder.appendingPathComponent("typo.yaml")
        try "listen:\n  proxi: 127.0.0.1:8000\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try lessllm("check", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stderr == "error: \(config.path):2:3: unknown key 'proxi' in listen (did you mean 'proxy'?)\n")
    }

    @Test("check names a provider whose plugin id is not loaded, at its line")
    func checkUnknownPluginID() throws {
        let config = try TestConfig.write(in: folder, body: """
            providers:
              oa: { plugin: dev.lessllm.provider.opneai }
            routes:
              - { model: "gpt-*", provider: oa }
            """)
        let result = try lessllm("check", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stderr == "error: \(config.path):6:17: providers.oa: no loaded plugin has id "
            + "'dev.lessllm.provider.opneai' (did you mean 'dev.lessllm.provider.openai'?)\n")
    }

    @Test("check reports a plugin that refuses its configuration, with the plugin's reason")
    func checkPluginRefuses() throws {
        let plugins = folder.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let path = try CPluginCompiler.build(source: TestPaths.fixture("plugins/test_plugin.c"), into: plugins,
                                             name: "strict", defines: ["CREATE_FAILS"])
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, files: [], body: """
            providers:
              strict: { plugin: test.lessllm.plugin }
            """)
        let result = try lessllm("check", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stderr.hasSuffix("error: \(path): plugin 'test.lessllm.plugin' refused to initialise "
            + "'strict': api_key is required for this test plugin\n"))
    }

    @Test("a missing configuration file is one clear line")
    func missingFile() throws {
        let result = try lessllm("check", "--config", "nowhere.yaml")
        expectCleanFailure(result)
        #expect(result.stderr == "error: nowhere.yaml: cannot read file: No such file or directory\n")
    }

    @Test("init writes a starter that check accepts, and will not overwrite without --force")
    func initWritesStarter() throws {
        let target = folder.appendingPathComponent("starter.yaml").path
        let first = try lessllm("init", "--output", target)
        #expect(first.status == 0)
        #expect(first.stdout == "wrote \(target); check it with: lessllm check --config \(target)\n")
        let text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(text.contains("plugin: dev.lessllm.provider.openai"))
        #expect(text.contains("api_key: ${ANTHROPIC_API_KEY:-}"))
        let check = try lessllm("check", "--config", target)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("OK — 4 plugins loaded; providers: openai, anthropic; 3 routes; sinks: sqlite"))
        let again = try lessllm("init", "--output", target)
        expectCleanFailure(again)
        #expect(again.stderr == "error: \(target) already exists; pass --force to overwrite it\n")
        #expect(try lessllm("init", "--output", target, "--force").status == 0)
    }

    @Test("server refuses to start on a broken file")
    func serverRefusesBrokenConfig() throws {
        let config = folder.appendingPathComponent("broken.yaml")
        try "routes:\n  - { model: x, provider: missing }\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try lessllm("server", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stderr == "error: \(config.path):2:27: routes[0].provider: no provider named 'missing' "
            + "(no providers are defined)\n")
    }

    @Test("server refuses to start when a plugin in the folder is broken, naming the file")
    func serverRefusesBrokenPlugin() throws {
        let plugins = folder.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let broken = try CPluginCompiler.build(source: TestPaths.fixture("plugins/test_plugin.c"), into: plugins,
                                               name: "major2", defines: ["TABLE_MAJOR=2"])
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, body: providerBody)
        let result = try lessllm("server", "--config", config.path)
        expectCleanFailure(result)
        #expect(result.stderr == "error: \(broken): ABI major mismatch: the plugin table was built for ABI 2.1, "
            + "this host speaks ABI 1.x\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("server says which address it cannot bind")
    func serverAddressInUse() throws {
        let config = try TestConfig.write(in: folder, body: providerBody)
        let first = try GatewayProcess(config: config)
        defer { first.stop() }
        let port = first.baseURL.split(separator: ":").last!
        let result = try lessllm("server", "--config", config.path, "--listen", "127.0.0.1:\(port)")
        expectCleanFailure(result)
        #expect(result.stderr.contains("error: cannot listen on 127.0.0.1:\(port): "))
        #expect(result.stderr.contains("Address already in use"))
    }

    @Test("an unknown subcommand gets usage help, not a crash")
    func unknownSubcommand() throws {
        let result = try lessllm("serve")
        expectCleanFailure(result)
        #expect(result.stderr.contains("Unexpected argument 'serve'"))
    }
}
