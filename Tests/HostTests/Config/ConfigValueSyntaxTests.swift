import Testing
@testable import Host

@Suite("Configuration value syntax")
struct ConfigValueSyntaxTests {
    @Test func durations() {
        #expect(ConfigDuration.parse("250ms") == .milliseconds(250))
        #expect(ConfigDuration.parse("10s") == .seconds(10))
        #expect(ConfigDuration.parse("5m") == .seconds(300))
        #expect(ConfigDuration.parse("1h") == .seconds(3600))
        #expect(ConfigDuration.parse("1h30m15s") == .seconds(5415))
        #expect(ConfigDuration.parse("30") == .seconds(30))
        #expect(ConfigDuration.parse("0.5") == .milliseconds(500))
        #expect(ConfigDuration.parse("1.5m") == .seconds(90))
        #expect(ConfigDuration.parse("0.0000000015s") == .nanoseconds(1))
        #expect(ConfigDuration.parse("0") == .zero)
        for invalid in ["", "s", "10x", "1.s", ".5s", "-1s", "1 s", "1h 2m", "1.2.3s", "10S", "99999999999h"] {
            #expect(ConfigDuration.parse(invalid) == nil, "\(invalid)")
        }
    }

    @Test func sizes() {
        #expect(ByteSize.parse("1024") == 1024)
        #expect(ByteSize.parse("32MiB") == 33_554_432)
        #expect(ByteSize.parse("32 MiB") == 33_554_432)
        #expect(ByteSize.parse("2KB") == 2000)
        #expect(ByteSize.parse("2KiB") == 2048)
        #expect(ByteSize.parse("1MB") == 1_000_000)
        #expect(ByteSize.parse("1GB") == 1_000_000_000)
        #expect(ByteSize.parse("1GiB") == 1_073_741_824)
        #expect(ByteSize.parse("7B") == 7)
        for invalid in ["", "MiB", "1.5MiB", "1 mib", "1  MiB", "-1", "1TiB", "1MiB ", "99999999999999999999"] {
            #expect(ByteSize.parse(invalid) == nil, "\(invalid)")
        }
    }

    @Test func globs() {
        let pattern = ModelPattern("gpt-*")
        #expect(pattern.isGlob)
        #expect(pattern.matches("gpt-") && pattern.matches("gpt-4o-mini") && !pattern.matches("gpt4"))
        #expect(ModelPattern("claude-?-*").matches("claude-3-opus"))
        #expect(!ModelPattern("claude-?-*").matches("claude--opus"))
        #expect(ModelPattern("*mini*").matches("gpt-4o-mini-2024"))
        #expect(ModelPattern("a*b*c").matches("axxbyyc") && !ModelPattern("a*b*c").matches("axxbyy"))
        #expect(ModelPattern("*").matches(""))
        #expect(ModelPattern("é?").matches("éx"))
        #expect(!ModelPattern("gpt-4o").isGlob && ModelPattern("gpt-4o").matches("gpt-4o"))
        #expect(!ModelPattern("gpt-4o").matches("GPT-4o"))
        #expect(ModelPattern("?").matches("\u{1F600}") && !ModelPattern("?").matches("ab"))
        #expect(ModelPattern("*a*b").matches("xaaxb") && !ModelPattern("*a*b").matches("xaaxbc"))
        #expect(ModelPattern("gpt-*") == ModelPattern("gpt-*"))
        #expect(Set([ModelPattern("a*"), ModelPattern("a*"), ModelPattern("a?")]).count == 2)
    }

