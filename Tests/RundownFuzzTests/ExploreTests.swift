import Foundation
import Rundown
import RundownFuzz
import RundownHarness
import Testing

/// The explorer's pieces in the front-end: strategy names, the Benchmarks target's seeds, and a
/// finding written as a file that replays.
@Suite("explore and the Benchmarks target")
struct ExploreTests {
    @Test("strategy names parse, and a typo is a usage error listing them")
    func strategyNames() throws {
        #expect(try ScheduleSource.named("pct3", bound: 2) == .pct(depth: 3))
        #expect(try ScheduleSource.named("bounded", bound: 1) == .bounded(bound: 1))
        #expect(try ScheduleSource.named("surw", bound: 2) == .surw)
        do {
            _ = try ScheduleSource.named("pct", bound: 2)
            Issue.record("'pct' without a depth was accepted")
        } catch {
            #expect(error.description.contains("random-walk, pct<depth>"))
        }
    }

    @Test("every ported program has a seed in Corpus/Benchmarks that runs it and passes")
    func seeds() throws {
        let folder = repositoryRoot + "/Corpus/Benchmarks"
        var seen = Set<UInt8>()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let bytes = [UInt8](try #require(FileManager.default.contents(atPath: folder + "/" + file)))
            let (program, schedule) = try #require(BenchmarkProgram.decode(bytes))
            #expect(program.run(schedule: schedule).failure == nil, "\(file)")
            seen.insert(program.id)
        }
        #expect(seen == Set(BenchmarkProgram.all.map(\.id)))
        #expect(!FuzzTarget.campaignTargets.contains { $0.name == "Benchmarks" })
        #expect(!OSSFuzzBuild.products.contains { $0.name == "Benchmarks" })
    }

    @Test("explore writes its first failure as a Benchmarks input that fails again on replay")
    func findingReplays() throws {
        let root = FileManager.default.temporaryDirectory.path + "/explore-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let program = try RundownFuzz.Explore.program(named: "wronglock_3")
        let explore = RundownFuzz.Explore(
            workspace: Workspace(root: root), program: program, source: .pos, seed: 2, schedules: 10_000, seconds: nil)
        var lines: [String] = []
        #expect(try explore.run(progress: { _ in }, print: { lines.append($0) }))
        let replayLine = try #require(lines.first { $0.hasPrefix("replay: ci/fuzz replay Benchmarks ") })
        let file = String(replayLine.dropFirst("replay: ci/fuzz replay Benchmarks ".count))
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: root + "/" + file)))
        let (decoded, schedule) = try #require(BenchmarkProgram.decode(bytes))
        #expect(decoded.id == program.id)
        #expect(decoded.run(schedule: schedule).failure?.name == "assertion")
        // The same file through `ci/fuzz replay Benchmarks FILE`'s code: one failure.
        var replay = Replay(
            workspace: Workspace(root: root), target: try FuzzTarget.named("Benchmarks"), control: .none)
        replay.quiet = true
        var verdicts: [String] = []
        #expect(try replay.run(files: [root + "/" + file], stop: .current, print: { verdicts.append($0) }) == 1)
        #expect(verdicts.first?.contains("FAIL assertion") == true, "\(verdicts)")
    }

    @Test("explore-rundown writes its first failure as an Interleavings input that replay fails with the control")
    func rundownFindingReplays() throws {
        let root = FileManager.default.temporaryDirectory.path + "/explore-rundown-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let control = RundownFault.drainSubtractsWordDelta
        var explore = RundownFuzz.ExploreRundown(
            workspace: Workspace(root: root), source: .pct(depth: 3), control: control, maxSchedules: 20_000)
        explore.seed = 1
        var lines: [String] = []
        #expect(try explore.run(progress: { _ in }, print: { lines.append($0) }))
        let prefix = "replay: ci/fuzz replay Interleavings "
        let replayLine = try #require(lines.first { $0.hasPrefix(prefix) })
        #expect(replayLine.hasSuffix(" --control \(control.rawValue)"))
        let file = root + "/" + String(replayLine.dropFirst(prefix.count).split(separator: " ")[0])
        try expectReplayFailsOnlyWith(control, file: file, root: root, target: "Interleavings")
    }

    @Test("explore-rundown under weak memory writes a WeakMemory input that replay fails with the control")
    func weakFindingReplays() throws {
        let root = FileManager.default.temporaryDirectory.path + "/explore-weak-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let control = RundownFault.relaxedCountPublication
        var explore = RundownFuzz.ExploreRundown(
            workspace: Workspace(root: root), source: .randomWalk, control: control, maxSchedules: 2_000)
        #expect(explore.weakMemory(for: control) && !explore.weakMemory(for: .drainSubtractsWordDelta))
        explore.memory = .weak
        var lines: [String] = []
        #expect(try explore.run(progress: { _ in }, print: { lines.append($0) }))
        let prefix = "replay: ci/fuzz replay WeakMemory "
        let replayLine = try #require(lines.first { $0.hasPrefix(prefix) }, "\(lines)")
        let file = root + "/" + String(replayLine.dropFirst(prefix.count).split(separator: " ")[0])
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: file)))
        #expect(bytes.first == InputDecoder.weakMemoryFormatVersion)
        try expectReplayFailsOnlyWith(control, file: file, root: root, target: "WeakMemory")
    }

    @Test("explore-rundown's memory models: sc and weak; anything else is a usage error naming them")
    func memoryNames() throws {
        #expect(try RundownFuzz.ExploreRundown.Memory.named("weak") == .weak)
        #expect(try RundownFuzz.ExploreRundown.Memory.named("sc") == .sc)
        do {
            _ = try RundownFuzz.ExploreRundown.Memory.named("tso")
            Issue.record("'tso' was accepted")
        } catch {
            #expect(error.description.contains("'tso'"))
            #expect(error.description.contains("sc (sequentially consistent), weak"))
        }
    }

    @Test("explore-rundown's tables: a cell is the median over the runs that found it, with k/n when some missed")
    func tableCells() {
        #expect(RundownFuzz.ExploreRundown.cell([(10, 0.5), (30, 1.5), (20, 1.0)], runs: 3) == "20 (1.000 s)")
        #expect(RundownFuzz.ExploreRundown.cell([(10, 0.5), (30, 1.5)], runs: 5) == "20 (1.000 s), 2/5")
        #expect(RundownFuzz.ExploreRundown.cell([], runs: 5) == "not found")
    }

    /// `ci/fuzz replay TARGET FILE [--control C]`, twice to check it is deterministic: the
    /// finding fails with its control and passes on the real code.
    private func expectReplayFailsOnlyWith(_ control: RundownFault, file: String, root: String, target name: String)
        throws
    {
        let target = try FuzzTarget.named(name)
        for (fault, failures) in [(control, 1), (RundownFault.none, 0)] {
            var replay = Replay(workspace: Workspace(root: root), target: target, control: fault)
            replay.quiet = true
            replay.twice = true
            var verdicts: [String] = []
            #expect(try replay.run(files: [file], stop: .current, print: { verdicts.append($0) }) == failures)
            #expect(verdicts.first?.contains(failures == 1 ? "FAIL" : "PASS") == true, "\(fault): \(verdicts)")
        }
    }
}
