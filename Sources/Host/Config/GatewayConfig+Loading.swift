#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GatewayConfig {
    /// Files larger than this are refused rather than parsed.
    static let maximumFileSize = 4 * 1_048_576

    /// Reads, parses, expands and validates the configuration file at `path`.
    ///
    /// Relative paths in the file resolve against the file's directory (made absolute with the current directory),
    /// except `plugins.files`, which resolve against `executableDirectory`. Thread: any (blocking file I/O).
    /// - Parameters:
    ///   - path: the file, as the user named it; error messages repeat it unchanged.
    ///   - environment: the variables `${…}` references expand from (normally the process environment).
    ///   - executableDirectory: the directory of the `lessllm` executable.
    /// - Throws: `ConfigError`, e.g. `plugins.yaml: cannot read file: No such file or directory`.
    public static func load(path: String, environment: [String: String], executableDirectory: String)
        throws(ConfigError) -> GatewayConfig
    {
        let bytes = try readFile(path)
        let directory = FileSystem.folder(of: path)
        let base = switch directory {
        case ".": currentDirectory()
        case _ where directory.hasPrefix("/"): directory
        default: currentDirectory() + "/" + directory
        }
        return try parse(bytes: bytes, sourceName: path, baseDirectory: base, environment: environment,
                         executableDirectory: executableDirectory)
    }

    /// Parses, expands and validates configuration text (for tests and for text that is not in a file).
    /// - Parameters:
    ///   - yaml: the document.
    ///   - sourceName: the name error messages use.
    ///   - baseDirectory: the directory `plugins.folder` and `recording.journal` resolve against.
    ///   - environment: the variables `${…}` references expand from.
    ///   - executableDirectory: the directory `plugins.files` resolve against.
    /// - Throws: `ConfigError`.
    public static func parse(yaml: String, sourceName: String, baseDirectory: String, environment: [String: String],
                             executableDirectory: String) throws(ConfigError) -> GatewayConfig
    {
        try parse(bytes: Array(yaml.utf8), sourceName: sourceName, baseDirectory: baseDirectory,
                  environment: environment, executableDirectory: executableDirectory)
    }

    /// The process environment as a dictionary, for `load(path:environment:executableDirectory:)`.
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    private static func parse(bytes: [UInt8], sourceName: String, baseDirectory: String,
                              environment: [String: String], executableDirectory: String) throws(ConfigError)
        -> GatewayConfig
    {
        let document = try YAMLDocumentReader(sourceName: sourceName).read(bytes: bytes)
        let expanded = try EnvironmentExpander(environment: environment, sourceName: sourceName).expand(document)
        let context = ConfigDecodingContext(sourceName: sourceName, baseDirectory: baseDirectory,
                                            executableDirectory: executableDirectory, environment: environment)
        return try decode(expanded, context: context)
    }

    private static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        func failure(_ reason: String) -> ConfigError {
            ConfigError(.unreadableFile, "cannot read file: \(reason)", sourceName: path, mark: nil)
        }
        guard let file = fopen(path, "rb") else { throw failure(String(cString: strerror(errno))) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk.prefix(count)
            if bytes.count > maximumFileSize {
                throw failure("larger than \(maximumFileSize / 1_048_576) MiB")
            }
            if count < chunk.count {
                if ferror(file) != 0 { throw failure(String(cString: strerror(errno))) }
                return bytes
            }
        }
    }

    private static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "." }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
