import Testing
@testable import Host

@Suite("YAMLDocumentReader")
struct YAMLDocumentReaderTests {
    private func tree(_ yaml: String) throws -> YAMLNode {
        try ConfigFixture.read(yaml).get()
    }

    @Test func blockMappingKeepsOrderStylesAndMarks() throws {
        let root = try tree("""
        b: 1
        a: "two"
        c:
          - x
          - 'y'
        """)
        #expect(root.entryKeys == ["b", "a", "c"])
        #expect(root["b"] == .scalar("1", style: .plain, mark: Mark(line: 1, column: 4)))
        #expect(root["a"] == .scalar("two", style: .quoted, mark: Mark(line: 2, column: 4)))
        #expect(root["c"]?[1] == .scalar("y", style: .quoted, mark: Mark(line: 5, column: 5)))
        guard case .mapping(let entries, let mark) = root else {
            Issue.record("not a mapping")
            return
        }
        #expect(mark == Mark(line: 1, column: 1))
        #expect(entries[2].keyMark == Mark(line: 3, column: 1))
    }

    @Test func flowStyle() throws {
        let root = try tree("a: {x: 1, y: [2, 3]}\nb: []\n")
        #expect(root["a"]?["y"]?[1]?.scalarText == "3")
        #expect(root["a"]?["y"]?[1]?.mark == Mark(line: 1, column: 18))
        #expect(root["b"] == .sequence([], mark: Mark(line: 2, column: 4)))
    }

    @Test func multiLineScalars() throws {
        let root = try tree("""
        literal: |
          line 1
          line 2
        folded: >
          one
          two
        plain: first
          second
        quoted: "a
          b"
        """)
        #expect(root["literal"] == .scalar("line 1\nline 2\n", style: .quoted, mark: Mark(line: 1, column: 10)))
        #expect(root["folded"]?.scalarText == "one two\n")
        #expect(root["plain"] == .scalar("first second", style: .plain, mark: Mark(line: 7, column: 8)))
        #expect(root["quoted"]?.scalarText == "a b")
    }

    @Test func anchorsAndAliasesAreResolved() throws {
        let root = try tree("""
        base: &base { plugin: p.q, options: { n: 1 } }
        copy: *base
        key: &k name
        list: [*k, *k]
        """)
        #expect(root["copy"] == root["base"])
        #expect(root["list"]?[0]?.scalarText == "name")
        #expect(root["list"]?[1]?.scalarText == "name")
    }

    @Test func mergeKeysLetExplicitKeysWin() throws {
        let root = try tree("""
        defaults: &d { a: 1, b: 2 }
        more: &m { c: 3, a: 9 }
        x:
          b: 20
          <<: [*d, *m]
          z: 0
        """)
        #expect(root["x"]?.entryKeys == ["b", "a", "c", "z"])
        #expect(root["x"]?["a"]?.scalarText == "1")
        #expect(root["x"]?["b"]?.scalarText == "20")
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try tree("\"<<\": 1\n")
        #expect(root.entryKeys == ["<<"])
    }

    @Test func tagsSetTheStyle() throws {
        let root = try tree("a: !!str 123\nb: !!int 4\nc: ! 5\n")
        #expect(root["a"] == .scalar("123", style: .quoted, mark: Mark(line: 1, column: 4)))
        #expect(root["b"] == .scalar("4", style: .plain, mark: Mark(line: 2, column: 4)))
        #expect(root["c"] == .scalar("5", style: .quoted, mark: Mark(line: 3, column: 4)))
    }

    @Test func nullDocumentAndExplicitDocumentMarkers() throws {
        #expect(try tree("---\n").isNull)
        #expect(try tree("---\na: 1\n...\n").entryKeys == ["a"])
    }

    @Test func emptyFileIsAnError() {
        let expected = "plugins.yaml: the file is empty; expected a mapping with keys such as 'providers' and 'routes'"
        #expect(ConfigFixture.readError("") == expected)
        #expect(ConfigFixture.readError("# nothing but a comment\n\n") == expected)
        #expect(ConfigFixture.error("")?.kind == .emptyFile)
    }

