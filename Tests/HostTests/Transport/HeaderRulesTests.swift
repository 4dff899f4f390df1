import Testing

@testable import Host

/// Header names compared without ASCII case, the fixed name sets built on that, and what may be written as is.
@Suite("Header rules")
struct HeaderRulesTests {
    @Test("two names are the same when only ASCII letters differ in case, at any length")
    func sameName() {
        #expect(HeaderRules.sameName("Content-Type", "content-type"))
        #expect(HeaderRules.sameName("X-LESSLLM-A-VERY-LONG-HEADER-NAME", "x-lessllm-a-very-long-header-name"))
        #expect(HeaderRules.sameName("", ""))
        #expect(!HeaderRules.sameName("content-type", "content-typ"))
        #expect(!HeaderRules.sameName("content-type", "content_type"))
        #expect(!HeaderRules.sameName("x-a", "x-b"))
        // Only ASCII letters fold: bytes 0x20 apart that are not letters stay different, and so do é and É.
        #expect(!HeaderRules.sameName("@", "`"))
        #expect(!HeaderRules.sameName("[", "{"))
        #expect(!HeaderRules.sameName("caf\u{E9}", "CAF\u{C9}"))
        #expect(HeaderRules.sameName("caf\u{E9}", "CAF\u{E9}"))
    }

    @Test("a name matches a known lower-case name in any case, and nothing of another length")
    func knownName() {
        #expect(HeaderRules.name("Transfer-Encoding", is: "transfer-encoding"))
        #expect(HeaderRules.name("TRANSFER-ENCODING", is: "transfer-encoding"))
        #expect(!HeaderRules.name("transfer-encodings", is: "transfer-encoding"))
        #expect(!HeaderRules.name("transfer-encodinG ", is: "transfer-encoding"))
        #expect(!HeaderRules.name("", is: "host"))
        #expect(HeaderRules.name("", is: ""))
    }

    @Test("a name set finds its members in any case and nothing else")
    func nameSet() {
        let set = HeaderNameSet(["Authorization", "x-api-key", "cookie"])
        for member in ["authorization", "AUTHORIZATION", "X-Api-Key", "Cookie"] {
            #expect(set.contains(member), "\(member)")
        }
        for other in ["authorisation", "x-api-keys", "cookies", "", "set-cookie", "x-api_key"] {
            #expect(!set.contains(other), "\(other)")
        }
    }

    @Test("the first header that cannot be written as is, by name")
    func firstInvalid() {
        #expect(HeaderRules.firstInvalid(in: [("content-type", "application/json"), ("x-a", "tab\tok")]) == nil)
        #expect(HeaderRules.firstInvalid(in: [("ok", "v"), ("bad name", "v"), ("x", "\r\n")]) == "bad name")
        #expect(HeaderRules.firstInvalid(in: [("ok", "v"), ("x-split", "a\r\nset-cookie: b")]) == "x-split")
        #expect(HeaderRules.firstInvalid(in: [("", "v")]) == "")
        #expect(HeaderRules.firstInvalid(in: [("x-del", "a\u{7F}")]) == "x-del")
        #expect(HeaderRules.firstInvalid(in: [("x-utf8", "caf\u{E9}")]) == nil)
        #expect(HeaderRules.firstInvalid(in: [("caf\u{E9}", "v")]) == "caf\u{E9}")
    }
}
