import JSONCore
import Testing

/// `membersOfValidatedObject` / `elementsOfValidatedArray`: the boundary walk over JSON the scanner already checked
/// must agree with the validating scanner on every valid document, at every nesting level — and stay inside the
/// buffer on anything else.
@Suite("JSON scanner: walking validated JSON")
struct JSONValidatedWalkTests {
    @Test("on every object of every fixture, at every depth, the walk finds exactly what the validating scan finds",
          arguments: JSONFixtures.all + [
              #"{ "a" : 1 , "b\"q" : "x\\" , "c" : [ ] , "d" : { } , "e" : -1.5e+3 , "f" : null , "g":true,"h":false }"#,
              #"{"mod\u0065l":"m","\ud83c\udf89":"🎉","nested":{"s":"a}b]c{d[e\"f","arr":[[],[{}],"]"]}}"#,
              "{\n\t\"spaced\"\r\n:\t[ 1 ,2\n]\n}",
          ])
    func agreesWithTheValidatingScan(_ text: String) throws {
        var checked = 0
        try JSONFixtures.bytes(text).withUnsafeBytes { bytes in
            try compareContainers(in: bytes, at: 0..<bytes.count, checked: &checked)
        }
        #expect(checked > 0)
    }

    /// Compares both walks on the container at `range`, then on every container inside it.
    private func compareContainers(in bytes: UnsafeRawBufferPointer, at range: Range<Int>, checked: inout Int) throws {
        let value = UnsafeRawBufferPointer(rebasing: bytes[range])
        var children: [Range<Int>] = []
        switch value.first {
        case UInt8(ascii: "{"):
            let expected = try JSONScanner.topLevelMembers(in: value, offsetBy: range.lowerBound)
            let walked = try JSONScanner.membersOfValidatedObject(in: value, offsetBy: range.lowerBound)
            #expect(walked == expected)
            // The visitor that builds nothing sees the same keys (decoded when escaped) and ranges.
            var visited: [String] = []
            try JSONScanner.forEachMemberOfValidatedObject(in: value) { key, literal, hasEscapes, member in
                let text = hasEscapes ? (try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: value[literal])))
                    : String(decoding: key, as: UTF8.self)
                visited.append("\(text ?? "?") \(literal.lowerBound + range.lowerBound) \(member.lowerBound + range.lowerBound)")
            }
            #expect(visited == expected.map { "\($0.key) \($0.keyRange.lowerBound) \($0.valueRange.lowerBound)" })
            // And so does the visitor that checks the object as it goes.
            var checkedVisit: [String] = []
            try JSONScanner.forEachTopLevelMember(in: value) { key, literal, hasEscapes, member in
                let text = hasEscapes ? (try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: value[literal])))
                    : String(decoding: key, as: UTF8.self)
                checkedVisit.append("\(text ?? "?") \(literal.lowerBound + range.lowerBound) \(member.lowerBound + range.lowerBound)")
            }
            #expect(checkedVisit == visited)
            children = expected.map(\.valueRange)
        case UInt8(ascii: "["):
            let expected = try #require(try JSONScanner.topLevelElements(in: value))
            let walked = try #require(try JSONScanner.elementsOfValidatedArray(in: value))
            #expect(walked == expected)
            children = expected.map { $0.lowerBound + range.lowerBound..<$0.upperBound + range.lowerBound }
        default:
            return
        }
        checked += 1
        for child in children { try compareContainers(in: bytes, at: child, checked: &checked) }
    }

    @Test("the checking visitor throws where the validating scan does: malformed anywhere, or not an object")
    func checkingVisitorThrows() {
        func visit(_ text: String) -> JSONError? {
            JSONFixtures.error {
                try JSONFixtures.bytes(text).withUnsafeBytes { bytes in
                    try Result { () throws(JSONError) in try JSONScanner.forEachTopLevelMember(in: bytes) { _, _, _, _ in } }.get()
                }
            }
        }
        for text in [#"{"a":1,}"#, #"{"a":[1,2}"#, #"{"a":"\q"}"#, #"{"a":1} x"#, #"{"a":01}"#] {
            #expect(visit(text) != nil, "\(text)")
        }
        #expect(visit("[1]")?.kind == .notAnObject)
        #expect(visit(#"{"a":{"b":[true,null]}}"#) == nil)
    }

    @Test("an array that is not one is nil; an empty object and array have nothing in them")
    func shapes() throws {
        func elements(_ text: String) throws -> [Range<Int>]? {
            try JSONFixtures.bytes(text).withUnsafeBytes { bytes in
                try Result { () throws(JSONError) in try JSONScanner.elementsOfValidatedArray(in: bytes) }.get()
            }
        }
        func members(_ text: String) throws -> [JSONScanner.Member] {
            try JSONFixtures.bytes(text).withUnsafeBytes { bytes in
                try Result { () throws(JSONError) in try JSONScanner.membersOfValidatedObject(in: bytes) }.get()
            }
        }
        for text in [#""text""#, "12", "{}", "null"] { #expect(try elements(text) == nil) }
        #expect(try elements("[ ]") == [])
        #expect(try members("{ }") == [])
        #expect(JSONFixtures.error { _ = try members("[1]") }?.kind == .notAnObject)
    }

    @Test("on every prefix of every fixture, and on bytes that are not JSON, the walk stays in bounds and throws or returns")
    func unvalidatedInputIsSafe() {
        var inputs = JSONFixtures.all.flatMap { text in
            let bytes = JSONFixtures.bytes(text)
            return (0..<bytes.count).map { Array(bytes[..<$0]) }
        }
        inputs += [#"{"a\"#, #"{"a\u12"#, #"{"\u"#, #"{"k\"}"#, "{\"a\":\"\\", "[\"\\", "{,}", "[,,]", "{\"a\"1}", "[\u{0}]"]
            .map(JSONFixtures.bytes)
        let alphabet = Array(#"{}[]":,\ u0a1-"#.utf8)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            let length = Int(seed % 40)
            inputs.append((0..<length).map { _ in
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(seed >> 58) % alphabet.count]
            })
        }
        var answered = 0
        for input in inputs {
            input.withUnsafeBytes { bytes in
                _ = try? JSONScanner.membersOfValidatedObject(in: bytes)
                _ = try? JSONScanner.elementsOfValidatedArray(in: bytes)
            }
            answered += 1
        }
        #expect(answered == inputs.count)
    }
}
