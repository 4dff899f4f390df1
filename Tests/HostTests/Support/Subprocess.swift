import Foundation

/// Runs a program to completion and captures what it printed.
struct Subprocess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`; throws only when it cannot be started.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Compiles C plugins with the system compiler, outside SwiftPM, with only the ABI header on the include path.
enum CPluginCompiler {
    /// Compiles `source` into `<folder>/<name>.so` with extra `-D` definitions.
    @discardableResult
    static func build(source: String, into folder: URL, name: String, defines: [String] = []) throws -> String {
        let output = folder.appendingPathComponent("\(name).so").path
        let result = try Subprocess.run(
            "/usr/bin/env",
            ["cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-Wno-unused-function", "-Wno-unused-const-variable", "-std=c11", "-I", TestPaths.abiInclude]
                + defines.map { "-D\($0)" } + ["-o", output, source])
        guard result.status == 0 else { throw CompileError(message: result.stderr) }
        return output
    }

    struct CompileError: Error, CustomStringConvertible {
        let message: String
        var description: String { "cc failed: \(message)" }
    }
}
