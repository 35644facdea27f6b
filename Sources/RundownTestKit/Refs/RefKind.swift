/// The three ways to have a ref. Every driver (the fiber engine, the real-thread runner, the
/// soak tester, the tests) names them with this one type.
///
/// The raw values are part of the fuzz input format (the decoder reads them from the input's
/// options byte): never renumber them.
package enum RefKind: UInt8, Equatable, Sendable, CaseIterable {
    /// A plain one-word ref (`ExInitializeRundownProtection` on caller memory).
    case plain = 0
    /// A cache-aware ref from the pool (`ExAllocateCacheAwareRundownProtection`).
    case cacheAwareAllocated = 1
    /// A cache-aware ref initialised in caller memory (`ExInitializeRundownProtectionCacheAware`).
    case cacheAwareCallerMemory = 2

    /// Whether the ref lives in memory its creator allocated (and gives back itself).
    package var usesCallerMemory: Bool { self != .cacheAwareAllocated }

    /// Whether the ref has a slot per CPU.
    package var isCacheAware: Bool { self != .plain }
}
