import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Catches SIGTERM and SIGINT from the moment it is made. The first signal ends `waitForTermination`
/// (a graceful drain follows); a second one exits at once. Keep the object alive until the process
/// is done: its dispatch sources are what listen.
package final class SignalWaiter: @unchecked Sendable {
    // @unchecked Sendable: `first` is written on the serial signal queue only, and read by the waiting
    // thread after the semaphore, which orders the two.
    private let queue = DispatchQueue(label: "ordersync.signals")
    private let received = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []
    private var first: String?

    package init() {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)  // let Dispatch see it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                if first == nil {
                    first = name
                    received.signal()
                } else {
                    _exit(1)  // second signal: the operator wants out now
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until the first signal; returns its name.
    package func waitForTermination() -> String {
        received.wait()
        return first ?? "signal"
    }
}
