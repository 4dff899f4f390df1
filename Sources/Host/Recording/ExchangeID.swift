import Glibc
import Synchronization

/// Unique, time-ordered exchange ids: 26 characters of Crockford base32 over 48 bits of Unix milliseconds and
/// 80 bits that are random at each new millisecond and count up within it (so ids sort in creation order, also
/// within one millisecond, and never repeat in one process).
///
/// The random bits come from a SplitMix64 sequence seeded once from the system's entropy: ids need to be unique
/// across processes, not unguessable, and the system generator costs a syscall per call (two per millisecond
/// under load).
enum ExchangeID {
    private struct State {
        var millis: UInt64 = 0
        var high: UInt16 = 0
        var low: UInt64 = 0
        var sequence = UInt64.random(in: 0...UInt64.max)

        /// The next SplitMix64 output.
        mutating func nextRandom() -> UInt64 {
            sequence &+= 0x9E37_79B9_7F4A_7C15
            var mixed = sequence
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    private static let state = Mutex(State())
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The next id, for an exchange that started at `now` (Unix ms; the current time by default). Thread-safe.
    static func next(at now: UInt64 = currentMillis()) -> String {
        let (millis, high, low) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            if now > state.millis {
                state.millis = now
                state.high = UInt16(truncatingIfNeeded: state.nextRandom()) & 0x7FFF
                state.low = state.nextRandom()
            } else {
                // Same (or an earlier, if the clock stepped back) millisecond: count up from the last id.
                let (low, overflow) = state.low.addingReportingOverflow(1)
                state.low = low
                if overflow { state.high &+= 1 }
            }
            return (state.millis, state.high, state.low)
        }
        return encode(millis: millis, high: high, low: low)
    }

    private static func currentMillis() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }

    /// 128 bits → 26 base32 digits, most significant first.
    private static func encode(millis: UInt64, high: UInt16, low: UInt64) -> String {
        // Lay the 128 bits out as two words: [48-bit time | 16-bit high] [64-bit low].
        let upper = (millis << 16) | UInt64(high)
        return String(unsafeUninitializedCapacity: 26) { digits in
            for index in 0..<26 {
                let shift = 125 - 5 * index  // bit position of this digit's lowest bit, counted in the 130-bit field
                digits[index] = alphabet[Int(bits(upper, low, from: shift))]
            }
            return 26
        }
    }

    /// Five bits of the 128-bit number (upper:low) whose lowest bit is at `shift` (may reach past bit 127).
    private static func bits(_ upper: UInt64, _ low: UInt64, from shift: Int) -> UInt64 {
        var value: UInt64 = 0
        for bit in (0..<5).reversed() {
            let position = shift + bit
            let set: Bool = switch position {
            case 128...: false
            case 64..<128: (upper >> UInt64(position - 64)) & 1 == 1
            default: (low >> UInt64(position)) & 1 == 1
            }
            value = value << 1 | (set ? 1 : 0)
        }
        return value
    }
}
