import Foundation
import Logging
import PluginABI
import Testing

@testable import Host

/// The loader against real shared libraries compiled by the test: every failure is one line naming the file and
/// the reason, and nothing crashes the host.
@Suite("Plugin loader")
struct PluginLoaderTests {
    let folder: URL

    init() throws {
        folder = try TestPaths.temporaryFolder("loader")
    }

    private func build(_ name: String, _ defines: [String] = []) throws -> String {
        try CPluginCompiler.build(
            source: TestPaths.fixture("plugins/test_plugin.c"), into: folder, name: name, defines: defines)
    }

    private func loadError(_ path: String) -> PluginLoadError? {
        do {
            _ = try LoadedPlugin.load(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("a well-formed C plugin loads with its metadata")
    func loadsMetadata() throws {
        let path = try build("good")
        let plugin = try LoadedPlugin.load(path: path)
        #expect(plugin.info == PluginInfo(
            id: "test.lessllm.plugin", name: "Test plugin", version: "9.9.9", description: "for tests",
            kinds: .provider, ops: ["provider:openai.chat"], abiMajor: 1, abiMinor: Int(LESSLLM_ABI_MINOR)))
        #expect(plugin.path == path)
    }

    @Test("a text file named .so is not a shared library")
    func textFile() throws {
        let path = folder.appendingPathComponent("notes.so").path
        try "just some text\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(loadError(path))
        #expect(error.shortDescription == "notSharedLibrary")
        #expect(error.description.hasPrefix("\(path): not a shared library ("))
        #expect(!error.description.contains("\n"))
    }

    @Test("a missing file says so")
    func missingFile() {
        let path = folder.appendingPathComponent("absent.so").path
        #expect(loadError(path)?.description == "\(path): no such file")
    }

    @Test("a library without the entry symbol is named as not a LessLLM plugin")
    func missingEntry() throws {
        let path = try build("noentry", ["NO_ENTRY"])
        #expect(loadError(path)?.description
            == "\(path): entry symbol lessllm_plugin_entry_v1 missing: not a LessLLM plugin")
    }

    @Test("a plugin for another ABI major is told apart by its entry symbol")
    func otherMajorEntry() throws {
        let path = try build("v2entry", ["ENTRY_V2"])
        #expect(loadError(path)?.description == "\(path): entry symbol lessllm_plugin_entry_v1 missing: the plugin "
            + "was built for ABI major 2 (it exports lessllm_plugin_entry_v2); this host speaks ABI 1")
    }

    @Test("a table with the wrong ABI major is refused")
    func wrongMajor() throws {
        let path = try build("major2", ["TABLE_MAJOR=2"])
        #expect(loadError(path)?.description
            == "\(path): ABI major mismatch: the plugin table was built for ABI 2.1, this host speaks ABI 1.x")
    }

    @Test("a table smaller than ABI 1.0's is refused")
    func tooSmall() throws {
        let path = try build("small", ["TABLE_SIZE=8"])
        #expect(loadError(path)?.description
            == "\(path): plugin table (lessllm_plugin) too small: 8 bytes, ABI 1.0 needs at least 64")
    }

    @Test("a missing required callback is named")
    func missingCallback() throws {
        let path = try build("noopen", ["NO_OPEN"])
        #expect(loadError(path)?.description == "\(path): missing required callback 'open' in the plugin table")
    }

    @Test("a plugin that declines the host says so")
    func declines() throws {
        let path = try build("declines", ["DECLINE"])
        #expect(loadError(path)?.description
            == "\(path): the plugin declined this host (its entry function returned NULL for ABI 1.1)")
    }

    @Test("metadata without ops or with a bad id is refused")
    func badMetadata() throws {
        let noOps = try build("noops", ["NO_OPS"])
        #expect(loadError(noOps)?.description
            == "\(noOps): invalid plugin metadata: plugin 'test.lessllm.plugin' declares no ops")
        let badID = try build("badid", [#"PLUGIN_ID="no dots""#])
        #expect(loadError(badID)?.description
            == "\(badID): invalid plugin metadata: id must be a reverse-DNS name like 'com.example.provider'")
    }

    @Test("a second plugin with the same id is refused, naming the first file")
    func duplicateID() throws {
        let first = try build("first")
        let second = try build("second")
        let (catalog, errors) = PluginCatalog.load(files: [first, second], folder: nil)
        #expect(catalog.plugins.map(\.path) == [first])
        #expect(errors.map(\.description)
            == ["\(second): duplicate plugin id 'test.lessllm.plugin' (already loaded from \(first))"])
    }

    @Test("the folder's .so files load in name order, each file once, broken ones reported")
    func folderScan() throws {
        let a = try build("a", [#"PLUGIN_ID="test.a""#])
        _ = try build("b", [#"PLUGIN_ID="test.b""#])
        try "not a library".write(to: folder.appendingPathComponent("c.so"), atomically: true, encoding: .utf8)
        try "ignored".write(to: folder.appendingPathComponent("readme.txt"), atomically: true, encoding: .utf8)
        let (catalog, errors) = PluginCatalog.load(files: [a], folder: folder.path)
        #expect(catalog.plugins.map(\.info.id) == ["test.a", "test.b"])
        #expect(errors.count == 1)
        #expect(errors.first?.description.hasPrefix(folder.appendingPathComponent("c.so").path + ": not a shared library") == true)
    }

    @Test("a plugin that refuses its configuration reports its own message")
    func refusesToInitialise() throws {
        let plugin = try LoadedPlugin.load(path: try build("refuses", ["CREATE_FAILS"]))
        #expect(throws: PluginLoadError.self) {
            try PluginInstance.create(plugin, name: "strict", configJSON: "{}", logger: Logger(label: "test"))
        }
        do {
            _ = try PluginInstance.create(plugin, name: "strict", configJSON: "{}", logger: Logger(label: "test"))
        } catch {
            #expect(error.description == "\(plugin.path): plugin 'test.lessllm.plugin' refused to initialise "
                + "'strict': api_key is required for this test plugin")
        }
    }

    @Test("the in-tree plugins load with their real metadata")
    func inTreePlugins() throws {
        let openAI = try LoadedPlugin.load(path: TestPaths.plugin("OpenAIProvider"))
        #expect(openAI.info.id == "dev.lessllm.provider.openai")
        #expect(openAI.info.kinds == .provider && openAI.info.ops == ["provider:openai.chat"])
        let claude = try LoadedPlugin.load(path: TestPaths.plugin("ClaudeProvider"))
        #expect(claude.info.id == "dev.lessllm.provider.anthropic")
        #expect(claude.info.ops == ["provider:anthropic.messages"])
        let sink = try LoadedPlugin.load(path: TestPaths.plugin("SQLiteSink"))
        #expect(sink.info.id == "dev.lessllm.sink.sqlite")
        #expect(sink.info.kinds == .sink && sink.info.ops == ["sink:log", "sink:query"])
        #expect([openAI, claude, sink].allSatisfy { $0.info.abiMajor == 1 && !$0.info.version.isEmpty })
    }
}