    @Test("glob matching agrees with a plain recursive matcher on 3,000 random patterns and names")
    func globsAgreeWithReference() {
        func reference(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
            guard let first = pattern.first else { return name.isEmpty }
            if first == "*" {
                return reference(pattern.dropFirst(), name) || (!name.isEmpty && reference(pattern, name.dropFirst()))
            }
            guard let head = name.first, first == "?" || first == head else { return false }
            return reference(pattern.dropFirst(), name.dropFirst())
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "b", "é", "*", "?"]
        for _ in 0..<3_000 {
            let pattern = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement()! })
            let name = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in
                alphabet.prefix(3).randomElement()!
            })
            #expect(ModelPattern(pattern).matches(name) == reference(Array(pattern)[...], Array(name)[...]),
                    "pattern \(pattern) name \(name)")
        }
    }

    @Test func networks() throws {
        let ten = try #require(IPNetwork.parse("10.0.0.0/8"))
        #expect(ten.contains("10.1.2.3") && !ten.contains("11.0.0.1"))
        #expect(ten.contains("::ffff:10.9.9.9"))
        #expect(!ten.contains("not an ip"))
        let host = try #require(IPNetwork.parse("192.168.1.7"))
        #expect(host.prefixLength == 32 && host.contains("192.168.1.7") && !host.contains("192.168.1.8"))
        let masked = try #require(IPNetwork.parse("172.16.5.4/12"))
        #expect(masked.address == [172, 16, 0, 0] && masked.contains("172.31.255.255"))
        let v6 = try #require(IPNetwork.parse("fd00::/8"))
        #expect(v6.contains("fd12::1") && !v6.contains("fe80::1") && !v6.contains("10.0.0.1"))
        #expect(try #require(IPNetwork.parse("0.0.0.0/0")).contains("8.8.8.8"))
        for invalid in ["", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "1.2.3", "fe80::1%eth0", "x/8"] {
            #expect(IPNetwork.parse(invalid) == nil, "\(invalid)")
        }
        #expect(IPNetwork.isLoopback("127.0.0.1") && IPNetwork.isLoopback("::1") && IPNetwork.isLoopback("Localhost"))
        #expect(!IPNetwork.isLoopback("0.0.0.0") && !IPNetwork.isLoopback("::"))
    }

    @Test func listenAddresses() {
        #expect(ListenAddress.parse("0.0.0.0:80") == ListenAddress(host: "0.0.0.0", port: 80))
        #expect(ListenAddress.parse("[::]:0") == ListenAddress(host: "::", port: 0))
        #expect(ListenAddress.parse("gateway.internal:443") == ListenAddress(host: "gateway.internal", port: 443))
        for invalid in [":80", "host", "host:", "host:x", "[::1]", "[::1]80", "::1:80", "-bad:80", "a..b:80", "h:-1"] {
            #expect(ListenAddress.parse(invalid) == nil, "\(invalid)")
        }
    }

    @Test func urls() {
        #expect(UpstreamURL.baseURL("https://api.openai.com/v1/") == "https://api.openai.com/v1")
        #expect(UpstreamURL.baseURL("HTTP://localhost:11434") == "HTTP://localhost:11434")
        #expect(UpstreamURL.baseURL("https://x.example/v1?api-version=1/") == "https://x.example/v1?api-version=1/")
        #expect(UpstreamURL.baseURL("https://user:pw@x.example") == "https://user:pw@x.example")
        #expect(UpstreamURL.baseURL("https://x.example/#frag") == nil)
        #expect(UpstreamURL.baseURL("https://x.example:0") == nil)
        #expect(UpstreamURL.baseURL("https:///v1") == nil)
        #expect(UpstreamURL.baseURL("https://[zz]/") == nil)
        #expect(UpstreamURL.proxyURL("socks5h://user:pass@127.0.0.1:1080") != nil)
        #expect(UpstreamURL.proxyURL("socks5://[::1]:1080/") != nil)
        #expect(UpstreamURL.proxyURL("socks5://host:1080/x") == nil)
    }

    @Test func jsonNumbers() {
        let cases: [(String, String?)] = [
            ("0", "0"), ("-0", "-0"), ("42", "42"), ("+42", "42"), ("007", "7"), ("1.50", "1.50"), (".5", "0.5"),
            ("-.5", "-0.5"), ("2.", "2"), ("1e3", "1e3"), ("1E+3", "1e+3"), ("-2.5e-3", "-2.5e-3"),
            ("1e", nil), ("e3", nil), (".", nil), ("-", nil), ("0x1F", nil), ("1_000", nil), (".inf", nil),
            ("1.2.3", nil), ("12a", nil), ("", nil),
        ]
        for (text, expected) in cases {
            #expect(YAMLScalarSyntax.jsonNumber(text) == expected, "\(text)")
        }
        #expect(YAMLScalarSyntax.integer("-12") == -12 && YAMLScalarSyntax.integer("+3") == 3)
        #expect(YAMLScalarSyntax.integer("1.0") == nil && YAMLScalarSyntax.integer("--1") == nil)
        #expect(YAMLScalarSyntax.decimal("1e400") == nil)
        #expect(YAMLScalarSyntax.bool("TRUE") == true && YAMLScalarSyntax.bool("yes") == nil)
    }

    @Test func suggestions() {
        let keys = ["proxy", "admin", "admin_token", "max_body_bytes", "trusted_proxies", "shutdown_grace"]
        #expect(KeySuggestion.suggestion(for: "proxi", among: keys) == "proxy")
        #expect(KeySuggestion.suggestion(for: "amdin", among: keys) == "admin")
        #expect(KeySuggestion.suggestion(for: "ADMIN", among: keys) == "admin")
        #expect(KeySuggestion.suggestion(for: "max_body", among: keys) == "max_body_bytes")
        #expect(KeySuggestion.suggestion(for: "shutdown_grace_period", among: keys) == "shutdown_grace")
        #expect(KeySuggestion.suggestion(for: "port", among: keys) == nil)
        #expect(KeySuggestion.suggestion(for: "ad", among: keys) == nil)
        #expect(KeySuggestion.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
        #expect(KeySuggestion.editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
    }
}
