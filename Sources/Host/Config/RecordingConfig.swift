/// The `recording:` section: what the recorder keeps and how records reach the sinks.
public struct RecordingConfig: Sendable, Equatable {
    /// Whether records keep the raw upstream events besides the reconstructed response (default false).
    public var rawEvents = false
    /// Extra header names to redact, lowercased, on top of the built-in list (default none).
    public var redactHeaders: [String] = []
    /// How many finished exchanges may wait for the sinks (default 65,536); beyond it they go to the journal.
    public var queueCapacity = 65_536
    /// How much memory the waiting exchanges may hold, estimated from their bodies, events and headers (default
    /// 64 MiB); beyond it they go to the journal. The bound that matters for memory: exchanges differ in size by
    /// orders of magnitude (a one-line request, a 100k-token context).
    public var queueBytes = 64 * 1_048_576
    /// The journal file, resolved against the configuration file's directory; nil (the default) for
    /// `lessllm.journal` beside the configuration file.
    public var journal: String?
    /// Where the journal is named.
    public var journalMark: Mark?

    /// The defaults.
    public init() {}

    /// The keys valid in `recording:`.
    static let keys = ["raw_events", "redact_headers", "queue_capacity", "queue_bytes", "journal"]

    /// Decodes `recording:`; nil gives the defaults.
    /// - Throws: `ConfigError` for unknown keys or malformed values.
    static func decode(_ mapping: ConfigMapping?) throws(ConfigError) -> RecordingConfig {
        var config = RecordingConfig()
        guard let mapping else { return config }
        let context = mapping.context
        config.rawEvents = try mapping.bool("raw_events")?.value ?? config.rawEvents
        let headers = try mapping.list("redact_headers", expected: "a list of header names") ?? []
        for (index, item) in headers.enumerated() {
            let name = try ConfigMapping.value(
                of: item, path: "\(mapping.path("redact_headers"))[\(index)]", expected: "a header name",
                parse: { HeaderField.isValidName($0) ? $0.lowercased() : nil }, context: context)
            if !config.redactHeaders.contains(name.value) { config.redactHeaders.append(name.value) }
        }
        if let capacity = try mapping.value("queue_capacity", expected: "a whole number > 0",
                                            parse: { YAMLScalarSyntax.integer($0).flatMap { $0 > 0 ? $0 : nil } }) {
            config.queueCapacity = capacity.value
        }
        if let size = try mapping.value("queue_bytes", expected: "a size > 0 such as 67108864 or \"64MiB\"",
                                        parse: { ByteSize.parse($0).flatMap { $0 > 0 ? $0 : nil } }) {
            config.queueBytes = size.value
        }
        if let journal = try mapping.string("journal", expected: "a file path") {
            config.journal = try context.resolve(journal.value, against: context.baseDirectory,
                                                 keyPath: mapping.path("journal"), at: journal.mark)
            config.journalMark = journal.mark
        }
        return config
    }
}
