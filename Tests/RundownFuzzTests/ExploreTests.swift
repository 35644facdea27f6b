import Foundation
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
    }
}
