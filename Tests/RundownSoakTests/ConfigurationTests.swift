import Testing
@testable import RundownSoak

@Suite struct ConfigurationTests {
    @Test func defaultsAreValid() {
        #expect(SoakConfiguration.defaults(cpus: 2).problems.isEmpty)
        #expect(SoakConfiguration.defaults(cpus: 2).workers == 4)
        #expect(SoakConfiguration.defaults(cpus: 16).workers == 32)
    }

    @Test func everyNameParsesBack() {
        for name in SoakImplementation.allNames {
            #expect(SoakImplementation(name: name)?.description == name)
        }
        #expect(SoakImplementation(name: "none") == nil)
        #expect(SoakImplementation(name: "cache_aware") == nil)
    }

    @Test func badValuesAreNamed() {
        var c = SoakConfiguration.defaults(cpus: 2)
        c.implementation = "fast"
        c.workers = 0
        c.crossCPUReleaseShare = 2
        c.longHoldMicroseconds = 20_000_000
        let problems = c.problems
        #expect(
            problems.contains { $0.contains("unknown --implementation 'fast'") && $0.contains("signal-before-zero") })
        #expect(problems.contains { $0 == "--workers must be 1...4096 (got 0)" })
        #expect(problems.contains { $0 == "--cross-cpu-release must be a share from 0 to 1 (got 2)" })
        #expect(problems.contains { $0.hasPrefix("--long-hold-us must be") })
    }

    @Test func aNegativeDurationIsNamedAsTyped() {
        var c = SoakConfiguration.defaults(cpus: 2)
        c.durationSeconds = -5
        #expect(c.problems == ["--duration must be 0 (until stopped) or more seconds (got -5)"])
        c.durationSeconds = -0.5
        #expect(c.problems == ["--duration must be 0 (until stopped) or more seconds (got -0.5)"])
    }
}
