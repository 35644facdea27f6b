/// What the schedule bytes decide for a run on real threads: for each logical thread, the CPU
/// it starts on, a spin before it starts, and before each of its operations a spin, a yield or
/// a move to another CPU. The decisions are fixed by the bytes (the timing they produce is not):
/// the same input always makes the same decisions, and the replay prints them.
package struct ThreadPlan: Equatable, Sendable {
    package enum Step: Equatable, Sendable, CustomStringConvertible {
        case none
        case spin(Int)
        case yield
        case moveTo(cpu: Int)

        package var description: String {
            switch self {
            case .none: return "-"
            case let .spin(n): return "spin \(n)"
            case .yield: return "yield"
            case let .moveTo(cpu): return "move to CPU \(cpu)"
            }
        }
    }

    package struct Thread: Equatable, Sendable {
        package var cpu: Int
        package var startSpin: Int
        /// `steps[i]` happens just before operation `i`.
        package var steps: [Step]
    }

    package var threads: [Thread]

    /// Decodes the plan for `program` from `schedule`: per thread a CPU byte and a start byte,
    /// then one byte per operation (bits 0-1: nothing, spin, yield, move; bits 2-7: amount or
    /// CPU). Missing bytes mean: CPU = thread index, no spin, no step.
    ///
    /// Spins count CPU pause instructions (tens of nanoseconds each): the start spin is 16 per
    /// unit (up to 4,080), a step's spin is its amount squared (up to 3,969), fine steps for
    /// short delays and, at the top, delays long enough (about 0.1 ms) to hold a protection
    /// across another thread's wait or to come after its reinitialise, whatever the skew of
    /// the threads' start.
    package init(program: Program, schedule: [UInt8]) {
        var bytes = ScheduleBytes(schedule)
        var threads = program.threads.indices.map { index in
            Thread(cpu: bytes.next().map { Int($0) } ?? index, startSpin: Int(bytes.next() ?? 0) * 16, steps: [])
        }
        for (index, operations) in program.threads.enumerated() {
            threads[index].steps = operations.map { _ in
                guard let byte = bytes.next() else { return .none }
                let amount = Int(byte >> 2)
                switch byte & 3 {
                case 1: return .spin(amount * amount)
                case 2: return .yield
                case 3: return .moveTo(cpu: amount)
                default: return .none
                }
            }
        }
        self.threads = threads
    }

    /// A listing a person can read.
    package func listing(for program: Program) -> String {
        var lines = ["plan:"]
        for (index, thread) in threads.enumerated() {
            let steps = zip(program.threads[index], thread.steps).map { op, step in
                step == .none ? op.description : "[\(step)] \(op)"
            }
            lines.append(
                "  T\(index) on CPU \(thread.cpu), start after spin \(thread.startSpin): "
                    + steps.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
