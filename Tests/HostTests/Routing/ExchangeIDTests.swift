import Testing

@testable import Host

@Suite("Exchange ids")
struct ExchangeIDTests {
    @Test("ids are 26 Crockford base32 characters, unique, and sort in creation order")
    func uniqueAndOrdered() {
        let ids = (0..<10_000).map { _ in ExchangeID.next() }
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(ids.allSatisfy { $0.count == 26 && $0.allSatisfy(alphabet.contains) })
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
    }

    @Test("the 128 bits in base32 as ULIDs lay them out: 48 bits of milliseconds in the first ten digits")
    func encoding() {
        let zeros = String(repeating: "0", count: 26)
        #expect(ExchangeID.encode(millis: 0, high: 0, low: 0) == zeros)
        #expect(ExchangeID.encode(millis: 0, high: 0, low: 1) == String(zeros.dropLast()) + "1")
        #expect(ExchangeID.encode(millis: 0, high: 0, low: 31) == String(zeros.dropLast()) + "Z")
        #expect(ExchangeID.encode(millis: 0, high: 0, low: 32) == String(zeros.dropLast(2)) + "10")
        // Bit 64 (the lowest of `high`) is the top bit of digit 13, which covers bits 60…64.
        #expect(ExchangeID.encode(millis: 0, high: 1, low: 0) == String(repeating: "0", count: 13) + "G"
            + String(repeating: "0", count: 12))
        #expect(ExchangeID.encode(millis: 1, high: 0, low: 0) == "0000000001" + String(repeating: "0", count: 16))
        #expect(ExchangeID.encode(millis: (1 << 48) - 1, high: .max, low: .max) == "7" + String(repeating: "Z", count: 25))
        // A time of this year reads back from its first ten digits.
        let millis: UInt64 = 1_795_629_919_123
        let id = ExchangeID.encode(millis: millis, high: 0x1234, low: 0xDEAD_BEEF_0123_4567)
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let time = id.prefix(10).reduce(UInt64(0)) { $0 * 32 + UInt64(alphabet.firstIndex(of: $1)!) }
        #expect(time == millis)
        let rest = id.dropFirst(10).reduce((UInt64(0), UInt64(0))) { sum, digit in
            // 80 bits: carry the top of `low` into `high` as each digit shifts in.
            let value = UInt64(alphabet.firstIndex(of: digit)!)
            return ((sum.0 << 5) | (sum.1 >> 59), (sum.1 << 5) | value)
        }
        #expect(rest.0 == 0x1234 && rest.1 == 0xDEAD_BEEF_0123_4567)
    }
}
