import Dispatch
import HTTPServer
import Synchronization
import Testing

/// The request memory budget (`RequestMemoryBudget`) and one request's share of it (`RequestMemory`):
/// charges within the limit, refusals beyond it, the allowance of small requests, and nothing left
/// charged once every share is released, also under contention.
@Suite struct RequestMemoryTests {
    @Test func chargesGrowAndShrinkAndGoBackWhenReleased() {
        let budget = RequestMemoryBudget(limitBytes: 1_000, allowanceBytes: 100)
        let first = RequestMemory(budget: budget)
        #expect(first.hold(600))
        #expect(first.hold(300, as: .transport))
        #expect(budget.bufferedBytes == 900 && first.heldBytes == 900)
        #expect(first.hold(200))  // shrinking always succeeds
        #expect(budget.bufferedBytes == 500)

        let second = RequestMemory(budget: budget)
        #expect(!second.hold(501))  // 1,001 > 1,000: nothing charged, the request is refused
        #expect(second.refused && second.heldBytes == 0 && budget.bufferedBytes == 500)
        #expect(budget.refusedRequests == 1)
        #expect(!second.hold(10))  // a refused request holds nothing more
        second.refuse()  // counted once per request
        #expect(budget.refusedRequests == 1)

        #expect(RequestMemory(budget: budget).hold(500))  // exactly the limit fits (and its deinit gives it back)
        #expect(budget.bufferedBytes == 500)

        first.endExchange()  // the handler's part goes back, the transport part stays
        #expect(budget.bufferedBytes == 300 && first.heldBytes == 300)
        first.release()
        #expect(budget.bufferedBytes == 0)
        second.endExchange()
        #expect(!second.refused && second.hold(10))
        second.release()
        #expect(budget.bufferedBytes == 0 && budget.refusedRequests == 1)
    }

    @Test func smallRequestsAreNeverRefusedByAFullBudget() {
        let budget = RequestMemoryBudget(limitBytes: 1_000, allowanceBytes: 100)
        let large = RequestMemory(budget: budget)
        #expect(large.hold(1_000))
        let small = RequestMemory(budget: budget)
        #expect(small.hold(60, as: .transport))
        #expect(small.hold(40))  // 100 in all: still within the allowance
        #expect(budget.bufferedBytes == 1_100)
        #expect(!small.hold(41))  // past the allowance it needs room in the budget
        #expect(small.refused && budget.refusedRequests == 1 && budget.bufferedBytes == 1_100)
        large.release()
        small.release()
        #expect(budget.bufferedBytes == 0)
    }

    @Test func aShareGoesBackWhenItIsDropped() {
        let budget = RequestMemoryBudget(limitBytes: 1 << 20)
        do {
            let memory = RequestMemory(budget: budget)
            memory.hold(4_096, as: .transport)
            memory.hold(500_000)
            #expect(budget.bufferedBytes == 504_096)
        }
        #expect(budget.bufferedBytes == 0)
    }

    /// 8 threads charge and release at random against a budget far smaller than their demand: the
    /// checked part never passes the limit, every refusal is counted, and the end is exactly 0.
    @Test func concurrentChargesNeverPassTheLimitAndEndAtZero() {
        let limit = 24 * 1024
        let allowance = 512
        let threads = 8
        let budget = RequestMemoryBudget(limitBytes: limit, allowanceBytes: allowance)
        let refusals = Atomic<Int>(0)
        let overshoots = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var state = UInt64(thread + 1) &* 0x9E37_79B9_7F4A_7C15
            func random(_ bound: Int) -> Int {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                return Int(state % UInt64(bound))
            }
            var memory = RequestMemory(budget: budget)
            for _ in 0..<20_000 {
                let part: RequestMemory.Part = random(2) == 0 ? .transport : .handler
                let bytes = random(16 * 1024)
                if memory.hold(bytes, as: part) {
                    // Every share may be at its allowance on top of a full budget, never more.
                    if budget.bufferedBytes > limit + threads * allowance { overshoots.add(1, ordering: .relaxed) }
                } else {
                    refusals.add(1, ordering: .relaxed)
                    memory = RequestMemory(budget: budget)  // a refused request ends; a new one comes
                }
                if random(8) == 0 { memory.release() }
            }
        }
        #expect(overshoots.load(ordering: .relaxed) == 0)
        #expect(refusals.load(ordering: .relaxed) > 0, "the demand was meant to pass the budget")
        #expect(budget.refusedRequests == refusals.load(ordering: .relaxed))
        #expect(budget.bufferedBytes == 0)
    }

    @Test func theDefaultIsAQuarterOfTheProcessLimitAtMost512MiB() {
        let mebibyte = 1 << 20
        #expect(RequestMemoryBudget.defaultLimitBytes(processLimitBytes: 1_024 * mebibyte) == 256 * mebibyte)
        #expect(RequestMemoryBudget.defaultLimitBytes(processLimitBytes: 512 * mebibyte) == 128 * mebibyte)
        #expect(RequestMemoryBudget.defaultLimitBytes(processLimitBytes: 64 << 30) == 512 * mebibyte)
        #expect(RequestMemoryBudget.defaultLimitBytes(processLimitBytes: nil) == 512 * mebibyte)
        #expect(RequestMemoryBudget.defaultLimitBytes(processLimitBytes: 2 * mebibyte) == mebibyte)  // a floor
        #expect(ServerConfiguration().requestMemoryBytes == RequestMemoryBudget.processDefaultLimitBytes)
        #expect(ServerConfiguration().requestMemoryBytes <= 512 * mebibyte)
    }
}
