// rundown-replay: runs fuzz inputs through the harness without libFuzzer and prints, for each,
// the decoded program, the interleaving as it ran (one column per logical thread) and the
// verdict. Exit status 1 if any input fails, 2 on bad usage.
//
//   rundown-replay <APISequence|Interleavings|Misuse> FILE... [--control NAME] [--quiet] [--twice]
//   rundown-replay Threads FILE... [--control NAME] [--plan-only] [--twice]
//   rundown-replay --list-controls
//
// Threads prints the decisions the bytes make for a real-thread run (the program, each thread's
// CPU, spins, yields and moves) and runs it once on real threads (build the fuzz target with a
// sanitizer to have races and use-after-free reported: ci/fuzz replay Threads-tsan FILE).
//
// --control NAME   run against a negative control (also RUNDOWN_CONTROL)
// --quiet          print one line per input instead of the whole trace
// --twice          run every input twice and fail if the two traces differ (determinism)

import Foundation
import Rundown
import RundownHarness

func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(Data("""
        rundown-replay: \(problem)
        usage: rundown-replay <APISequence|Interleavings|Misuse> FILE... [--control NAME] [--quiet] [--twice]
        controls: none, \(RundownFault.controls.map(\.rawValue).joined(separator: ", "))

        """.utf8))
    exit(2)
}

let targets: [String: Decoder.Mode] = ["APISequence": .apiSequence, "Interleavings": .interleavings, "Misuse": .misuse, "Threads": .interleavings]
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["--list-controls"] {
    RundownFault.controls.forEach { print($0.rawValue) }
    exit(0)
}
guard let targetName = arguments.first else { usage("no target given") }
guard let mode = targets[targetName] else { usage("unknown target '\(targetName)'") }
arguments.removeFirst()

var fault = Harness.selectedFault
var quiet = false
var twice = false
var planOnly = false
var files: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--control":
        guard let name = arguments.first else { usage("--control needs a name") }
        arguments.removeFirst()
        guard let chosen = RundownFault(rawValue: name) else { usage("unknown control '\(name)'") }
        fault = chosen
    case "--quiet": quiet = true
    case "--twice": twice = true
    case "--plan-only": planOnly = true
    default:
        if argument.hasPrefix("--") { usage("unknown option \(argument)") }
        files.append(argument)
    }
}
guard !files.isEmpty else { usage("no input files") }

var failed = 0
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else {
        FileHandle.standardError.write(Data("rundown-replay: cannot read \(file)\n".utf8))
        exit(2)
    }
    let bytes = [UInt8](data)
    if targetName == "Threads" {
        guard let (program, plan) = try? Harness.decodeThreads(bytes) else {
            print("\(file): rejected")
            continue
        }
        if twice, let (again, againPlan) = try? Harness.decodeThreads(bytes), again != program || againPlan != plan {
            print("\(file): FAIL nondeterministic: two decodings made different decisions")
            failed += 1
        }
        print("== \(file)\n\(program.listing)\n\(plan.listing(for: program))")
        if !planOnly {
            let problem = ThreadRunner(program: program, plan: plan).run(fault: fault)
            print("verdict: " + (problem.map { "FAIL \($0)" } ?? "ran to the end on real threads (sanitizer builds report races and use after free)"))
            if problem != nil { failed += 1 }
        }
        print("")
        continue
    }
    let outcome = Harness.run(bytes, mode: mode, fault: fault, feedsCounters: false)
    var verdict = outcome.failure.map { "FAIL \($0.name): \($0)" } ?? (outcome.isRejected ? "rejected" : "pass")
    if twice {
        let again = Harness.run(bytes, mode: mode, fault: fault, feedsCounters: false)
        if again.trace != outcome.trace || again.failure != outcome.failure {
            verdict = "FAIL nondeterministic: two runs of the same input took different decisions"
            failed += 1
        }
    }
    if outcome.failure != nil { failed += 1 }
    if quiet {
        print("\(file): \(verdict)")
    } else {
        print("== \(file)")
        print(Harness.report(outcome, mode: mode, fault: fault))
        print("")
    }
}
exit(failed == 0 ? 0 : 1)
