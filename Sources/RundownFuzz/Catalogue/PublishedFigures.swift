/// Published schedules-to-first-bug figures for the ported programs: mean and standard
/// deviation over 20 trials, from the SURW artifact's raw table (repository
/// zhaohuanqdcn/SURW, `stats/period/out.tex`, all seven columns of
/// `scripts/analyze/eval_period.py`: SURW, PCT-3, PCT-10, POS, RW, N-U, N-S). nil: never found
/// within that study's budget. A `*` there (found in fewer than 20 trials) is kept as
/// `partial`. N-U (configuration `rp-rw`: the interesting events ordered by a random walk) has
/// no counterpart here; N-S (`basicurw`: every event interesting, uniform) is our `urw`.
package enum PublishedFigures {
    package struct Figure: Sendable {
        package let mean: Int
        package let spread: Int
        package let partial: Bool
    }

    /// The columns, in order, and the source each corresponds to here (nil: none).
    package static let columns: [(name: String, source: ScheduleSource?)] = [
        ("SURW", .surw), ("PCT-3", .pct(depth: 3)), ("PCT-10", .pct(depth: 10)), ("POS", .pos), ("RW", .randomWalk),
        ("N-U", nil), ("N-S", .urw),
    ]

    /// The best published figure of a program: the smallest mean among the columns that found
    /// the bug in every trial, else among those that found it at all; nil when none did.
    package static func best(of name: String) -> (column: String, figure: Figure)? {
        guard let row = table[name] else { return nil }
        let found = zip(columns.map(\.name), row).compactMap { column, figure in figure.map { (column, $0) } }
        let complete = found.filter { !$0.1.partial }
        return (complete.isEmpty ? found : complete).min { $0.1.mean < $1.1.mean }
    }

    private static func f(_ mean: Int, _ spread: Int, _ partial: Bool = false) -> Figure? {
        Figure(mean: mean, spread: spread, partial: partial)
    }

    /// Per program name: one figure per column (nil: not found).
    package static let table: [String: [Figure?]] = [
        "CS/twostage": [f(8, 4), f(13, 14), f(9, 10), f(15, 12), f(464, 581), f(8, 5), f(9, 8)],
        "CS/twostage_20": [f(6, 3), f(159, 151), f(101, 92), f(156, 137), nil, f(172, 164), f(24, 28)],
        "CS/twostage_50": [f(20, 17), f(1676, 1715), f(692, 392), f(1637, 1385), nil, f(1834, 1894), f(93, 58)],
        "CS/twostage_100": [
            f(454, 444), f(7466, 831, true), f(5726, 2591, true), f(6674, 2877, true), nil, nil, f(2992, 2589, true),
        ],
        "CS/reorder_3": [f(7, 7), f(185, 199), f(148, 191), f(86, 70), nil, f(26, 20), f(24, 23)],
        "CS/reorder_4": [f(7, 6), f(554, 643), f(362, 213), f(533, 651), nil, f(53, 45), f(22, 27)],
        "CS/reorder_5": [f(10, 9), f(647, 517), f(1094, 1216), f(2169, 2182), nil, f(152, 118), f(27, 28)],
        "CS/reorder_10": [
            f(17, 11), f(3225, 2426, true), f(4462, 3266, true), nil, nil, f(4358, 3358, true), f(74, 65),
        ],
        "CS/reorder_20": [f(6, 4), f(3005, 2680), f(3297, 2877, true), nil, nil, f(3783, 3345, true), f(10, 9)],
        "CS/reorder_50": [f(13, 12), f(3304, 1721, true), nil, nil, nil, nil, f(75, 62)],
        "CS/reorder_100": [f(194, 214), nil, nil, nil, nil, nil, f(3785, 3062, true)],
        "CS/stack": [f(5, 3), f(3, 2), f(3, 1), f(2, 1), f(176, 136), f(5, 4), f(986, 1163, true)],
        "CS/bluetooth_driver": [
            f(70, 55), f(112, 73), f(83, 86), f(36, 29), f(215, 225), f(70, 55), f(1494, 1474, true),
        ],
        "CS/account": [f(6, 5), f(4, 2), f(4, 3), f(4, 3), f(18, 24), f(7, 4), f(3, 1)],
        "CS/wronglock": [f(7, 7), f(51, 50), f(20, 20), f(10, 14), f(36, 42), f(4, 3), f(4, 1)],
        "ConVul-CVE-Benchmarks/CVE-2013-1792": [
            f(15, 13), f(95, 83), f(50, 61), f(39, 33), f(364, 289), f(24, 25), f(141, 228),
        ],
        "ConVul-CVE-Benchmarks/CVE-2016-9806": [f(3, 2), f(7, 6), f(4, 3), f(7, 5), f(2209, 2065), f(6, 5), f(4, 2)],
        "CS/wronglock_3": [f(9, 9), f(58, 46), f(14, 10), f(11, 14), f(36, 42), f(5, 4), f(5, 2)],
    ]

    /// A figure as the table prints it: "17±11", "3225±2426*", or "-".
    package static func text(_ figure: Figure?) -> String {
        guard let figure else { return "-" }
        return "\(figure.mean)±\(figure.spread)" + (figure.partial ? "*" : "")
    }
}
