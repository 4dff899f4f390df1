/// Builds a `YAMLNode` tree from a stream of parser events, in pure Swift so that it is testable without libyaml.
///
/// It resolves anchors and aliases (by copying the anchored node), applies merge keys (`<<: *defaults`, where
/// keys written in the mapping itself win), and rejects what a configuration file must not contain: duplicate keys,
/// non-scalar keys, unknown aliases, custom tags, a second document, and documents that are absurdly deep or that
/// explode through aliases ("billion laughs").
struct YAMLTreeBuilder {
    /// One parser event, already copied out of libyaml's memory.
    enum Event: Sendable, Equatable {
        /// A document begins (explicitly with `---` or implicitly).
        case documentStart(Mark)
        /// `*name`.
        case alias(String, Mark)
        /// A scalar with its optional `&anchor` and resolved tag.
        case scalar(String, style: YAMLNode.ScalarStyle, anchor: String?, tag: String?, mark: Mark)
        /// A sequence begins.
        case sequenceStart(anchor: String?, tag: String?, mark: Mark)
        /// The innermost open sequence ends.
        case sequenceEnd
        /// A mapping begins.
        case mappingStart(anchor: String?, tag: String?, mark: Mark)
        /// The innermost open mapping ends.
        case mappingEnd
    }

    /// Collections nested deeper than this are refused (the tree is walked recursively later on).
    static let maximumDepth = 64
    /// Documents with more nodes than this, aliases expanded, are refused.
    static let maximumNodeCount = 200_000

    private enum Part {
        case entry(YAMLNode.Entry)
        case merge([YAMLNode.Entry])
    }

    private struct PendingKey {
        var text: String
        var mark: Mark
        var isMerge: Bool
    }

    private struct Frame {
        var isMapping: Bool
        var mark: Mark
        var anchor: String?
        var items: [YAMLNode] = []
        var parts: [Part] = []
        var keyMarks: [String: Mark] = [:]
        var pendingKey: PendingKey?
        var size = 1
    }

    private let sourceName: String
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    private var documentCount = 0
    private(set) var root: YAMLNode?

    /// Creates a builder whose errors name `sourceName`.
    init(sourceName: String) {
        self.sourceName = sourceName
    }

    /// Feeds one event.
    /// - Throws: `ConfigError` of kind `.syntax`, `.duplicateKey` or `.multipleDocuments`.
    mutating func consume(_ event: Event) throws(ConfigError) {
        switch event {
        case .documentStart(let mark):
            documentCount += 1
            if documentCount > 1 {
                throw error(.multipleDocuments, "a second YAML document starts here; the configuration must be "
                            + "a single document", at: mark)
            }
        case .alias(let name, let mark):
            guard let anchored = anchors[name] else {
                throw error(.syntax, "unknown alias '*\(name)' (an anchor '&\(name)' must be defined before it)",
                            at: mark)
            }
            try attach(anchored.node, size: anchored.size, anchor: nil)
        case .scalar(let text, let style, let anchor, let tag, let mark):
            let style = try scalarStyle(style, tag: tag, at: mark)
            try attach(.scalar(text, style: style, mark: mark), size: 1, anchor: anchor)
        case .sequenceStart(let anchor, let tag, let mark):
            try push(Frame(isMapping: false, mark: mark, anchor: anchor), tag: tag, allowedTag: "seq")
        case .mappingStart(let anchor, let tag, let mark):
            try push(Frame(isMapping: true, mark: mark, anchor: anchor), tag: tag, allowedTag: "map")
        case .sequenceEnd:
            guard let frame = stack.popLast() else { return }
            try attach(.sequence(frame.items, mark: frame.mark), size: frame.size, anchor: frame.anchor)
        case .mappingEnd:
            guard let frame = stack.popLast() else { return }
            try attach(.mapping(Self.entries(of: frame), mark: frame.mark), size: frame.size, anchor: frame.anchor)
        }
    }

    /// The finished document.
    /// - Throws: `ConfigError` of kind `.emptyFile` when the stream held no document.
    func finish() throws(ConfigError) -> YAMLNode {
        guard let root else {
            throw error(.emptyFile, "the file is empty; expected a mapping with keys such as 'providers' and "
                        + "'routes'", at: nil)
        }
        return root
    }

