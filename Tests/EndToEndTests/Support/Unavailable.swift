/// A fault cannot be staged on this machine (no right to mount, no prlimit tool): the test is skipped
/// with this reason instead of failing.
struct Unavailable: Error, CustomStringConvertible {
    let description: String
}
