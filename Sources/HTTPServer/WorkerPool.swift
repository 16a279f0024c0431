import Threads

/// The threads that serve requests: at most `maxThreads`, started as work arrives and ended after
/// `idleSeconds` without any (down to `minThreads`). A job is one step of one connection (from a
/// request head to the response written); connections that wait wait in the event thread's
/// readiness set, not here (`ConnectionLoop`), so the number of threads is bounded by this pool, not
/// by the number of connections.
final class WorkerPool: @unchecked Sendable {
    // @unchecked Sendable: every field below `condition` is read and written with it held.
    private let condition = Condition()
    private let maxThreads: Int
    private let minThreads: Int
    private let stackBytes: Int
    private let idleSeconds: Double
    private var minimum: Int
    private var jobs: [(inout [UInt8]) -> Void] = []
    private var head = 0
    private var threads = 0
    private var idle = 0

    init(maxThreads: Int, minThreads: Int = 2, stackBytes: Int, idleSeconds: Double = 5) {
        self.maxThreads = max(1, maxThreads)
        self.minThreads = min(max(1, minThreads), self.maxThreads)
        self.stackBytes = stackBytes
        self.idleSeconds = idleSeconds
        self.minimum = self.minThreads
    }

    /// The server stopped: idle threads end (after `idleSeconds`), none stays for more work.
    func retire() {
        condition.withLock {
            minimum = 0
            condition.broadcast()
        }
    }

    /// Threads of the pool right now, and how many of them wait for work.
    var counts: (threads: Int, idle: Int) { condition.withLock { (threads, idle) } }

    /// True when a job submitted now would wait for a thread: every thread is busy and no more may start.
    var isSaturated: Bool {
        condition.withLock { idle <= jobs.count - head && threads >= maxThreads }
    }

    /// Runs `job` on a pool thread, starting one if none is free and the pool may grow. When no thread
    /// can be started at all (the system refuses), the job waits for a busy one. The job gets its
    /// thread's read buffer (one per thread, not per connection).
    func submit(_ job: @escaping (inout [UInt8]) -> Void) {
        let start: Bool = condition.withLock {
            jobs.append(job)
            if idle > jobs.count - head - 1 {
                condition.signal()
                return false
            }
            guard threads < maxThreads else { return false }
            threads += 1
            return true
        }
        guard start else { return }
        if !Threads.start(stackSize: stackBytes, { [self] in work() }) {
            condition.withLock { threads -= 1 }
        }
    }

    private func work() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        condition.lock()
        while true {
            if head < jobs.count {
                let job = jobs[head]
                jobs[head] = { _ in }
                head += 1
                if head == jobs.count {
                    jobs.removeAll(keepingCapacity: jobs.capacity <= 1_024)
                    head = 0
                }
                condition.unlock()
                job(&buffer)
                condition.lock()
                continue
            }
            idle += 1
            let signalled = condition.wait(untilMonotonic: Threads.monotonicSeconds() + idleSeconds)
            idle -= 1
            if (!signalled || minimum == 0) && head == jobs.count && threads > minimum {
                threads -= 1
                condition.unlock()
                return
            }
        }
    }
}
