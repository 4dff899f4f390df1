import JSONCore
import Testing

@Suite("Output span copying")
struct OutputSpanCopyingTests {
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
}
