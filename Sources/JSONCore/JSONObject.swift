/// The members of a JSON object, in order, each key at most once.
///
/// Order is kept because clients and upstreams see our output: a converted request should read like the
/// one that came in. Setting an existing key replaces its value in place; a new key goes at the end.
/// Parsing input with a key given twice keeps the last value at the first key's position, as JavaScript's
/// `JSON.parse` does.
///
/// `==` ignores member order (two objects are equal when they have the same keys with equal values);
/// ``isIdentical(to:)`` also compares order and number text, i.e. whether they serialize identically.
///
/// THREAD: a plain value; use it from any thread.
public struct JSONObject: Sendable, Sequence {
    /// One member: its key and value.
    public typealias Element = (key: String, value: JSONValue)

    /// A member as stored: a struct, not the `Element` tuple, because an array of tuples is destroyed through the
    /// runtime's generic tuple witness (each field looked up in metadata), which cost converted requests ~15 k
    /// instructions; a struct gets a compiled destroy.
    fileprivate struct Member {
        var key: String
        var value: JSONValue
    }

    private var members: [Member]
    /// Key → index in `members`; only kept for larger objects, where linear search would start to cost.
    private var positions: [String: Int] = [:]
    private static let indexingThreshold = 16

    /// An empty object.
    public init() {
        members = []
    }

    /// An object with `members` in order; for a key given twice the last value wins, at the first position.
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for member in members { self[member.key] = member.value }
    }

    /// An object with `members` in order, taken from a literal without an intermediate array.
    init(literal members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The values, in key order.
    public var values: [JSONValue] { members.map(\.value) }

    /// The value for `key`, or nil. Setting a value replaces it in place or appends a new member;
    /// setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            if let index = index(of: key) {
                members[index].value = newValue
            } else {
                append(key: key, value: newValue)
            }
        }
    }

    /// True when the object has a member named `key`.
    public func contains(_ key: String) -> Bool { index(of: key) != nil }

    /// Removes the member named `key` and returns its value, or returns nil when there is none.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = index(of: key) else { return nil }
        let removed = members.remove(at: index).value
        if members.count < Self.indexingThreshold {
            positions = [:]
        } else {
            rebuildPositions()
        }
        return removed
    }

    /// Iterates over the members in order.
    public func makeIterator() -> Iterator { Iterator(members: members.makeIterator()) }

    /// The members in order, as `(key, value)` pairs.
    public struct Iterator: IteratorProtocol {
        fileprivate var members: IndexingIterator<[Member]>

        public mutating func next() -> Element? {
            members.next().map { ($0.key, $0.value) }
        }
    }

    /// The number of members, so `Array(object)` allocates once.
    public var underestimatedCount: Int { members.count }

    /// True when both objects have the same members in the same order with identical values.
    public func isIdentical(to other: JSONObject) -> Bool {
        guard count == other.count else { return false }
        return zip(members, other.members).allSatisfy { $0.key == $1.key && $0.value.isIdentical(to: $1.value) }
    }

    private func index(of key: String) -> Int? {
        if positions.isEmpty {
            // Lengths first: most keys in a small object differ in length, and comparing two different strings
            // with `==` takes String's slow path (~25 instructions) where the counts are one compare.
            let length = key.utf8.count
            return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
        }
        return positions[key]
    }

    private mutating func append(key: String, value: JSONValue) {
        // Room for four at the first member: most objects have a few, and growing 1 → 2 → 4 costs two copies. (Not
        // when room was reserved already: a literal of two would then be allocated twice.)
        if members.capacity == 0 { members.reserveCapacity(4) }
        members.append(Member(key: key, value: value))
        if !positions.isEmpty {
            positions[key] = members.count - 1
        } else if members.count >= Self.indexingThreshold {
            rebuildPositions()
        }
    }

    private mutating func rebuildPositions() {
        positions = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.key, $0) })
    }
}

extension JSONObject: Equatable {
    /// True when both objects have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension JSONObject: CustomStringConvertible {
    /// The object as compact JSON text.
    public var description: String { JSONValue.object(self).serialized() }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object with the literal's members in the order written: `["role": "user", "content": "hi"]`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(literal: elements)
    }
}
