import JSONCore
import Testing

@Suite("Output span bytes")
struct OutputSpanBytesTests {
    @Test("copies land behind what was appended before, in order, exactly; empty copies add nothing")
    func copies() {
        var bytes: [UInt8] = [9]
        let word = Array("header".utf8)
        let long = (0..<300).map { UInt8($0 % 251) }
        word.withUnsafeBufferPointer { word in
            long.withUnsafeBytes { long in
                bytes.append(addingCapacity: 2 + word.count + long.count) { out in
                    out.append(1)
                    out.append(copying: word)
                    out.append(copying: UnsafeRawBufferPointer(start: nil, count: 0))
                    out.append(copying: long)
                    out.append(2)
                }
            }
        }
        #expect(bytes == [9, 1] + word + long + [2])

        var empty: [UInt8] = []
        empty.append(addingCapacity: 0) { out in out.append(copying: UnsafeBufferPointer<UInt8>(start: nil, count: 0)) }
        #expect(empty.isEmpty)
    }

    @Test("decimals: digit counts at every power of ten, values written whole or padded with leading zeros")
    func decimals() {
        var value: UInt = 1
        for digits in 1...19 {
            #expect(OutputSpan<UInt8>.decimalDigitCount(of: value) == digits)
            #expect(OutputSpan<UInt8>.decimalDigitCount(of: value - 1) == max(digits - 1, 1))
            if digits < 19 { value *= 10 }
        }
        #expect(OutputSpan<UInt8>.decimalDigitCount(of: UInt.max) == 20)
        var bytes: [UInt8] = []
        for (number, digits) in [(0, 1), (7, 1), (7, 3), (429, 3), (1_000_000_007, 10)] as [(UInt, Int)] {
            bytes.append(addingCapacity: digits + 1) { out in
                out.append(decimal: number, digits: digits)
                out.append(UInt8(ascii: " "))
            }
        }
        bytes.append(addingCapacity: 20) { out in out.append(decimal: UInt.max, digits: 20) }
        #expect(String(decoding: bytes, as: UTF8.self) == "0 7 007 429 1000000007 \(UInt.max)")
    }
}
