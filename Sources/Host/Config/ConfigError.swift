/// Why `plugins.yaml` was refused. Its description is one line: `file:line:column: message`, or `file: message`
/// when the problem has no position (an unreadable or empty file). `file` is the path as the user gave it.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    fileprivate enum Code: Sendable, Hashable {
        case unreadableFile, syntax, emptyFile, multipleDocuments, duplicateKey, environment
        case unknownKey, missingKey, invalidValue, invalidReference, conflict
    }

    /// The class of a configuration error, for tests and logs; compare with the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate let code: Code

        /// The file could not be read (missing, unreadable, too large).
        public static let unreadableFile = Kind(code: .unreadableFile)
        /// libyaml rejected the text, or it uses a YAML feature the gateway does not accept.
        public static let syntax = Kind(code: .syntax)
        /// The file holds no settings at all.
        public static let emptyFile = Kind(code: .emptyFile)
        /// The file holds more than one YAML document.
        public static let multipleDocuments = Kind(code: .multipleDocuments)
        /// A mapping names the same key twice.
        public static let duplicateKey = Kind(code: .duplicateKey)
        /// A `${…}` reference is malformed or names an unset variable.
        public static let environment = Kind(code: .environment)
        /// A key that is not valid at that spot.
        public static let unknownKey = Kind(code: .unknownKey)
        /// A required key is absent.
        public static let missingKey = Kind(code: .missingKey)
        /// A value has the wrong type or format.
        public static let invalidValue = Kind(code: .invalidValue)
        /// A name refers to something that does not exist (a route's provider, a plugin id that is not loaded).
        public static let invalidReference = Kind(code: .invalidReference)
        /// Settings that contradict each other (two default routes, a public admin listener without a token).
        public static let conflict = Kind(code: .conflict)

        /// The kind's stable name, e.g. `unknownKey`.
        public var description: String { "\(code)" }
    }

    /// The class of the error.
    public let kind: Kind
    /// The configuration file as the user named it.
    public let sourceName: String
    /// Where in the file, if the problem has a position.
    public let mark: Mark?
    /// The reason, without file or position.
    public let message: String

    /// Creates an error; the host uses this (through `GatewayConfig.error(at:_:)`) for problems found after
    /// decoding, such as a plugin id that no loaded plugin declares.
    init(_ kind: Kind, _ message: String, sourceName: String, mark: Mark?) {
        self.kind = kind
        self.message = message
        self.sourceName = sourceName
        self.mark = mark
    }

    /// `file:line:column: message`, or `file: message` without a position.
    public var description: String {
        if let mark { return "\(sourceName):\(mark.line):\(mark.column): \(message)" }
        return "\(sourceName): \(message)"
    }

    /// A short, stable name of the failure class (for metrics and logs).
    public var shortDescription: String { kind.description }
}
