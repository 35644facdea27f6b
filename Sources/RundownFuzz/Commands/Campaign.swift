import Foundation
import Rundown

/// A fuzzing campaign: each target in turn for a fixed time, from its working corpus (seeded
/// from the committed one), with its findings, log and figures gathered for the recap.
package struct Campaign {
    package let workspace: Workspace
    package let targets: [FuzzTarget]
    package let seconds: Int
    package let control: RundownFault
    package let stop: StopSignal
    /// Worker processes per target (1: one libFuzzer process; more: its fork mode, see
    /// ``LibFuzzerRun/workerFlags(jobs:)``). Findings, working corpus and recap are the same.
    package let jobs: Int

    package init(
        workspace: Workspace, targets: [FuzzTarget], seconds: Int, control: RundownFault, stop: StopSignal,
        jobs: Int = 1
    ) {
        self.workspace = workspace
        self.targets = targets
        self.seconds = seconds
        self.control = control
        self.stop = stop
        self.jobs = jobs
    }

    /// Runs every target (until a stop signal) and returns one result per target.
    package func run(log: (String) -> Void) throws -> CampaignRecap {
        // Every binary exists before the first minute is spent.
        for target in targets { _ = try LibFuzzerRun(target: target, workspace: workspace, control: control).binary() }
        let logs = workspace.newLogFolder("campaign")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var results: [CampaignResult] = []
        for target in targets {
            if stop.isRequested {
                results.append(CampaignResult(target: target, verdict: .notRun, log: nil, figures: nil))
                continue
            }
            results.append(try run(target, logs: logs, log: log))
        }
        return CampaignRecap(
            seconds: seconds, control: control, results: results, logFolder: logs, jobs: jobs)
    }

    func run(_ target: FuzzTarget, logs: String, log: (String) -> Void) throws -> CampaignResult {
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: control)
        let working = workspace.workingCorpus(target)
        let seeded = try Workspace.seed(working, from: workspace.committedCorpus(target))
        let findings = workspace.findings(target)
        try FileManager.default.createDirectory(atPath: findings, withIntermediateDirectories: true)
        let logFile = "\(logs)/\(target.name).log"
        log(
            "== \(target.name): fuzzing for \(seconds) s\(jobs > 1 ? " on \(jobs) workers" : "") from \(working) (\(Workspace.files(in: working).count) inputs, \(seeded) new from \(workspace.committedCorpus(target))); log: \(logFile)"
        )
        // Fork mode's first pass records every seed that fails, where one process stops at the
        // first: with several workers the seeds run once in one process first, so that a
        // failing seed is one finding, exactly as without workers.
        if jobs > 1 {
            let seedLog = "\(logs)/\(target.name)-seeds.log"
            let (seedTermination, seedOutput) = try fuzzer.run(
                ["-runs=0", "-artifact_prefix=\(findings)/", working], log: seedLog, stop: stop)
            if let artifact = seedOutput.artifact {
                let result = CampaignResult(
                    target: target,
                    verdict: .found(artifact: artifact, summary: seedOutput.findingSummary ?? "see the log"),
                    log: seedLog, figures: seedOutput)
                log("   \(target.name): \(result.verdict.word) (a seed input, before the workers started)")
                return result
            }
            if stop.isRequested || !seedTermination.succeeded {
                let verdict: CampaignResult.Verdict =
                    stop.isRequested
                    ? .interrupted
                    : .error(
                        "the seed pass ended with \(seedTermination.description): "
                            + (seedOutput.findingSummary ?? "see the log"))
                return CampaignResult(target: target, verdict: verdict, log: seedLog, figures: seedOutput)
            }
        }
        let (termination, output) = try fuzzer.run(
            fuzzer.dictionaryFlags + LibFuzzerRun.workerFlags(jobs: jobs) + [
                "-max_total_time=\(seconds)", "-print_final_stats=1", "-artifact_prefix=\(findings)/", working,
            ], log: logFile, stop: stop)
        let verdict: CampaignResult.Verdict
        if let artifact = output.artifact {
            verdict = .found(artifact: artifact, summary: output.findingSummary ?? "see the log")
        } else if termination.succeeded {
            verdict = .clean
        } else if stop.isRequested {
            verdict = .interrupted
        } else {
            verdict = .error(
                "libFuzzer ended with \(termination.description) and wrote no finding: "
                    + (output.findingSummary ?? "see the log"))
        }
        let result = CampaignResult(target: target, verdict: verdict, log: logFile, figures: output)
        log("   \(target.name): \(result.verdict.word)")
        return result
    }
}

/// What a campaign did with one target.
package struct CampaignResult {
    package enum Verdict {
        case clean
        case found(artifact: String, summary: String)
        case interrupted
        case error(String)
        case notRun

        package var word: String {
            switch self {
            case .clean: "CLEAN"
            case .found: "FOUND"
            case .interrupted: "INTERRUPTED"
            case .error: "ERROR"
            case .notRun: "NOT RUN"
            }
        }
    }

    package let target: FuzzTarget
    package let verdict: Verdict
    package let log: String?
    package let figures: LibFuzzerLog?

    package init(target: FuzzTarget, verdict: Verdict, log: String?, figures: LibFuzzerLog?) {
        self.target = target
        self.verdict = verdict
        self.log = log
        self.figures = figures
    }
}
