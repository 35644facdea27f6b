/// A small, fast generator (SplitMix64) per thread: the soak's choices need speed and a
/// reproducible stream per seed, not cryptographic quality.
struct SoakRandom {
    private var state: UInt64

    /// A stream for `stream` (a thread's index) derived from the run's seed.
    init(seed: UInt64, stream: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xBF58_476D_1CE4_E5B9 &+ 1
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0 ..< bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability `share` (0...1).
    mutating func chance(_ share: Double) -> Bool {
        share > 0 && Double(next() >> 11) * 0x1p-53 < share
    }
}
