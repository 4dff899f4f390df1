/// Expands environment references in the scalar values of a parsed document (never in keys).
///
/// Syntax, as in a shell:
/// - `${NAME}`: the variable's value; an unset variable is an error (a set but empty one gives "").
/// - `${NAME:-default}`: the value, or `default` when the variable is unset or empty; `default` is literal text up
///   to the first `}`.
/// - `$$`: a literal `$`. Any other `$` is literal too (`pa$word` stays as written).
///
/// Names are `[A-Za-z_][A-Za-z0-9_]*`. Expansion runs after parsing, so expanded text is never read as YAML, and a
/// scalar containing a reference becomes `.quoted`: an environment value is always a string.
struct EnvironmentExpander {
    /// The variables to expand from.
    let environment: [String: String]
    /// The file name used in error messages.
    let sourceName: String

    /// Returns `node` with every scalar value expanded.
    /// - Throws: `ConfigError` of kind `.environment` at the scalar's position.
    func expand(_ node: YAMLNode) throws(ConfigError) -> YAMLNode {
        switch node {
        case .scalar(let text, let style, let mark):
            guard text.utf8.contains(UInt8(ascii: "$")) else { return node }
            switch Self.expand(text, environment: environment) {
            case .success(let expanded):
                return .scalar(expanded, style: expanded == text ? style : .quoted, mark: mark)
            case .failure(let problem):
                throw ConfigError(.environment, problem.message, sourceName: sourceName, mark: mark)
            }
        case .mapping(let entries, let mark):
            var expanded = entries
            for index in expanded.indices {
                expanded[index].value = try expand(expanded[index].value)
            }
            return .mapping(expanded, mark: mark)
        case .sequence(let items, let mark):
            var expanded: [YAMLNode] = []
            expanded.reserveCapacity(items.count)
            for item in items { expanded.append(try expand(item)) }
            return .sequence(expanded, mark: mark)
        }
    }

    /// Why a text could not be expanded.
    struct Problem: Error, Equatable {
        /// The message, without position.
        let message: String
    }

    /// Expands the references in one text.
    static func expand(_ text: String, environment: [String: String]) -> Result<String, Problem> {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "$"), index + 1 < bytes.count else {
                output.append(byte)
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case UInt8(ascii: "$"):
                output.append(byte)
                index += 2
            case UInt8(ascii: "{"):
                guard let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
                    let rest = String(decoding: bytes[index...].prefix(40), as: UTF8.self)
                    return .failure(Problem(message: "unterminated environment reference '\(rest)' (missing '}'; "
                                            + "write '$$' for a literal '$')"))
                }
                let body = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                switch resolve(body, environment: environment) {
                case .success(let value): output += value.utf8
                case .failure(let problem): return .failure(problem)
                }
                index = close + 1
            default:
                output.append(byte)
                index += 1
            }
        }
        return .success(String(decoding: output, as: UTF8.self))
    }

    /// Resolves the text between `${` and `}`.
    private static func resolve(_ body: String, environment: [String: String]) -> Result<String, Problem> {
        let name: Substring
        let fallback: Substring?
        if let separator = body.firstRange(of: ":-") {
            name = body[..<separator.lowerBound]
            fallback = body[separator.upperBound...]
        } else {
            name = body[...]
            fallback = nil
        }
        if body.isEmpty {
            return .failure(Problem(message: "empty environment reference '${}' (write '$$' for a literal '$')"))
        }
        guard isValidName(name) else {
            if name.isEmpty || name.utf8.allSatisfy({ isNameByte($0) }) {
                return .failure(Problem(message: "invalid environment variable name '\(name)' in '${\(body)}': names "
                                        + "start with a letter or '_' and contain only letters, digits and '_'"))
            }
            return .failure(Problem(message: "malformed environment reference '${\(body)}' (expected ${NAME} or "
                                    + "${NAME:-default})"))
        }
        let value = environment[String(name)]
        if let fallback {
            return .success(value.flatMap { $0.isEmpty ? nil : $0 } ?? String(fallback))
        }
        guard let value else {
            return .failure(Problem(message: "environment variable \(name) is not set (use ${\(name):-} to allow it "
                                    + "to be empty)"))
        }
        return .success(value)
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy(isNameByte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
