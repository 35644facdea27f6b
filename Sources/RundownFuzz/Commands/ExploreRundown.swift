import Foundation
import Rundown
import RundownHarness

/// `explore-rundown`: bounded exhaustive search over the rundown programs of the standard small
/// set (``RundownSmallSet``): every schedule up to a preemption bound, on the real
/// implementation or a negative control; the first failure is written as an Interleavings
/// input (`ci/fuzz replay Interleavings FILE --control <control>` replays it). With
/// `minimal`, every control that a sequentially consistent schedule can catch (the ordering
/// controls need the weak-memory mode) is searched at bounds 0, 1, ... up to the bound, and the
/// table says the smallest bound that finds it.
package struct ExploreRundown {
    package let workspace: Workspace
    package let bound: Int
    package let control: RundownFault
    package let maxSchedules: Int

    package init(workspace: Workspace, bound: Int, control: RundownFault, maxSchedules: Int) {
        self.workspace = workspace
        self.bound = bound
        self.control = control
        self.maxSchedules = maxSchedules
    }

    /// Searches every member; returns whether one failed.
    package func run(progress: @escaping (String) -> Void, print: (String) -> Void) throws -> Bool {
        var total = 0
        for member in RundownSmallSet.members {
            let report = RundownSmallSet.explore(member, bound: bound, fault: control, maxSchedules: maxSchedules) {
                done, elapsed in
                progress("  \(member.name): \(done) schedules, \(Int(Double(done) / max(elapsed, 1e-9))) schedules/s")
            }
            total += report.schedules
            if let finding = report.finding {
                let file = try write(member, finding)
                print("\(member.name): FAIL at schedule \(finding.schedule): \(finding.failure)")
                print("replay: ci/fuzz replay Interleavings \(file) --control \(control.rawValue)")
                return true
            }
            if report.exhausted {
                print(
                    "\(member.name): explored all \(report.schedules) schedules up to \(bound) preemptions: no failure "
                        + "(\(Int(report.rate)) schedules/s)")
            } else {
                print("\(member.name): stopped after \(report.schedules) schedules (--schedules): no failure so far")
            }
        }
        print("small set, control \(control.rawValue): \(total) schedules, no failure")
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
        let file = "\(folder)/rundown-\(member.name)-\(control.rawValue)-bounded\(bound)"
        let contents = Data(member.input + finding.bytes)
        guard FileManager.default.createFile(atPath: workspace.root + "/" + file, contents: contents) else {
            throw ToolFailure("cannot write \(workspace.root)/\(file)")
        }
        return file
    }
}
