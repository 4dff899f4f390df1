import ArgumentParser
import Glibc

/// `lessllm init`: writes a commented starter configuration.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented starter configuration file.")

    @Option(name: .shortAndLong, help: "Where to write it.")
    var output: String = "plugins.yaml"

    @Flag(help: "Overwrite the file if it exists.")
    var force = false

    func run() throws {
        if !force && access(output, F_OK) == 0 {
            Terminal.error("\(output) already exists; pass --force to overwrite it")
            throw ExitCode.failure
        }
        guard let file = fopen(output, "w") else {
            Terminal.error("cannot write \(output): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        let text = StarterConfig.yaml
        let written = fwrite(text, 1, text.utf8.count, file)
        let closed = fclose(file)
        guard written == text.utf8.count, closed == 0 else {
            Terminal.error("cannot write \(output): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        Terminal.print("wrote \(output); check it with: lessllm check --config \(output)")
    }
}
