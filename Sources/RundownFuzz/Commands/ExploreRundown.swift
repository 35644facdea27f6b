import Foundation
import Rundown
import RundownHarness

/// `explore-rundown`: a schedule source over rundown programs, the standard small set
/// (``RundownSmallSet``) or Interleavings input files: the bounded search (every schedule up to
/// a preemption bound) or a sampling strategy, on the real implementation or a negative
/// control, sequentially consistent or under the weak-memory model (where the source makes the
/// reads-from choices too); the first failure is written as an Interleavings input, or a
/// WeakMemory one (`ci/fuzz replay Interleavings|WeakMemory FILE --control <control>` replays
/// it). With `minimal`, every control a sequentially consistent schedule can catch (with
/// `memory` weak, every control) is searched at bounds 0, 1, ... up to the bound, and the table
/// says the smallest bound that finds it.
package struct ExploreRundown {
    /// The memory model of the runs.
    package enum Memory: String, Sendable, CaseIterable {
        /// Sequentially consistent: every load reads the newest store.
        case sc
        /// The weak-memory model (the WeakMemory target's): the source chooses what loads read.
        case weak

        /// The model called `name`.
        package static func named(_ name: String) throws(UsageError) -> Memory {
            guard let memory = Memory(rawValue: name) else {
                throw UsageError("unknown memory model '\(name)'; models: sc (sequentially consistent), weak")
            }
            return memory
        }
    }

    package let workspace: Workspace
    package let source: ScheduleSource
    package let control: RundownFault
    package let maxSchedules: Int
    package var seed: UInt64 = 1
    package var seconds: Double?
    /// The memory model of every run; nil: each control's own (weak for an ordering control,
    /// which a sequentially consistent run cannot catch; sequentially consistent otherwise).
    package var memory: Memory?
    /// The programs: the small set, or the files given.
    package var members = RundownSmallSet.members

    package init(workspace: Workspace, source: ScheduleSource, control: RundownFault, maxSchedules: Int) {
        self.workspace = workspace
        self.source = source
        self.control = control
        self.maxSchedules = maxSchedules
    }

    /// Whether runs under `fault` use the weak-memory model.
    package func weakMemory(for fault: RundownFault) -> Bool {
        (memory ?? (fault.weakensOrdering ? .weak : .sc)) == .weak
    }

    /// The preemption bound of a bounded source (3 for `minimal` otherwise).
    var bound: Int {
        if case let .bounded(bound) = source { return bound }
        return 3
    }

    /// Uses Interleavings input files instead of the small set (their schedule bytes dropped).
    package mutating func use(files: [String]) throws {
        members = try files.map { file in
            guard let data = FileManager.default.contents(atPath: file) else {
                throw UsageError("cannot read \(file): no such file, or not readable")
            }
            guard let member = RundownSmallSet.member(named: file, input: [UInt8](data)) else {
                throw UsageError("\(file) is not an Interleavings input (the decoder rejects it)")
            }
            return member
        }
    }

    /// Explores every member; returns whether one failed.
    package func run(progress: @escaping (String) -> Void, print: (String) -> Void) throws -> Bool {
        var total = 0
        let weakMemory = weakMemory(for: control)
        for member in members {
            let report: Exploration.Report
            let meter: Exploration.Progress = { done, elapsed in
                progress("  \(member.name): \(done) schedules, \(Int(Double(done) / max(elapsed, 1e-9))) schedules/s")
            }
            if case let .bounded(bound) = source {
                report = RundownSmallSet.explore(
                    member, bound: bound, fault: control, maxSchedules: maxSchedules, weakMemory: weakMemory,
                    progress: meter)
            } else {
                report = RundownSmallSet.sample(
                    member, strategy: source.strategy(seed: seed)!, fault: control, maxSchedules: maxSchedules,
                    weakMemory: weakMemory, seconds: seconds, progress: meter)
            }
            total += report.schedules
            if let finding = report.finding {
                let file = try write(member, finding)
                let target = finding.readsFrom == nil ? "Interleavings" : "WeakMemory"
                print("\(member.name): FAIL at schedule \(finding.schedule) (\(source)): \(finding.failure)")
                print("replay: ci/fuzz replay \(target) \(file) --control \(control.rawValue)")
                return true
            }
            if report.exhausted {
                print(
                    "\(member.name): explored all \(report.schedules) schedules up to \(bound) preemptions: no failure "
                        + "(\(Int(report.rate)) schedules/s)")
            } else {
                print(
                    "\(member.name): \(report.schedules) schedules (\(source)), no failure (\(Int(report.rate)) schedules/s)"
                )
            }
        }
        print(
            "control \(control.rawValue): \(total) schedules\(weakMemory ? " (weak memory)" : ""), no failure")
        return false
    }

    /// For every control a sequentially consistent schedule can catch, and with `memory` weak
    /// every control (each under weak memory): the smallest bound that finds it, on which member,
    /// after how many schedules. The ordering controls wait for an explicit `memory` weak: where
    /// one is not found, the search enumerates every weak-memory run within each bound, which
    /// the default schedule cap does not keep short. Returns the table's lines.
    package func minimalBounds(progress: (String) -> Void) -> [String] {
        var rows = [["control", "minimal bound", "member", "schedules"]]
        for fault in RundownFault.controls where memory == .weak || !fault.weakensOrdering {
            progress("searching \(fault.rawValue)")
            if let found = RundownSmallSet.minimalBound(
                for: fault, maxBound: bound, maxSchedules: maxSchedules, weakMemory: weakMemory(for: fault))
            {
                rows.append([
                    fault.rawValue, "\(found.bound)", found.member.name, "\(found.report.finding!.schedule)",
                ])
            } else {
                rows.append([fault.rawValue, "not found up to \(bound)", "-", "-"])
            }
        }
        return Table.render(rows)
    }

    /// The sources of the by-strategy tables, in column order: every sampling strategy, then
    /// the bounded search at `bound`.
    var tableSources: [ScheduleSource] {
        [.randomWalk, .pct(depth: 3), .pct(depth: 10), .pos, .surw, .urw, .bounded(bound: bound)]
    }

    /// `source` on every member under `fault` (in its memory model, ``weakMemory(for:)``) until
    /// the first failure: the schedules and seconds to it over all the members; nil when none
    /// failed. A sampling strategy runs the
    /// members in turn, one schedule each (each member its own strategy, seeded `seed`), up to
    /// `maxSchedules` schedules per member (and `seconds` per member); the bounded search
    /// enumerates each member in order, each capped at `maxSchedules`.
    func firstFailure(_ source: ScheduleSource, fault: RundownFault, seed: UInt64) -> (schedules: Int, seconds: Double)?
    {
        var schedules = 0
        var seconds = 0.0
        let weakMemory = weakMemory(for: fault)
        if case let .bounded(bound) = source {
            for member in members {
                let report = RundownSmallSet.explore(
                    member, bound: bound, fault: fault, maxSchedules: maxSchedules, weakMemory: weakMemory)
                schedules += report.finding?.schedule ?? report.schedules
                seconds += report.seconds
                if report.finding != nil { return (schedules, seconds) }
            }
            return nil
        }
        let strategies = members.map { _ in source.strategy(seed: seed)! }
        for _ in 0..<maxSchedules {
            for (member, strategy) in zip(members, strategies) {
                let report = RundownSmallSet.sample(
                    member, strategy: strategy, fault: fault, maxSchedules: 1, weakMemory: weakMemory)
                schedules += 1
                seconds += report.seconds
                if report.finding != nil { return (schedules, seconds) }
            }
            if let limit = self.seconds, seconds >= limit * Double(members.count) { break }
        }
        return nil
    }

    /// "The controls by strategy": for every control and source, the median schedules and
    /// seconds to the first failure over seeds 1...`seeds` (the bounded search is deterministic:
    /// one run), each control in its memory model (``weakMemory(for:)``: by default the
    /// ordering controls under weak memory, the others sequentially consistent, so their figures
    /// compare with earlier tables). One row per control of `controls`. Returns the table as
    /// Markdown lines.
    package func controlsTable(
        seeds: Int, controls: [RundownFault] = RundownFault.controls, progress: (String) -> Void
    ) -> [String] {
        let sources = tableSources
        var lines = [
            "| control | " + sources.map { "`\($0)`" }.joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---|", count: sources.count),
        ]
        for fault in controls {
            var cells: [String] = []
            for source in sources {
                progress("\(fault.rawValue): \(source)")
                let runs = source.strategy(seed: 1) == nil ? 1 : seeds
                let found = (1...runs).compactMap { firstFailure(source, fault: fault, seed: UInt64($0)) }
                cells.append(Self.cell(found, runs: runs))
            }
            lines.append("| `\(fault.rawValue)` | " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }

    /// A cell: "median schedules (median s)", with "k/n" when only k of n runs found it.
    package static func cell(_ found: [(schedules: Int, seconds: Double)], runs: Int) -> String {
        guard !found.isEmpty else { return "not found" }
        let schedules = median(found.map { Double($0.schedules) })
        let seconds = median(found.map(\.seconds))
        let figure = "\(Table.grouped(Int(schedules.rounded()))) (\(String(format: "%.3f", seconds)) s)"
        return found.count == runs ? figure : "\(figure), \(found.count)/\(runs)"
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Schedules per second of every source on the members, real implementation (sequentially
    /// consistent unless `memory` says weak): each source runs up to `maxSchedules` schedules on
    /// each member (seed `seed`). Returns the table's lines.
    package func throughput(progress: (String) -> Void) -> [String] {
        var rows = [["strategy", "schedules", "seconds", "schedules/s"]]
        for source in tableSources {
            progress("throughput: \(source)")
            var schedules = 0
            var seconds = 0.0
            for member in members {
                let report: Exploration.Report
                let weakMemory = weakMemory(for: .none)
                if case let .bounded(bound) = source {
                    report = RundownSmallSet.explore(
                        member, bound: bound, fault: .none, maxSchedules: maxSchedules, weakMemory: weakMemory)
                } else {
                    report = RundownSmallSet.sample(
                        member, strategy: source.strategy(seed: seed)!, fault: .none, maxSchedules: maxSchedules,
                        weakMemory: weakMemory)
                }
                schedules += report.schedules
                seconds += report.seconds
            }
            rows.append([
                "\(source)", Table.grouped(schedules), String(format: "%.2f", seconds),
                Table.grouped(Int((Double(schedules) / max(seconds, 1e-9)).rounded())),
            ])
        }
        return Table.render(rows, rightAligned: [1, 2, 3])
    }

    private func write(_ member: RundownSmallSet.Member, _ finding: Exploration.Finding) throws -> String {
        let folder = workspace.explorations
        try FileManager.default.createDirectory(
            atPath: workspace.root + "/" + folder, withIntermediateDirectories: true)
        let name = member.name.split(separator: "/").last.map(String.init) ?? member.name
        let weak = finding.readsFrom == nil ? "" : "-weak"
        let file = "\(folder)/rundown-\(name)-\(control.rawValue)-\(source)\(weak)"
        guard let input = member.input(replaying: finding) else {
            throw ToolFailure("the finding needs more reads-from bytes than a WeakMemory input holds (255)")
        }
        let contents = Data(input)
        guard FileManager.default.createFile(atPath: workspace.root + "/" + file, contents: contents) else {
            throw ToolFailure("cannot write \(workspace.root)/\(file)")
        }
        return file
    }
}
