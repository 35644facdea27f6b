/// The operations of the platform seam (``Rundown/RundownPlatform``), as a forwarding
/// platform's hook sees them.
package enum SeamOperation: Sendable {
    case load, store, compareExchange, wrappingAdd
    case resetEvent, signalEvent, waitForEvent
    /// The fast path's restartable per-CPU add (its hook runs on the ref's gate) and barrier.
    case restartableAdd, barrier
}