    private mutating func push(_ frame: Frame, tag: String?, allowedTag: String) throws(ConfigError) {
        if let tag, tag != "tag:yaml.org,2002:\(allowedTag)" {
            throw error(.syntax, "unsupported tag '\(tag)'", at: frame.mark)
        }
        if stack.count >= Self.maximumDepth {
            throw error(.syntax, "collections are nested more than \(Self.maximumDepth) levels deep", at: frame.mark)
        }
        stack.append(frame)
    }

    private func scalarStyle(_ style: YAMLNode.ScalarStyle, tag: String?, at mark: Mark) throws(ConfigError)
        -> YAMLNode.ScalarStyle
    {
        switch tag {
        case nil: return style
        case "!", "tag:yaml.org,2002:str": return .quoted
        case "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            return style
        case let tag?: throw error(.syntax, "unsupported tag '\(tag)'", at: mark)
        }
    }

    private mutating func attach(_ node: YAMLNode, size: Int, anchor: String?) throws(ConfigError) {
        nodeCount += size
        if nodeCount > Self.maximumNodeCount {
            throw error(.syntax, "the document has more than \(Self.maximumNodeCount) nodes once aliases are "
                        + "expanded", at: node.mark)
        }
        if let anchor { anchors[anchor] = (node, size) }
        guard var top = stack.popLast() else {
            root = node
            return
        }
        defer { stack.append(top) }
        top.size += size
        guard top.isMapping else {
            top.items.append(node)
            return
        }
        if let key = top.pendingKey {
            top.pendingKey = nil
            if key.isMerge {
                top.parts.append(.merge(try mergedEntries(node)))
            } else {
                top.parts.append(.entry(YAMLNode.Entry(key: key.text, keyMark: key.mark, value: node)))
            }
            return
        }
        guard case .scalar(let text, let style, let mark) = node else {
            throw error(.syntax, "a mapping key must be a scalar, not \(node.summary)", at: node.mark)
        }
        let isMerge = style == .plain && text == "<<"
        if !isMerge {
            if let first = top.keyMarks[text] {
                throw error(.duplicateKey, "duplicate key '\(text)' \(pathDescription(below: top)) (first defined "
                            + "at line \(first.line), column \(first.column))", at: mark)
            }
            top.keyMarks[text] = mark
        }
        top.pendingKey = PendingKey(text: text, mark: mark, isMerge: isMerge)
    }

    private func mergedEntries(_ node: YAMLNode) throws(ConfigError) -> [YAMLNode.Entry] {
        if case .mapping(let entries, _) = node { return entries }
        guard case .sequence(let items, _) = node else { throw mergeError(node) }
        var entries: [YAMLNode.Entry] = []
        for item in items {
            guard case .mapping(let more, _) = item else { throw mergeError(item) }
            entries += more
        }
        return entries
    }

    private func mergeError(_ node: YAMLNode) -> ConfigError {
        error(.syntax, "a merge key '<<' needs a mapping or a list of mappings (usually an alias such as "
              + "'<<: *defaults'), not \(node.summary)", at: node.mark)
    }

    /// Explicit entries in order; merged entries where their `<<` stood, unless the key is written explicitly or
    /// an earlier merge already supplied it.
    private static func entries(of frame: Frame) -> [YAMLNode.Entry] {
        var seen = Set(frame.keyMarks.keys)
        var entries: [YAMLNode.Entry] = []
        for part in frame.parts {
            switch part {
            case .entry(let entry):
                entries.append(entry)
            case .merge(let merged):
                for entry in merged where seen.insert(entry.key).inserted {
                    entries.append(entry)
                }
            }
        }
        return entries
    }

    /// "in providers.openai" or "at the top level", for the mapping `current` that is not on the stack.
    private func pathDescription(below current: Frame) -> String {
        var path = ""
        for frame in stack {
            if frame.isMapping, let key = frame.pendingKey?.text {
                path += path.isEmpty ? key : ".\(key)"
            } else if !frame.isMapping {
                path += "[\(frame.items.count)]"
            }
        }
        return path.isEmpty ? "at the top level" : "in \(path)"
    }

    private func error(_ kind: ConfigError.Kind, _ message: String, at mark: Mark?) -> ConfigError {
        ConfigError(kind, message, sourceName: sourceName, mark: mark)
    }
}
