extension JSONValue {
    /// The value `path` leads to (e.g. `messages[-1].content`), or nil when a step does not exist; the same
    /// rules as `JSONScanner.find(path:in:)` on the serialized document.
    public func value(at path: JSONPath) -> JSONValue? {
        // The path was checked when it was made, so reading its steps cannot fail.
        (try? path.withSteps { steps throws(JSONError) -> JSONValue? in
            var steps = steps
            var current = self
            while let step = try steps.next() {
                switch step {
                case .key(let key):
                    guard let member = current[key.text] else { return nil }
                    current = member
                case .index(let index):
                    guard case .array(let elements) = current else { return nil }
                    let position = index < 0 ? elements.count + index : index
                    guard elements.indices.contains(position) else { return nil }
                    current = elements[position]
                }
            }
            return current
        }) ?? nil
    }
}
