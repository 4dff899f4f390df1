import ArgumentParser
import Glibc
import Logging

/// The `--config` option shared by the commands, and loading the file it names.
struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "plugins.yaml"

    /// Loads and decodes the configuration, or prints the error and exits 1.
    func load() throws -> GatewayConfig {
        do {
            return try GatewayConfig.load(
                path: config, environment: GatewayConfig.processEnvironment(),
                executableDirectory: Executable.directory)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }

    /// Loads the configured plugins and creates their instances, or prints every problem and exits 1.
    func buildRegistry(_ config: GatewayConfig, logger: Logger) throws -> PluginRegistry {
        switch PluginRegistry.build(config: config, logger: logger) {
        case .success(let registry):
            return registry
        case .failure(let problems):
            problems.all.forEach { Terminal.error($0.description) }
            throw ExitCode.failure
        }
    }
}

/// Where the running `lessllm` binary lives (relative plugin paths resolve against it).
enum Executable {
    static var directory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "." }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

/// Output for the operator.
enum Terminal {
    /// Prints `error: message` to stderr.
    static func error(_ message: String) {
        FileOutput.standardError.write("error: \(message)\n")
    }

    /// Prints a line to stdout.
    static func print(_ line: String) {
        FileOutput.standardOutput.write(line + "\n")
    }
}

/// Unbuffered writes to a file descriptor.
struct FileOutput {
    let descriptor: Int32

    static let standardOutput = FileOutput(descriptor: STDOUT_FILENO)
    static let standardError = FileOutput(descriptor: STDERR_FILENO)

    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// The logger the commands use: stderr, level from LESSLLM_LOG_LEVEL (default info).
enum CommandLogging {
    static func makeLogger() -> Logger {
        var logger = Logger(label: "lessllm")
        if let level = getenv("LESSLLM_LOG_LEVEL").map({ String(cString: $0) }).flatMap(Logger.Level.init(rawValue:)) {
            logger.logLevel = level
        }
        return logger
    }
}
