import Rundown
import RundownTestKit

/// Runs a small program of the platform seam's atomic operations on the controlled scheduler,
/// outside the rundown harness: the memory model's litmus tests are its first client. Each
/// logical thread runs `body(thread)`, which calls ``ControlledPlatform``'s operations on words it
/// owns; every operation is a scheduling point, and with a reads-from stream the weak-memory
/// model decides what each load reads.
package enum ControlledRun {
    /// Runs `threads` logical threads of `body` once; returns the run's failure, if any.
    ///
    /// - Parameters:
    ///   - readsFrom: the reads-from stream; nil runs sequentially consistent.
    ///   - variables: the words the program uses, named v0, v1, … in traces.
    ///   - decisions: records every choice (for ``ExhaustiveSearch``).
    package static func run(
        threads: Int, schedule: [UInt8], readsFrom: [UInt8]?, variables: [RundownWord] = [],
        decisions: DecisionLog? = nil, body: @escaping (Int) -> Void
    ) -> Failure? {
        OneRunAtATime.run {
            let scheduler = Scheduler.shared
            let addresses = variables.map { UInt(bitPattern: $0) }
            scheduler.reset(
                threads: threads, body: body, schedule: ScheduleBytes(schedule), cpuCount: 1, fault: .none,
                stepBound: 10_000, feedsCounters: false, readsFrom: readsFrom,
                labeller: { address in
                    .variable(UInt8(truncatingIfNeeded: addresses.firstIndex(of: address) ?? addresses.count))
                },
                decisions: decisions, onPoint: {})
            scheduler.run()
            return scheduler.failure
        }
    }
}
