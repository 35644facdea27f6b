import Testing
@testable import RundownSoak

@Suite struct SweepTests {
    static let points = [
        ThroughputSweep.Point(workers: 1, millionPairsPerSecond: ["cache-aware": 190, "plain": 180, "mutex": 100]),
        ThroughputSweep.Point(workers: 2, millionPairsPerSecond: ["cache-aware": 350, "plain": 80, "mutex": 30]),
    ]

    @Test func tableHasARowPerWorkerCountWithRatios() {
        let table = ThroughputSweep.markdownTable(SweepTests.points).split(separator: "\n")
        #expect(table.count == 4)
        #expect(table[2] == "| 1 | 190.0 | 180.0 | 100.0 | 1.06x | 1.90x |")
        #expect(table[3] == "| 2 | 350.0 | 80.0 | 30.0 | 4.38x | 11.67x |")
    }

    @Test func chartHasALinePerContenderAndAnEscapedTitle() {
        let svg = SweepChart.svg(SweepTests.points, title: "2 <cores> & more")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.contains("2 &lt;cores&gt; &amp; more"))
        // The top of the axis is a round number above the peak (350 -> 500).
        #expect(svg.contains(">500<"))
    }

    /// The refs only: the mutex baseline is `Synchronization.Mutex`, whose lock lives in the
    /// uninstrumented standard library, so under ThreadSanitizer (ci/sanitizers runs these
    /// tests) the counter it protects looks racy.
    @Test func aRealMeasurementCountsPairs() {
        #expect(ThroughputSweep.measure(.cacheAware, workers: 2, seconds: 0.05) > 0)
        #expect(ThroughputSweep.measure(.plain, workers: 2, seconds: 0.05) > 0)
    }
}
