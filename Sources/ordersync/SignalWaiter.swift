import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for SIGTERM or SIGINT. The first starts a graceful drain; a second one exits at once.
enum SignalWaiter {
    /// Blocks until the first signal; returns its name.
    static func waitForTermination() -> String {
        let queue = DispatchQueue(label: "ordersync.signals")
        let received = DispatchSemaphore(value: 0)
        let first = SignalName()
        var sources: [DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)  // let Dispatch see it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if first.value == nil {
                    first.value = name
                    received.signal()
                } else {
                    // Second signal: the operator wants out now.
                    _exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
        received.wait()
        return first.value ?? "signal"
    }

    /// Set and read on the signal queue only; read by the main thread after the semaphore.
    private final class SignalName: @unchecked Sendable {
        var value: String?
    }
}
