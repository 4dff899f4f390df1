import CLibYAML

/// Parses one YAML document with libyaml's event API into a `YAMLNode` tree.
///
/// Block and flow styles, multi-line scalars, anchors, aliases and merge keys are supported. libyaml's own errors
/// (bad indentation, tabs, unclosed quotes, invalid UTF-8…) become `ConfigError`s of kind `.syntax` carrying
/// libyaml's problem text and position. Thread: any; each call uses its own parser.
public struct YAMLDocumentReader: Sendable {
    /// The file name used in error messages, as the user gave it.
    public let sourceName: String

    /// Creates a reader whose errors name `sourceName`.
    public init(sourceName: String) {
        self.sourceName = sourceName
    }

    /// Parses `text`.
    /// - Throws: `ConfigError` (`.syntax`, `.emptyFile`, `.multipleDocuments`, `.duplicateKey`).
    public func read(_ text: String) throws(ConfigError) -> YAMLNode {
        try read(bytes: Array(text.utf8))
    }

    /// Parses raw file bytes (UTF-8, or UTF-16 with a byte order mark); invalid encodings are reported by libyaml.
    /// - Throws: `ConfigError` (`.syntax`, `.emptyFile`, `.multipleDocuments`, `.duplicateKey`).
    public func read(bytes: [UInt8]) throws(ConfigError) -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            throw ConfigError(.syntax, "libyaml could not initialise a parser", sourceName: sourceName, mark: nil)
        }
        defer { yaml_parser_delete(&parser) }
        var builder = YAMLTreeBuilder(sourceName: sourceName)
        // libyaml wants a non-null pointer even for empty input; the count below keeps the padding out.
        let storage = bytes.isEmpty ? [0] : bytes
        let outcome = storage.withUnsafeBufferPointer { buffer -> ConfigError? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, bytes.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    return syntaxError(parser, input: bytes)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                guard let translated = Self.translate(event) else { continue }
                do throws(ConfigError) {
                    try builder.consume(translated)
                } catch {
                    return error
                }
            }
        }
        if let outcome { throw outcome }
        return try builder.finish()
    }

    private static func translate(_ event: yaml_event_t) -> YAMLTreeBuilder.Event? {
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_ALIAS_EVENT:
            return .alias(string(event.data.alias.anchor) ?? "", mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let style: YAMLNode.ScalarStyle = scalar.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            return .scalar(text, style: style, anchor: string(scalar.anchor), tag: string(scalar.tag), mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(anchor: string(start.anchor), tag: string(start.tag), mark: mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(anchor: string(start.anchor), tag: string(start.tag), mark: mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return nil
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func syntaxError(_ parser: yaml_parser_t, input: [UInt8]) -> ConfigError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return ConfigError(.syntax, "libyaml ran out of memory", sourceName: sourceName, mark: nil)
        case YAML_READER_ERROR:
            let value = parser.problem_value == -1 ? "" : " (byte 0x\(String(parser.problem_value, radix: 16)))"
            return ConfigError(.syntax, problem + value, sourceName: sourceName,
                               mark: Self.mark(atByteOffset: Int(parser.problem_offset), in: input))
        default:
            var message = problem
            let mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            let at = Mark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            if let context = parser.context.map({ String(cString: $0) }), at != mark {
                message += " (\(context) at line \(at.line), column \(at.column))"
            }
            if Self.byte(at: mark, in: input) == 0x09 {
                message += "; tabs cannot be used for indentation, use spaces"
            }
            return ConfigError(.syntax, message, sourceName: sourceName, mark: mark)
        }
    }

    /// The first byte of the character at `mark`, if the input has one there.
    private static func byte(at mark: Mark, in input: [UInt8]) -> UInt8? {
        var line = 1
        var column = 1
        for byte in input where byte & 0xC0 != 0x80 {
            if line == mark.line, column == mark.column { return byte }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return nil
    }

    /// The line and column of a byte offset, counting columns in UTF-8 sequences rather than bytes.
    private static func mark(atByteOffset offset: Int, in input: [UInt8]) -> Mark {
        var line = 1
        var column = 1
        for byte in input.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}
