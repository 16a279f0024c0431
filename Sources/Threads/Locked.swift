/// A value behind a pthread mutex. Where ThreadSanitizer must see the lock: Synchronization's `Mutex`
/// synchronizes through atomics inside the (uninstrumented) standard library, so TSan reported two
/// connection threads updating HTTPServer's per-client counts under one `Mutex` as a race (CI,
/// .ci/sanitizers); pthread_mutex_lock is intercepted by TSan.
package final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is touched only with `lock` held.
    private let lock = Condition()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` on the value with the lock held.
    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
