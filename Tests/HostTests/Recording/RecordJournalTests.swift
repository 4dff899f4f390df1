import Foundation
import Testing

@testable import Host

/// The spill journal's own bookkeeping: what it reports as waiting, and that nothing appended is ever hidden.
@Suite("Record journal")
struct RecordJournalTests {
    @Test("a file left by an earlier run is found at start; an empty journal is not; every append is found again")
    func waitingEntries() throws {
        let folder = try TestPaths.temporaryFolder("journal")
        let path = folder.appendingPathComponent("lessllm.journal").path
        try Data("LLJ1\u{3}\0\0\0abc".utf8).write(to: URL(fileURLWithPath: path))

        let journal = RecordJournal(path: path)
        #expect(journal.hasEntries)
        #expect(journal.takeEntries().map { Array($0) } == [Array("abc".utf8)])
        // Taken but not finished (the sink failed): still waiting.
        #expect(journal.hasEntries)
        journal.finishReplay()
        #expect(!journal.hasEntries)
        #expect(!journal.hasEntries)

        #expect(journal.append(Array("second".utf8)))
        #expect(journal.hasEntries)
        #expect(journal.hasEntries)
        #expect(journal.takeEntries().map { Array($0) } == [Array("second".utf8)])
        journal.finishReplay()
        #expect(!journal.hasEntries)
        #expect(!FileManager.default.fileExists(atPath: path + ".replaying"))
    }

    @Test("whether the journal can be written is known at start: its file, or its folder while there is none")
    func writeProblem() throws {
        let folder = try TestPaths.temporaryFolder("journal-check")
        let path = folder.appendingPathComponent("lessllm.journal").path
        #expect(RecordJournal(path: path).writeProblem() == nil, "a writable folder, no file yet")
        #expect(RecordJournal(path: path).append(Array("x".utf8)))
        #expect(RecordJournal(path: path).writeProblem() == nil, "a writable file")
        let missing = folder.appendingPathComponent("missing/lessllm.journal").path
        #expect(RecordJournal(path: missing).writeProblem()
            == "its folder '\(folder.path)/missing': No such file or directory")
        // A path through a file (which stops root as well as anyone: the tests may run as root).
        let throughFile = path + "/lessllm.journal"
        #expect(RecordJournal(path: throughFile).writeProblem() == "'\(path)' is not a folder")
    }

    @Test("the folder a path names its file in: a root file's is /, a bare name's is .")
    func folderOfPath() {
        #expect(FileSystem.folder(of: "/var/lib/lessllm/lessllm.journal") == "/var/lib/lessllm")
        #expect(FileSystem.folder(of: "/lessllm.journal") == "/")
        #expect(FileSystem.folder(of: "lessllm.journal") == ".")
        #expect(FileSystem.folder(of: "data/lessllm.journal") == "data")
    }
}
