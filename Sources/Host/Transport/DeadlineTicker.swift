import NIOCore

/// Something with a deadline that a `DeadlineTicker` watches: an upstream transfer's next timeout.
protocol DeadlineWatched: AnyObject {
    /// When the member is due (monotonic nanoseconds).
    var deadline: UInt64 { get }
    /// The ticker's bookkeeping: where the member sits in its list, or -1 when it is not watched.
    var tickerSlot: Int { get set }
    /// Called on the ticker's event loop once `deadline` has passed; the member checks its own clocks and then
    /// sets a later deadline or asks to be forgotten.
    func deadlineReached()
    /// Called on the ticker's event loop when the gateway stops: the member ends now, as cancelled for `reason`.
    func stop(because reason: String)
}

/// The deadlines of one event loop's upstream transfers, checked by one coarse timer instead of a NIO timer each.
///
/// A NIO task per transfer, scheduled at the start and cancelled at the end, cost ~4 k instructions a request (the
/// task, its promise and future, and a cancel that scans the loop's whole timer heap — a share of the loop that
/// grows with the number of open streams). Here watching costs a slot in an array, and one timer, ticking every
/// `tick` while anything is watched, finds the members that are due. A deadline is so noticed up to one tick late,
/// never early; the timeouts it serves are seconds.
///
/// THREAD: its event loop only.
final class DeadlineTicker {
    /// How often the watched deadlines are checked.
    static let tick: TimeAmount = .milliseconds(50)

    private let eventLoop: any EventLoop
    private var members: [any DeadlineWatched] = []
    private var timer: Scheduled<Void>?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// How many members are watched.
    var count: Int { members.count }

    /// Watches `member` until it is forgotten (watching it twice is watching it once).
    func watch(_ member: any DeadlineWatched) {
        guard member.tickerSlot < 0 else { return }
        member.tickerSlot = members.count
        members.append(member)
        if timer == nil { scheduleTick() }
    }

    /// Stops watching `member` (nothing happens if it is not watched).
    func forget(_ member: any DeadlineWatched) {
        let slot = member.tickerSlot
        guard slot >= 0 else { return }
        member.tickerSlot = -1
        // The last member takes the freed slot: no list is shifted.
        let last = members.removeLast()
        if slot < members.count {
            members[slot] = last
            last.tickerSlot = slot
        }
    }

    /// Ends every watched member (the gateway is stopping and the grace period is over).
    func stopAll(because reason: String) {
        for member in members { member.stop(because: reason) }  // a copy: each one forgets itself
    }

    private func scheduleTick() {
        timer = eventLoop.assumeIsolated().scheduleTask(in: Self.tick) { [self] in
            timer = nil
            checkDeadlines()
        }
    }

    private func checkDeadlines() {
        let now = MonotonicClock.nanoseconds()
        // Taken first: a member that is told may forget itself, or another member.
        let due = members.filter { $0.deadline <= now }
        for member in due where member.tickerSlot >= 0 {
            member.deadlineReached()
        }
        if !members.isEmpty && timer == nil { scheduleTick() }
    }
}
