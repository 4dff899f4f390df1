import Glibc
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Host

/// The coarse timer that watches an event loop's transfer deadlines, on a real event loop: a member is told once its
/// deadline has passed — never before, at most a few ticks after — and never once forgotten, whatever the members
/// do to each other while they are told.
@Suite("Deadline ticker")
struct DeadlineTickerTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// A member that notes when it was told, and can forget itself or others then.
    final class Member: DeadlineWatched, @unchecked Sendable {
        var deadline: UInt64
        var tickerSlot = -1
        var toldAt: [UInt64] = []
        var onReached: (Member) -> Void = { _ in }

        init(dueIn nanoseconds: UInt64) {
            deadline = MonotonicClock.nanoseconds() + nanoseconds
        }

        func deadlineReached() {
            toldAt.append(MonotonicClock.nanoseconds())
            onReached(self)
        }

        var stoppedBecause: [String] = []
        var onStopped: (Member) -> Void = { _ in }

        func stop(because reason: String) {
            stoppedBecause.append(reason)
            onStopped(self)
        }
    }

    /// Runs `body` on the loop and waits for its result.
    static func onLoop<T: Sendable>(_ loop: any EventLoop, _ body: @escaping @Sendable () -> T) throws -> T {
        try loop.submit(body).wait()
    }

    @Test("a due member is told after its deadline, within a few ticks; a forgotten one never")
    func toldWhenDue() throws {
        let loop = Self.group.next()
        let ticker = try Self.onLoop(loop) { NIOLoopBound(DeadlineTicker(eventLoop: loop), eventLoop: loop) }
        let (soon, forgotten) = try Self.onLoop(loop) {
            let soon = Member(dueIn: 120_000_000)
            let forgotten = Member(dueIn: 60_000_000)
            soon.onReached = { ticker.value.forget($0) }
            ticker.value.watch(soon)
            ticker.value.watch(forgotten)
            ticker.value.watch(soon)  // watched once
            #expect(ticker.value.count == 2)
            ticker.value.forget(forgotten)
            return (NIOLoopBound(soon, eventLoop: loop), NIOLoopBound(forgotten, eventLoop: loop))
        }
        usleep(600_000)
        try Self.onLoop(loop) {
            let told = soon.value.toldAt
            #expect(told.count == 1, "told \(told.count) times")
            if let first = told.first {
                #expect(first >= soon.value.deadline)
                #expect(first - soon.value.deadline < 400_000_000, "told \(first - soon.value.deadline) ns late")
            }
            #expect(forgotten.value.toldAt.isEmpty)
            #expect(ticker.value.count == 0)
            #expect(soon.value.tickerSlot == -1 && forgotten.value.tickerSlot == -1)
        }
    }

    @Test("stopping all ends every watched member once, each forgetting itself as it ends, however many")
    func stopAll() throws {
        let loop = Self.group.next()
        let ticker = try Self.onLoop(loop) { NIOLoopBound(DeadlineTicker(eventLoop: loop), eventLoop: loop) }
        let members = try Self.onLoop(loop) {
            let members = (0..<5).map { _ in Member(dueIn: 60_000_000_000) }
            for member in members {
                member.onStopped = { ticker.value.forget($0) }  // as a transfer does when it ends
                ticker.value.watch(member)
            }
            ticker.value.stopAll(because: "the gateway is shutting down")
            #expect(ticker.value.count == 0)
            return NIOLoopBound(members, eventLoop: loop)
        }
        try Self.onLoop(loop) {
            #expect(members.value.map(\.stoppedBecause) == Array(repeating: ["the gateway is shutting down"], count: 5))
            #expect(members.value.allSatisfy { $0.tickerSlot == -1 && $0.toldAt.isEmpty })
        }
    }

    @Test("a member that sets a later deadline is told again; one told may forget another that is due too")
    func membersChangeEachOther() throws {
        let loop = Self.group.next()
        let ticker = try Self.onLoop(loop) { NIOLoopBound(DeadlineTicker(eventLoop: loop), eventLoop: loop) }
        let members = try Self.onLoop(loop) {
            let again = Member(dueIn: 0)
            again.onReached = { member in
                if member.toldAt.count < 3 {
                    member.deadline = MonotonicClock.nanoseconds() + 60_000_000
                } else {
                    ticker.value.forget(member)
                }
            }
            // The first two are due together: whichever is told first forgets the other.
            let first = Member(dueIn: 0)
            let second = Member(dueIn: 0)
            first.onReached = { ticker.value.forget($0); ticker.value.forget(second) }
            second.onReached = { ticker.value.forget($0); ticker.value.forget(first) }
            let later = Member(dueIn: 10_000_000_000)
            for member in [first, again, second, later] { ticker.value.watch(member) }
            return NIOLoopBound([first, second, again, later], eventLoop: loop)
        }
        usleep(800_000)
        try Self.onLoop(loop) {
            let (first, second, again, later) = (members.value[0], members.value[1], members.value[2], members.value[3])
            #expect(first.toldAt.count + second.toldAt.count == 1)
            #expect(again.toldAt.count == 3)
            #expect(zip(again.toldAt, again.toldAt.dropFirst()).allSatisfy { $1 - $0 >= 60_000_000 })
            #expect(later.toldAt.isEmpty)
            #expect(ticker.value.count == 1)
            #expect(later.tickerSlot == 0)
            ticker.value.forget(later)
            #expect(ticker.value.count == 0)
        }
    }

    @Test("slots stay consistent as members come and go in any order")
    func slots() throws {
        let loop = Self.group.next()
        try Self.onLoop(loop) {
            let ticker = DeadlineTicker(eventLoop: loop)
            let members = (0..<50).map { _ in Member(dueIn: 60_000_000_000) }
            for member in members { ticker.watch(member) }
            var kept = Set(members.indices)
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<30 {
                let index = kept.randomElement(using: &generator)!
                ticker.forget(members[index])
                ticker.forget(members[index])  // twice is once
                kept.remove(index)
            }
            #expect(ticker.count == kept.count)
            let slots = kept.map { members[$0].tickerSlot }
            #expect(Set(slots) == Set(0..<kept.count), "\(slots.sorted())")
            for index in members.indices where !kept.contains(index) { #expect(members[index].tickerSlot == -1) }
            for index in kept { ticker.forget(members[index]) }
            #expect(ticker.count == 0)
        }
    }
}
