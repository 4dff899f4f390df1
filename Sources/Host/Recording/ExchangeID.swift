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

    /// 128 bits → 26 base32 digits, most significant first: [48-bit time | 16-bit high | 64-bit low], read five
    /// bits at a time from a 130-bit field whose top two bits are zero.
    static func encode(millis: UInt64, high: UInt16, low: UInt64) -> String {
        let value = UInt128(truncatingIfNeeded: millis) << 80 | UInt128(high) << 64 | UInt128(low)
        return String(unsafeUninitializedCapacity: 26) { digits in
            for index in 0..<26 {
                digits[index] = alphabet[Int(truncatingIfNeeded: (value >> (125 - 5 * index)) & 0x1F)]
            }
            return 26
        }
    }
}
