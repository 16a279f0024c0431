import CRMPush
import Threads

/// The wall clock and real sleeps, for the workers of a running server (tests inject their own).
package struct SystemClock: CRMClock {
    package init() {}

    package func now() -> Double { Double(Threads.wallClockMilliseconds()) / 1_000 }

    package func sleep(_ seconds: Double) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
    }
}
