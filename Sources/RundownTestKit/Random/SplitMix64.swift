/// SplitMix64: a small, fast, well-mixed generator whose sequence depends only on its seed, for
/// the inputs that tests and tools generate and the soak tester's per-thread choices
/// (reproducible from the seed alone; not of cryptographic quality).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// Stream `stream` (a thread's index, say) of the run seeded with `seed`: distinct streams
    /// of one seed do not overlap in practice.
    package init(seed: UInt64, stream: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xBF58_476D_1CE4_E5B9 &+ 1
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0 ..< bound` (`bound` > 0).
    package mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability `share` (0...1).
    package mutating func chance(_ share: Double) -> Bool {
        share > 0 && Double(next() >> 11) * 0x1p-53 < share
    }
}
