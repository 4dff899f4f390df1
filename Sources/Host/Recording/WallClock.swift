import Glibc

/// The real-time clock, for timestamps shown to people (never for durations: those use `MonotonicClock`).
enum WallClock {
    /// Unix time in milliseconds.
    static func milliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
