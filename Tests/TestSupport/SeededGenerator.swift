/// A small deterministic generator (SplitMix64, Steele et al. 2014), so a failing random split or
/// property case replays from its seed. Tests only; the fake providers and the fuzzers keep their own
/// (Sources/FakeProviders/SplitMix64.swift, Fuzz/Sources/FuzzSupport/SplitMix64.swift), which must
/// not depend on a test target.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (`bound` > 0); the modulo's tiny bias does not matter to a test.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
