/// A deterministic generator (SplitMix64): the same fuzz input always gives the same choices, so a
/// crash reproduces from its saved input alone.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Cuts `bytes` into consecutive chunks of 0 to `maxChunk` bytes (empty reads included), chosen by `seed`.
package func split(_ bytes: [UInt8], maxChunk: Int, seed: UInt64) -> [[UInt8]] {
    var generator = SplitMix64(seed: seed)
    var chunks: [[UInt8]] = []
    var position = 0
    while position < bytes.count {
        let end = min(bytes.count, position + Int.random(in: 0...maxChunk, using: &generator))
        chunks.append(Array(bytes[position..<end]))
        position = end
    }
    return chunks
}
