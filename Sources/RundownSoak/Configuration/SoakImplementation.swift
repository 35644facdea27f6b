import Rundown
import RundownTestKit

/// What a soak run hammers: the real implementation with one kind of ref or all three at once,
/// or a deliberately broken variant (a negative control) that the run must catch.
package enum SoakImplementation: Equatable, Sendable, CustomStringConvertible {
    /// Every kind of ref at once, spread over the cells (the default).
    case mixed
    /// Cache-aware refs from Allocate (a slot per CPU).
    case cacheAware
    /// Cache-aware refs initialised in caller memory.
    case cacheAwareCallerMemory
    /// Plain single-word refs.
    case plain
    /// A negative control from the library's fault list, on mixed refs.
    case control(RundownFault)
    /// A planted hang: one worker, once, never releases a protection it acquired (a user bug,
    /// not the library's): the watchdog must report it with the acquire's stack.
    case leakOneProtection

    /// The name a person types for ``leakOneProtection``.
    package static let leakName = "leak-one-protection"

    /// Every name ``init(name:)`` accepts, real implementations first.
    package static var allNames: [String] {
        ["mixed", "cache-aware", "cache-aware-caller-memory", "plain"]
            + RundownFault.controls.map(\.rawValue) + [leakName]
    }

    /// Parses a name from ``allNames``; nil for anything else.
    package init?(name: String) {
        switch name {
        case "mixed": self = .mixed
        case "cache-aware": self = .cacheAware
        case "cache-aware-caller-memory": self = .cacheAwareCallerMemory
        case "plain": self = .plain
        case SoakImplementation.leakName: self = .leakOneProtection
        default:
            guard let fault = RundownFault(rawValue: name), fault != .none else { return nil }
            self = .control(fault)
        }
    }

    package var description: String {
        switch self {
        case .mixed: "mixed"
        case .cacheAware: "cache-aware"
        case .cacheAwareCallerMemory: "cache-aware-caller-memory"
        case .plain: "plain"
        case let .control(fault): fault.rawValue
        case .leakOneProtection: SoakImplementation.leakName
        }
    }

    /// The library fault this run turns on (`.none` for the real implementation).
    package var fault: RundownFault {
        if case let .control(fault) = self { return fault }
        return .none
    }

    /// Whether the run must end in FAILURE to be correct (a negative control).
    package var isControl: Bool {
        switch self {
        case .control, .leakOneProtection: true
        default: false
        }
    }

    /// The kind of ref cell `index` gets.
    func refKind(ofCell index: Int) -> RefKind {
        switch self {
        case .cacheAware: .cacheAwareAllocated
        case .cacheAwareCallerMemory: .cacheAwareCallerMemory
        case .plain: .plain
        case .mixed, .control, .leakOneProtection:
            SoakImplementation.mixedKinds[index % SoakImplementation.mixedKinds.count]
        }
    }

    /// The kinds a mixed run deals out to its cells, in turn.
    static let mixedKinds: [RefKind] = [.cacheAwareAllocated, .cacheAwareCallerMemory, .plain]
}

extension RefKind {
    /// The kind as the soak's reports name it.
    var soakName: String {
        switch self {
        case .cacheAwareAllocated: "cache-aware (Allocate)"
        case .cacheAwareCallerMemory: "cache-aware (caller memory)"
        case .plain: "plain"
        }
    }
}
