import Foundation
import JSONCore
import Testing

/// The ABI is real: plugins built outside the gateway's build — one in plain C with only the header, one in Swift
/// from a separate package — dropped into a plugins folder, are listed, accepted in routes, and serve requests,
/// all with the `lessllm` binary that was built before them.
@Suite("Drop-in plugins", .serialized)
struct DropInPluginTests {
    let folder: URL
    let plugins: URL

    init() throws {
        folder = try TestPaths.temporaryFolder("dropin")
        plugins = folder.appendingPathComponent("plugins.d")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
    }

    @Test("the C echo provider, compiled with cc, is listed, routed and answers in both dialects")
    func cEchoProvider() throws {
        let path = try CPluginCompiler.build(
            source: TestPaths.repository.appendingPathComponent("Examples/echo-provider/echo_provider.c").path,
            into: plugins, name: "libecho_provider")
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, body: """
            providers:
              echo: { plugin: dev.lessllm.example.echo }
            routes:
              - { model: echo, provider: echo }
            """)
        let listing = try Subprocess.run(TestPaths.lessllm, ["plugins", "--config", config.path])
        let row = try #require(listing.stdout.split(separator: "\n").first { $0.contains(path) })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).dropFirst().map(String.init)
            == ["dev.lessllm.example.echo", "1.0.0", "1.1", "provider", "provider:openai.chat",
                "provider:anthropic.messages"])
        #expect(try Subprocess.run(TestPaths.lessllm, ["check", "--config", config.path]).status == 0)

        let gateway = try GatewayProcess(config: config)
        defer { gateway.stop() }
        let (status, body) = try gateway.post(
            "/v1/chat/completions", json: #"{"model":"echo","messages":[{"role":"user","content":"drop in works"}]}"#)
        #expect(status == 200)
        #expect(body.contains(#""message":{"role":"assistant","content":"drop in works"},"finish_reason":"stop""#))
        #expect(body.contains(#""usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}"#))
        let (anthropicStatus, anthropicBody) = try gateway.post(
            "/v1/messages", json: #"{"model":"echo","max_tokens":9,"messages":[{"role":"user","content":"hi there"}]}"#)
        #expect(anthropicStatus == 200)
        #expect(anthropicBody.contains(#""content":[{"type":"text","text":"hi there"}],"stop_reason":"end_turn""#))
    }

    @Test("a response header a plugin could split the response with never reaches the client: it gets a clear 502")
    func headerInjectionIsRefused() throws {
        for (name, value) in [("x-test", #""ok\r\nx-injected: 1""#), ("x-test", #""bell\a""#), ("bad name", #""v""#)] {
            try? FileManager.default.removeItem(at: plugins)
            try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
            try CPluginCompiler.build(source: TestPaths.fixture("plugins/test_plugin.c"), into: plugins,
                                      name: "libresponder", defines: ["RESPOND_HEADER=\"\(name)\"", "RESPOND_VALUE=\(value)"])
            let config = try TestConfig.write(in: folder, pluginsFolder: plugins, body: """
                providers:
                  responder: { plugin: test.lessllm.plugin }
                routes:
                  - { model: responder, provider: responder }
                """)
            let gateway = try GatewayProcess(config: config)
            defer { gateway.stop() }
            let (status, headers, body) = try gateway.exchange(
                "/v1/chat/completions", json: #"{"model":"responder","messages":[{"role":"user","content":"x"}]}"#)
            #expect(status == 502, "\(name)")
            #expect(headers["x-injected"] == nil && headers["x-test"] == nil && headers["bad name"] == nil)
            let error = try JSONValue(parsing: Array(body.utf8))["error"]
            #expect(error?["message"]?.stringValue
                == "the response carried a header that cannot be sent to the client: '\(name)'", "\(body)")
            #expect(error?["type"] != nil)
            // The gateway stays up and answers the next request the same way.
            #expect(try gateway.post("/v1/chat/completions",
                                     json: #"{"model":"responder","messages":[{"role":"user","content":"y"}]}"#).0 == 502)
        }
    }

    @Test("a Swift plugin built from a separate package after the host loads and serves")
    func outOfTreeSwiftPlugin() throws {
        let package = TestPaths.fixture("SwiftPlugin")
        let scratch = TestPaths.repository.appendingPathComponent(".build-swiftplugin").path
        let arguments = ["swift", "build", "--package-path", package, "--scratch-path", scratch]
        var build = try Subprocess.run("/usr/bin/env", arguments)
        if build.status != 0 && (build.stdout + build.stderr).contains("missing inputs") {
            // SwiftPM keeps a stale build description for a path dependency whose files were renamed since the last
            // build in this scratch folder; the next build plans afresh.
            build = try Subprocess.run("/usr/bin/env", arguments)
        }
        #expect(build.status == 0, "\(build.stdout)\(build.stderr)")
        let built = URL(fileURLWithPath: scratch).appendingPathComponent("debug/libHelloPlugin.so")
        let dropped = plugins.appendingPathComponent("libHelloPlugin.so")
        try FileManager.default.copyItem(at: built, to: dropped)

        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, body: """
            providers:
              hello: { plugin: dev.lessllm.example.swift-hello, options: { greeting: "Hi from outside" } }
            routes:
              - { model: hello, provider: hello }
            """)
        let listing = try Subprocess.run(TestPaths.lessllm, ["plugins", "--config", config.path])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("\(dropped.path)  dev.lessllm.example.swift-hello  1.0.0"))

        let gateway = try GatewayProcess(config: config)
        defer { gateway.stop() }
        let (status, body) = try gateway.post(
            "/v1/chat/completions", json: #"{"model":"hello","messages":[{"role":"user","content":"x"}]}"#)
        #expect(status == 200)
        #expect(body.contains(#""content":"Hi from outside""#))
    }
}

extension DropInPluginTests {
    @Test("the README's minimal C provider compiles as printed and serves a request")
    func readmeProvider() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```c\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let source = folder.appendingPathComponent("hi.c")
        try String(readme[start.upperBound..<end.lowerBound]).write(to: source, atomically: true, encoding: .utf8)
        let compile = try Subprocess.run(
            "/usr/bin/env", ["cc", "-shared", "-fPIC", "-std=c11", "-I", TestPaths.abiInclude, "-o",
                             plugins.appendingPathComponent("libhi.so").path, source.path])
        #expect(compile.status == 0, "\(compile.stderr)")
        let config = try TestConfig.write(in: folder, pluginsFolder: plugins, files: [], body: """
            providers: { hi: { plugin: com.example.hi } }
            routes:    [ { model: hi, provider: hi } ]
            """)
        let gateway = try GatewayProcess(config: config)
        defer { gateway.stop() }
        let (status, body) = try gateway.post("/v1/chat/completions", json: #"{"model":"hi","messages":[]}"#)
        #expect(status == 200)
        #expect(body == #"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#)
    }
}
