import Testing
@testable import Host

@Suite("Configuration paths and files")
struct ConfigPathTests {
    @Test func relativePathsResolveAgainstTheirAnchors() throws {
        let config = try ConfigFixture.parse("""
        plugins:
          folder: ../shared//plugins/./
          files: [libA.so, sub/libB.so, /abs/libC.so, ~/libD.so]
        recording:
          journal: ./data/lessllm.journal
        """, environment: ["HOME": "/home/me"])
        #expect(config.plugins.folder == "/etc/lessllm/../shared/plugins")
        #expect(config.plugins.files.map(\.path)
                == ["/opt/lessllm/bin/libA.so", "/opt/lessllm/bin/sub/libB.so", "/abs/libC.so", "/home/me/libD.so"])
        #expect(config.recording.journal == "/etc/lessllm/data/lessllm.journal")
        #expect(config.recording.journalMark == Mark(line: 5, column: 12))
    }

    @Test func absoluteJournalAndFolderStay() throws {
        let config = try ConfigFixture.parse("plugins: { folder: /srv/plugins }\nrecording: { journal: /var/lib/j }\n")
        #expect(config.plugins.folder == "/srv/plugins")
        #expect(config.recording.journal == "/var/lib/j")
    }

    @Test func tildeWithoutHome() {
        #expect(ConfigFixture.message("recording: { journal: ~/j }\n")
                == "plugins.yaml:1:23: recording.journal: cannot expand '~' because HOME is not set")
    }

    @Test func loadReadsTheFileAndResolvesAgainstItsDirectory() throws {
        let directory = try TemporaryConfigDirectory()
        defer { directory.remove() }
        try directory.write("plugins.yaml", ConfigFixture.minimal("recording: { journal: j.journal }\n"))
        let path = directory.path + "/plugins.yaml"
        let config = try GatewayConfig.load(path: path, environment: [:], executableDirectory: "/x")
        #expect(config.sourceName == path)
        #expect(config.baseDirectory == directory.path)
        #expect(config.plugins.folder == directory.path + "/plugins.d")
        #expect(config.recording.journal == directory.path + "/j.journal")
    }

    @Test func loadErrorsNameTheFileAsGiven() throws {
        let directory = try TemporaryConfigDirectory()
        defer { directory.remove() }
        try directory.write("bad.yaml", "listen:\n  proxy: nope\n")
        do {
            _ = try GatewayConfig.load(path: directory.path + "/bad.yaml", environment: [:], executableDirectory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == directory.path + "/bad.yaml:2:10: listen.proxy: expected \"host:port\", got "
                    + "\"nope\"")
        }
    }

    @Test func unreadableFile() {
        do {
            _ = try GatewayConfig.load(path: "no-such-dir/plugins.yaml", environment: [:], executableDirectory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unreadableFile)
            #expect(error.mark == nil)
            #expect(error.description == "no-such-dir/plugins.yaml: cannot read file: No such file or directory")
        }
        do {
            _ = try GatewayConfig.load(path: "/", environment: [:], executableDirectory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/: cannot read file: Is a directory")
        }
    }

    @Test func emptyFileOnDisk() throws {
        let directory = try TemporaryConfigDirectory()
        defer { directory.remove() }
        try directory.write("plugins.yaml", "")
        do {
            _ = try GatewayConfig.load(path: directory.path + "/plugins.yaml", environment: [:],
                                       executableDirectory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .emptyFile)
            #expect(error.description == directory.path + "/plugins.yaml: the file is empty; expected a mapping with "
                    + "keys such as 'providers' and 'routes'")
        }
    }

    @Test func processEnvironmentIsReadable() {
        #expect(GatewayConfig.processEnvironment()["PATH"] != nil)
    }
}