    @Test func nullDocumentIsRefusedByTheDecoder() {
        #expect(ConfigFixture.message("---\n") == "plugins.yaml: the file holds no settings; expected a mapping "
                + "with keys such as 'providers' and 'routes'")
    }

    @Test func severalDocumentsAreAnError() {
        let error = ConfigFixture.error("a: 1\n---\nb: 2\n")
        #expect(error?.kind == .multipleDocuments)
        #expect(error?.description == "plugins.yaml:2:1: a second YAML document starts here; the configuration "
                + "must be a single document")
    }

    @Test func duplicateKeysNameBothPositions() {
        #expect(ConfigFixture.readError("a: 1\nb: 2\na: 3\n")
                == "plugins.yaml:3:1: duplicate key 'a' at the top level (first defined at line 1, column 1)")
        #expect(ConfigFixture.readError("providers:\n  x: {}\n  y: {}\n  x: {}\n")
                == "plugins.yaml:4:3: duplicate key 'x' in providers (first defined at line 2, column 3)")
        #expect(ConfigFixture.readError("routes:\n  - {model: a, model: b}\n")
                == "plugins.yaml:2:16: duplicate key 'model' in routes[0] (first defined at line 2, column 6)")
        #expect(ConfigFixture.error("a: 1\na: 2\n")?.kind == .duplicateKey)
    }

    @Test func libyamlErrorsCarryPositionAndProblem() {
        #expect(ConfigFixture.readError("listen:\n  proxy: x\n admin: y\n")
                == "plugins.yaml:3:2: did not find expected key (while parsing a block mapping at line 1, column 1)")
        #expect(ConfigFixture.readError("listen:\n\tproxy: x\n")
                == "plugins.yaml:2:1: found character that cannot start any token; tabs cannot be used for "
                + "indentation, use spaces")
        #expect(ConfigFixture.readError("a: \"unclosed\nb: 2\n")
                == "plugins.yaml:3:1: found unexpected end of stream (while scanning a quoted scalar at line 1, "
                + "column 4)")
        #expect(ConfigFixture.readError("a: [1, 2\n")
                == "plugins.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at line 1, "
                + "column 4)")
        #expect(ConfigFixture.readError("a: b: c\n") == "plugins.yaml:1:5: mapping values are not allowed in "
                + "this context")
        #expect(ConfigFixture.error("a: [\n")?.kind == .syntax)
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        let reader = YAMLDocumentReader(sourceName: "plugins.yaml")
        #expect(throws: ConfigError.self) { try reader.read(bytes: Array("a: 1\nb: ".utf8) + [0xFF, 0x0A]) }
        do {
            _ = try reader.read(bytes: Array("a: 1\nbé: ".utf8) + [0xFF, 0x0A])
        } catch {
            #expect(error.description == "plugins.yaml:2:5: invalid leading UTF-8 octet (byte 0xff)")
        }
    }

    @Test func byteOrderMarkCRLFAndWideCharactersKeepPositions() throws {
        let root = try tree("\u{FEFF}a: 1\r\nb: [x]\r\n")
        #expect(root["b"]?[0] == .scalar("x", style: .plain, mark: Mark(line: 2, column: 5)))
        #expect(ConfigFixture.readError("名前: *nope\n")
                == "plugins.yaml:1:5: unknown alias '*nope' (an anchor '&nope' must be defined before it)")
    }

    @Test func unsupportedConstructs() {
        #expect(ConfigFixture.readError("a: *missing\n")
                == "plugins.yaml:1:4: unknown alias '*missing' (an anchor '&missing' must be defined before it)")
        #expect(ConfigFixture.readError("a: !secret x\n") == "plugins.yaml:1:4: unsupported tag '!secret'")
        #expect(ConfigFixture.readError("[1, 2]: x\n") == "plugins.yaml:1:1: a mapping key must be a scalar, not "
                + "a list")
        #expect(ConfigFixture.readError("a:\n  <<: plain\n") == "plugins.yaml:2:7: a merge key '<<' needs a "
                + "mapping or a list of mappings (usually an alias such as '<<: *defaults'), not \"plain\"")
    }

    @Test func recursiveAliasIsUnknown() {
        #expect(ConfigFixture.readError("a: &a [*a]\n")
                == "plugins.yaml:1:8: unknown alias '*a' (an anchor '&a' must be defined before it)")
    }

    @Test func deepNestingIsRefused() {
        let yaml = "a: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        #expect(ConfigFixture.readError(yaml) == "plugins.yaml:1:67: collections are nested more than 64 levels deep")
    }

    @Test func aliasBombIsRefused() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(ConfigFixture.error(yaml)?.message.hasPrefix("the document has more than 200000 nodes") == true)
    }
}
