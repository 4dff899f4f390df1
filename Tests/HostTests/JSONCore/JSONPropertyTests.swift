import JSONCore
import Testing

/// Random documents: whatever we write we must read back identically, and the scanner must agree with the model.
@Suite("JSON properties")
struct JSONPropertyTests {
    private static let characters: [String] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{00}", "\u{1F}", "\u{7F}", "é", "中", "😀", "\u{2028}",
        "\u{FFFF}", "\u{10FFFF}", ".", "[", "]", "'",
    ]
    private static let numberTexts = ["0", "-0", "1.50", "1e-7", "12345678901234567890", "-1.5E+300", "0.000", "9e999"]

    private struct Generator {
        var random: JSONFixtures.SeededGenerator

        mutating func string() -> String {
            let length = Int.random(in: 0...3, using: &random) == 0 ? Int.random(in: 9...40, using: &random) : Int.random(in: 0...8, using: &random)
            return (0..<length).map { _ in JSONPropertyTests.characters.randomElement(using: &random)! }.joined()
        }

        mutating func number() -> JSONValue {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .int(Int.random(in: Int.min...Int.max, using: &random))
            case 1:
                let value = Double(bitPattern: random.next())
                return value.isFinite ? .double(value) : .double(Double.random(in: -1e6...1e6, using: &random))
            default: return .number(JSONPropertyTests.numberTexts.randomElement(using: &random)!)
            }
        }

        mutating func value(depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth >= 5 ? 4 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return number()
            case 3: return .string(string())
            case 4: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(depth: depth + 1) })
            default:
                var object = JSONObject()
                for _ in 0..<Int.random(in: 0...6, using: &random) { object[string()] = value(depth: depth + 1) }
                return .object(object)
            }
        }

        /// A path to some node of `root` and that node, written with a mix of plain, quoted and negative steps.
        mutating func path(in root: JSONValue) -> (String, JSONValue) {
            var path = ""
            var node = root
            while Int.random(in: 0..<4, using: &random) != 0 {
                if case .object(let object) = node, let member = Array(object).randomElement(using: &random) {
                    let key = member.key
                    let plainIsPossible = !key.isEmpty && !key.contains(where: { $0 == "." || $0 == "[" || $0 == "]" })
                    if plainIsPossible && Bool.random(using: &random) {
                        path += (path.isEmpty ? "" : ".") + key
                    } else {
                        path += "[" + JSONString.quoted(key) + "]"
                    }
                    node = member.value
                } else if case .array(let elements) = node, !elements.isEmpty {
                    let index = Int.random(in: 0..<elements.count, using: &random)
                    path += Bool.random(using: &random) ? "[\(index)]" : "[\(index - elements.count)]"
                    node = elements[index]
                } else {
                    break
                }
            }
            return (path, node)
        }
    }

    @Test("serialize → parse gives the identical value, compact and pretty", arguments: 0..<4)
    func roundTrip(_ seed: UInt64) throws {
        var generator = Generator(random: JSONFixtures.SeededGenerator(seed: seed))
        for _ in 0..<150 {
            let value = generator.value(depth: 0)
            let compact = value.serializedBytes()
            let parsed = try JSONValue(parsing: compact)
            #expect(parsed.isIdentical(to: value), "\(value)")
            #expect(parsed == value)
            #expect(try JSONValue(parsing: value.serialized(pretty: true)).isIdentical(to: value))
            try JSONScanner.validate(compact)
        }
    }

    @Test("the scanner finds exactly the node the document model finds", arguments: 0..<4)
    func scannerAgreesWithModel(_ seed: UInt64) throws {
        var generator = Generator(random: JSONFixtures.SeededGenerator(seed: 1000 + seed))
        for _ in 0..<150 {
            let root = generator.value(depth: 0)
            let bytes = root.serializedBytes()
            let (path, node) = generator.path(in: root)
            let range = try #require(try JSONScanner.find(path: path, in: bytes), "path \(path) in \(root)")
            #expect(try JSONValue(parsing: bytes[range]).isIdentical(to: node), "path \(path)")
            #expect(root.value(at: try JSONPath(path))?.isIdentical(to: node) == true, "path \(path)")
            if case .object(let object) = root {
                let members = try JSONScanner.topLevelMembers(in: bytes)
                #expect(members.map(\.key) == object.keys)
                for member in members {
                    #expect(try JSONScanner.topLevelValue(forKey: member.key, in: bytes) == member.valueRange)
                }
            }
        }
    }
}
