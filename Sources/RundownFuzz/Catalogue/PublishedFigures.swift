/// Published schedules-to-first-bug figures for the ported programs: mean and standard
/// deviation over 20 trials, from the SURW artifact's raw table (repository
/// zhaohuanqdcn/SURW, `stats/period/out.tex`, columns SURW, PCT-3, PCT-10, POS, RW of
/// `scripts/analyze/eval_period.py`). nil: never found within that study's budget. A `*`
/// there (found in fewer than 20 trials) is kept as `partial`.
package enum PublishedFigures {
    package struct Figure: Sendable {
        package let mean: Int
        package let spread: Int
        package let partial: Bool
    }

    /// The columns, in order, and the source each corresponds to here.
    package static let columns: [(name: String, source: ScheduleSource)] = [
        ("SURW", .surw), ("PCT-3", .pct(depth: 3)), ("PCT-10", .pct(depth: 10)), ("POS", .pos), ("RW", .randomWalk),
    ]

    private static func f(_ mean: Int, _ spread: Int, _ partial: Bool = false) -> Figure? {
        Figure(mean: mean, spread: spread, partial: partial)
    }

    /// Per program name: one figure per column (nil: not found).
    package static let table: [String: [Figure?]] = [
        "CS/twostage": [f(8, 4), f(13, 14), f(9, 10), f(15, 12), f(464, 581)],
        "CS/twostage_20": [f(6, 3), f(159, 151), f(101, 92), f(156, 137), nil],
        "CS/twostage_50": [f(20, 17), f(1676, 1715), f(692, 392), f(1637, 1385), nil],
        "CS/twostage_100": [f(454, 444), f(7466, 831, true), f(5726, 2591, true), f(6674, 2877, true), nil],
        "CS/reorder_3": [f(7, 7), f(185, 199), f(148, 191), f(86, 70), nil],
        "CS/reorder_4": [f(7, 6), f(554, 643), f(362, 213), f(533, 651), nil],
        "CS/reorder_5": [f(10, 9), f(647, 517), f(1094, 1216), f(2169, 2182), nil],
        "CS/reorder_10": [f(17, 11), f(3225, 2426, true), f(4462, 3266, true), nil, nil],
        "CS/reorder_20": [f(6, 4), f(3005, 2680), f(3297, 2877, true), nil, nil],
        "CS/reorder_50": [f(13, 12), f(3304, 1721, true), nil, nil, nil],
        "CS/reorder_100": [f(194, 214), nil, nil, nil, nil],
        "CS/stack": [f(5, 3), f(3, 2), f(3, 1), f(2, 1), f(176, 136)],
        "CS/bluetooth_driver": [f(70, 55), f(112, 73), f(83, 86), f(36, 29), f(215, 225)],
        "CS/account": [f(6, 5), f(4, 2), f(4, 3), f(4, 3), f(18, 24)],
        "CS/wronglock": [f(7, 7), f(51, 50), f(20, 20), f(10, 14), f(36, 42)],
        "CS/wronglock_3": [f(9, 9), f(58, 46), f(14, 10), f(11, 14), f(36, 42)],
    ]

    /// A figure as the table prints it: "17±11", "3225±2426*", or "-".
    package static func text(_ figure: Figure?) -> String {
        guard let figure else { return "-" }
        return "\(figure.mean)±\(figure.spread)" + (figure.partial ? "*" : "")
    }
}
