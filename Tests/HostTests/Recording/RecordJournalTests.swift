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

    @Test("an entry encoded in place behind its head reads back whole, between entries appended as bytes")
    func entryEncodedInPlace() throws {
        let folder = try TestPaths.temporaryFolder("journal-in-place")
        let path = folder.appendingPathComponent("lessllm.journal").path
        let journal = RecordJournal(path: path)
        let long = [UInt8](repeating: 0x5A, count: 70_000)  // a length that needs three bytes of the head
        #expect(journal.append(Array("first".utf8)))
        #expect(journal.append(encoding: { $0.append(contentsOf: long) }))
        #expect(journal.append(encoding: { _ in }))
        #expect(journal.append(Array("last".utf8)))
        #expect(journal.takeEntries().map { Array($0) } == [Array("first".utf8), long, [], Array("last".utf8)])
        let file = try Data(contentsOf: URL(fileURLWithPath: path + ".replaying"))
        let second = 8 + "first".utf8.count  // where the second entry's head starts
        #expect(Array(file[second..<second + 4]) == Array("LLJ1".utf8))
        #expect(Array(file[second + 4..<second + 8]) == [0x70, 0x11, 0x01, 0x00], "70,000 little-endian")
    }

    @Test("bytes that begin no entry (a torn write) are passed over: the entries after them are still read")
    func tornBytesPassedOver() throws {
        let folder = try TestPaths.temporaryFolder("journal-torn")
        let path = folder.appendingPathComponent("lessllm.journal").path
        var file = Array("LLJ1\u{3}\0\0\0one".utf8)
        file += Array("LLJ1\u{40}\0".utf8)  // an entry's head cut short by a failed write
        file += Array("LLJ1\u{3}\0\0\0two".utf8) + Array("xyzLLJ1\u{5}\0\0\0three".utf8)
        try Data(file).write(to: URL(fileURLWithPath: path))
        #expect(RecordJournal(path: path).takeEntries().map { String(decoding: $0, as: UTF8.self) } == ["one", "two", "three"])
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
