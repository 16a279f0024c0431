import Threads

/// At most `capacity` connections (or any resource), each lent to one caller at a time; a caller
/// waits up to `waitLimit` seconds for one to come free (`.busy` after that). Both engines' pools
/// are one of these (Sources/OrderStore/ReaderPool.swift, Sources/PostgresStore/ConnectionPool.swift).
package final class BoundedPool<Resource>: @unchecked Sendable {
    // @unchecked Sendable: `idle`, `created` and `closed` are guarded by `condition`; a lent resource
    // is used by exactly one thread until it is given back.
    private let make: () throws(StoreError) -> Resource
    private let capacity: Int
    private let waitLimit: Double
    private let condition = Condition()
    private var idle: [Resource] = []
    private var created = 0
    private var closed = false

    package init(capacity: Int, waitLimit: Double, make: @escaping () throws(StoreError) -> Resource) {
        self.capacity = max(1, capacity)
        self.waitLimit = waitLimit
        self.make = make
    }

    /// An idle resource, or a new one while fewer than `capacity` exist; else waits for one.
    package func acquire() throws(StoreError) -> Resource {
        condition.lock()
        let deadline = Threads.monotonicSeconds() + waitLimit
        while true {
            if closed {
                condition.unlock()
                throw .closed
            }
            if let resource = idle.popLast() {
                condition.unlock()
                return resource
            }
            if created < capacity {
                created += 1
                condition.unlock()
                do {
                    return try make()
                } catch {
                    condition.lock()
                    created -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            if !condition.wait(untilMonotonic: deadline) {
                condition.unlock()
                throw .busy
            }
        }
    }

    /// Takes a resource back: kept for the next caller when `reusable`, else dropped (a new one is
    /// made when needed).
    package func release(_ resource: Resource, reusable: Bool = true) {
        condition.lock()
        if closed || !reusable {
            created -= 1
        } else {
            idle.append(resource)
        }
        condition.signal()
        condition.unlock()
    }

    /// Drops the idle resources and refuses new loans; lent ones are dropped when given back.
    package func close() {
        condition.lock()
        closed = true
        created -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
