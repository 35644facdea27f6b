import Foundation
import Testing
@testable import RundownSoak

/// Soak runs in child processes (exit tests): a run sets process-wide state (the misuse
/// interceptor, the real-thread platform's fault) and a failed run leaves hung threads behind.
@Suite struct SoakRunTests {
    static let jsonStart = "--- summary json ---"

    /// Runs a short soak in this (child) process, prints the JSON summary after a marker line,
    /// and exits with the run's exit status.
    static func runAndExit(_ implementation: String, seconds: Double, checked: Bool = false, waitTimeout: Double = 10)
        -> Never
    {
        var c = SoakConfiguration.defaults(cpus: 2)
        c.implementation = implementation
        c.durationSeconds = seconds
        c.statsIntervalSeconds = 0.5
        c.stutterSeconds = 1
        c.shuffleSeconds = 0.7
        c.checked = checked
        c.waitTimeoutSeconds = waitTimeout
        let summary = SoakRun(configuration: c, output: .standard()).run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        SoakConsole.out(jsonStart + "\n" + String(decoding: try! encoder.encode(summary), as: UTF8.self) + "\n")
        exit(summary.exitStatus)
    }

    static func summaryJSON(_ output: [UInt8]) -> Any? {
        let text = String(decoding: output, as: UTF8.self)
        guard let range = text.range(of: jsonStart + "\n") else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text[range.upperBound...].utf8))
    }

    @Test func realImplementationSucceedsAndItsSummaryMatchesTheSchema() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            SoakRunTests.runAndExit("mixed", seconds: 2.5)
        }
        let output = try #require(result).standardOutputContent
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains("acquires"))
        #expect(text.contains("\nSUCCESS\n"))
        let summary = try #require(SoakRunTests.summaryJSON(output) as? [String: Any])
        let problems = SchemaValidator.validate(summary, against: try SchemaValidator.summarySchema())
        #expect(problems.isEmpty, "\(problems)")
        let totals = try #require(summary["totals"] as? [String: Any])
        #expect((totals["acquires"] as? NSNumber)?.intValue ?? 0 > 0)
        #expect((totals["cycles"] as? NSNumber)?.intValue ?? 0 > 0)
        #expect((summary["intervals"] as? [Any])?.count ?? 0 >= 3)
    }

    /// Under ThreadSanitizer or AddressSanitizer (ci/sanitizers runs these tests with
    /// halt_on_error) the early return may show first as the sanitizer's report, which ends the
    /// child before the soak's verdict.
    @Test func aControlThatReturnsTheWaitEarlyFails() async throws {
        let result = await #expect(
            processExitsWith: .failure, observing: [\.standardOutputContent, \.standardErrorContent]
        ) {
            SoakRunTests.runAndExit("signal-before-zero", seconds: 20)
        }
        let child = try #require(result)
        let errors = String(decoding: child.standardErrorContent, as: UTF8.self)
        if errors.contains("WARNING: ThreadSanitizer: data race") || errors.contains("ERROR: AddressSanitizer") {
            return
        }
        #expect(child.exitStatus == .exitCode(1))
        #expect(String(decoding: child.standardOutputContent, as: UTF8.self).contains("FAILURE ("))
        let summary = try #require(SoakRunTests.summaryJSON(child.standardOutputContent) as? [String: Any])
        #expect(SchemaValidator.validate(summary, against: try SchemaValidator.summarySchema()).isEmpty)
        #expect(summary["verdict"] as? String == "FAILURE")
    }

    @Test func aLeakedProtectionEndsInAWatchdogReportWithTheAcquiresStack() async throws {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardOutputContent]) {
            SoakRunTests.runAndExit("leak-one-protection", seconds: 30, checked: true, waitTimeout: 1)
        }
        let text = String(decoding: try #require(result).standardOutputContent, as: UTF8.self)
        #expect(text.contains("FAILURE (watchdog)"))
        // Worker 0 leaked one acquire (of count 1 or an Ex count).
        #expect(text.contains("  worker 0 holds ") && text.contains("acquired at:"))
        // The recorded stack names the worker loop that acquired (the frame of the acquire).
        #expect(text.contains("SoakWorker.run"))
        #expect(text.contains("Threads:\n  worker 0:"))
    }
}

@Suite struct SchemaValidatorTests {
    /// The validator must be able to fail: each broken summary is caught.
    @Test func brokenSummariesAreCaught() throws {
        let schema = try SchemaValidator.summarySchema()
        let good: [String: Any] = [
            "schemaVersion": 1, "tool": "rundown-soak", "verdict": "SUCCESS", "exitStatus": 0, "cpus": 2,
            "unwinder": "libunwind", "elapsedSeconds": 1.5,
            "parameters": try JSONSerialization.jsonObject(
                with: JSONEncoder().encode(SoakConfiguration.defaults(cpus: 2))),
            "totals": [
                "acquires": 1, "failedAcquires": 0, "cycles": 1, "crossCPUReleases": 0, "longHolds": 0,
                "stutters": 0, "shuffles": 0, "perWorkerAcquires": [1],
            ],
            "waitLatency": ["count": 1, "p50Microseconds": 1.0, "p99Microseconds": 1.0, "maxMicroseconds": 1.0],
            "residentMemory": ["lastBytes": 1, "maxBytes": 1],
            "intervals": [Any](),
        ]
        #expect(
            SchemaValidator.validate(good, against: schema).isEmpty,
            "\(SchemaValidator.validate(good, against: schema))")
        var missing = good
        missing["verdict"] = nil
        #expect(SchemaValidator.validate(missing, against: schema).contains { $0.contains("'verdict' is missing") })
        var badEnum = good
        badEnum["verdict"] = "PASS"
        #expect(!SchemaValidator.validate(badEnum, against: schema).isEmpty)
        var extra = good
        extra["bonus"] = 1
        #expect(
            SchemaValidator.validate(extra, against: schema).contains { $0.contains("'bonus' is not in the schema") })
        var wrongType = good
        wrongType["totals"] = ["acquires": "many"]
        #expect(SchemaValidator.validate(wrongType, against: schema).contains { $0.contains("$.totals.acquires") })
        var negative = good
        negative["cpus"] = 0
        #expect(SchemaValidator.validate(negative, against: schema).contains { $0.contains("below the minimum") })
    }
}
