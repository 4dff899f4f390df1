import Foundation

/// Where things are when the tests run: the repository, and the build products next to the test bundle.
enum TestPaths {
    /// The repository root (this file is Tests/HostTests/Support/TestPaths.swift).
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the built `lessllm` binary and the in-tree plugin libraries.
    static let products: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The test runner sits inside lessllmPackageTests.xctest (a file or a bundle folder) in the products folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("lessllm").path),
              folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// The `lessllm` binary under test.
    static var lessllm: String { products.appendingPathComponent("lessllm").path }

    /// An in-tree plugin library, e.g. "OpenAIProvider".
    static func plugin(_ name: String) -> String { products.appendingPathComponent("lib\(name).so").path }

    /// The ABI header's folder.
    static var abiInclude: String { repository.appendingPathComponent("Sources/PluginABI/include").path }

    /// A fixture file under Tests/Fixtures.
    static func fixture(_ path: String) -> String { repository.appendingPathComponent("Tests/Fixtures/\(path)").path }

    /// A new, empty temporary folder, inside this test process's own root (`temporaryRoot`).
    static func temporaryFolder(_ label: String = "lessllm-test") throws -> URL {
        let folder = temporaryRoot.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `$TMPDIR/lessllm-tests-<pid>`, holding every temporary folder of this run. A test process has no hook that
    /// runs after its last suite, so each run removes the roots left by runs whose process is gone — the folders
    /// of one run live until the next starts, never piling up.
    private static let temporaryRoot: URL = {
        let base = FileManager.default.temporaryDirectory
        let prefix = "lessllm-tests-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: base.appendingPathComponent(entry))
        }
        let root = base.appendingPathComponent("\(prefix)\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }()
}
