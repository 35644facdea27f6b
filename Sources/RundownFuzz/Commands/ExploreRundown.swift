import Foundation
import Rundown
import RundownHarness

/// `explore-rundown`: a schedule source over rundown programs, the standard small set
/// (``RundownSmallSet``) or Interleavings input files: the bounded search (every schedule up to
/// a preemption bound) or a sampling strategy, on the real implementation or a negative
/// control; the first failure is written as an Interleavings input
/// (`ci/fuzz replay Interleavings FILE --control <control>` replays it). With `minimal`, every
/// control that a sequentially consistent schedule can catch (the ordering controls need the
/// weak-memory mode) is searched at bounds 0, 1, ... up to the bound, and the table says the
/// smallest bound that finds it.
package struct ExploreRundown {
    package let workspace: Workspace
    package let source: ScheduleSource
    package let control: RundownFault
    package let maxSchedules: Int
    package var seed: UInt64 = 1
    package var seconds: Double?
    /// The programs: the small set, or the files given.
    package var members = RundownSmallSet.members

    package init(workspace: Workspace, source: ScheduleSource, control: RundownFault, maxSchedules: Int) {
        self.workspace = workspace
        self.source = source
        self.control = control
        self.maxSchedules = maxSchedules
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
        for member in members {
            let report: Exploration.Report
            let meter: Exploration.Progress = { done, elapsed in
                progress("  \(member.name): \(done) schedules, \(Int(Double(done) / max(elapsed, 1e-9))) schedules/s")
            }
            if case let .bounded(bound) = source {
                report = RundownSmallSet.explore(
                    member, bound: bound, fault: control, maxSchedules: maxSchedules, progress: meter)
            } else {
                report = RundownSmallSet.sample(
                    member, strategy: source.strategy(seed: seed)!, fault: control, maxSchedules: maxSchedules,
                    seconds: seconds, progress: meter)
            }
            total += report.schedules
            if let finding = report.finding {
                let file = try write(member, finding)
                print("\(member.name): FAIL at schedule \(finding.schedule) (\(source)): \(finding.failure)")
                print("replay: ci/fuzz replay Interleavings \(file) --control \(control.rawValue)")
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
        print("control \(control.rawValue): \(total) schedules, no failure")
        return false
    }

    /// For every control a sequentially consistent schedule can catch: the smallest bound that
    /// finds it, on which member, after how many schedules. Returns the table's lines.
    package func minimalBounds(progress: (String) -> Void) -> [String] {
        var rows = [["control", "minimal bound", "member", "schedules"]]
        for fault in RundownFault.controls where !fault.weakensOrdering {
            progress("searching \(fault.rawValue)")
            if let found = RundownSmallSet.minimalBound(for: fault, maxBound: bound, maxSchedules: maxSchedules) {
                rows.append([
                    fault.rawValue, "\(found.bound)", found.member.name, "\(found.report.finding!.schedule)",
                ])
            } else {
                rows.append([fault.rawValue, "not found up to \(bound)", "-", "-"])
            }
        }
        return Table.render(rows)
    }

    private func write(_ member: RundownSmallSet.Member, _ finding: Exploration.Finding) throws -> String {
        let folder = workspace.explorations
        try FileManager.default.createDirectory(
            atPath: workspace.root + "/" + folder, withIntermediateDirectories: true)
        let name = member.name.split(separator: "/").last.map(String.init) ?? member.name
        let file = "\(folder)/rundown-\(name)-\(control.rawValue)-\(source)"
        let contents = Data(member.input + finding.bytes)
        guard FileManager.default.createFile(atPath: workspace.root + "/" + file, contents: contents) else {
            throw ToolFailure("cannot write \(workspace.root)/\(file)")
        }
        return file
    }
}
