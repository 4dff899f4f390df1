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
}
