import Foundation

/// The sweep as a self-contained SVG line chart: worker count across, million pairs per second
/// up, one line per contender.
package enum SweepChart {
    static let colors = ["cache-aware": "#1b7837", "plain": "#2166ac", "mutex": "#b2182b"]

    /// The chart of `points` with `title` on top, as a complete SVG document.
    package static func svg(_ points: [ThroughputSweep.Point], title: String) -> String {
        let width = 720.0, height = 440.0
        let left = 70.0, right = 150.0, top = 50.0, bottom = 60.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maxWorkers = Double(points.map(\.workers).max() ?? 1)
        let peak = points.flatMap { $0.millionPairsPerSecond.values }.max() ?? 1
        let yMax = niceCeiling(max(peak, 1e-3))
        func x(_ workers: Int) -> Double {
            maxWorkers <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(workers - 1) / (maxWorkers - 1)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / yMax) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>",
        ]
        for tick in 0...5 {
            let value = yMax * Double(tick) / 5
            svg.append(
                "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(value)))\" stroke=\"#dddddd\"/>"
            )
            svg.append(
                "<text x=\"\(f(left - 8))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(String(format: yMax < 10 ? "%.1f" : "%.0f", value))</text>"
            )
        }
        for point in points {
            svg.append(
                "<text x=\"\(f(x(point.workers)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(point.workers)</text>"
            )
        }
        svg.append(
            "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>"
        )
        svg.append(
            "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>"
        )
        svg.append(
            "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">worker threads</text>"
        )
        svg.append(
            "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">million acquire/release pairs per second</text>"
        )
        for (index, contender) in ThroughputSweep.Contender.allCases.enumerated() {
            let color = colors[contender.rawValue] ?? "black"
            let coordinates = points.map {
                "\(f(x($0.workers))),\(f(y($0.millionPairsPerSecond[contender.rawValue] ?? 0)))"
            }
            svg.append(
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" points=\"\(coordinates.joined(separator: " "))\"/>"
            )
            for c in coordinates {
                let xy = c.split(separator: ",")
                svg.append("<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>")
            }
            let legendY = top + 20 + Double(index) * 22
            svg.append(
                "<line x1=\"\(f(width - right + 15))\" y1=\"\(f(legendY))\" x2=\"\(f(width - right + 40))\" y2=\"\(f(legendY))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>"
            )
            svg.append("<text x=\"\(f(width - right + 46))\" y=\"\(f(legendY + 4))\">\(contender.rawValue)</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// 1, 2 or 5 times a power of ten, at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
