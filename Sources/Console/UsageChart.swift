import Foundation
import JSON
import Usage

/// The console's usage charts (SPEC §13): inline SVG written on the server, so they need no
/// script and no style attribute — sizes, colours and fonts are presentation attributes, and the
/// stylesheet only lets a chart take the width it is given (`.chart`, `.spark`). Each chart has
/// `role="img"`, an `aria-label` saying its numbers in words, and a `<title>`; every text in it is
/// escaped. Pure functions from numbers to markup.
enum UsageChart {
    /// One day of a daily chart: its start (midnight UTC) and its uses by outcome.
    struct Day: Sendable, Hashable {
        var start: Date
        var counts: UsageCounts
    }

    // MARK: Outcomes

    /// `outcome` as a person reads it.
    static func label(_ outcome: UsageOutcome) -> String {
        switch outcome {
        case .valid: "valid"
        case .expired: "expired"
        case .revoked: "revoked"
        case .blocked: "blocked"
        case .ipNotAllowed: "IP not allowed"
        case .rateLimited: "rate limited"
        case .denied: "denied"
        }
    }

    /// The colour of `outcome`'s bars: the console's accent for valid uses, warm colours for
    /// refusals of the key itself, cool ones for refusals of where or how it was used.
    static func colour(_ outcome: UsageOutcome) -> String {
        switch outcome {
        case .valid: "#2f5bd3"
        case .expired: "#dc6803"
        case .revoked: "#b42318"
        case .blocked: "#7a5af8"
        case .ipNotAllowed: "#0e9384"
        case .rateLimited: "#c11574"
        case .denied: "#667085"
        }
    }

    /// The outcomes a chart or table of `totals` shows: `valid` always, the others when they
    /// happened at all, in ``UsageOutcome`` order.
    static func shown(_ totals: UsageCounts) -> [UsageOutcome] {
        UsageOutcome.allCases.filter { $0 == .valid || totals[$0] > 0 }
    }

    // MARK: Sparkline

    /// A sparkline of daily totals, oldest first (the days of `days`): one bar a day in a fixed
    /// 90×20 view box, its height relative to the busiest day; days without use leave only the
    /// base line. Days with use carry their count as a tooltip. `title` names the chart (and is
    /// its `aria-label`).
    static func sparkline(_ counts: [Int64], days: [Date], title: String) -> Markup {
        let width = 90.0, height = 20.0
        let slot = width / Double(max(counts.count, 1))
        let peak = counts.max() ?? 0
        var svg = #"<svg class="spark" viewBox="0 0 90 20" width="90" height="20" preserveAspectRatio="none" role="img" aria-label=""#
        HTML.escape(title, into: &svg)
        svg += #""><title>"#
        HTML.escape(title, into: &svg)
        svg += #"</title><rect x="0" y="19.5" width="90" height="0.5" fill="\#(Layout.axis)"/>"#
        for (index, count) in counts.enumerated() where count > 0 {
            // The quietest day with any use still shows (at least 2 of the 20 units).
            let barHeight = max(2, (height - 1) * Double(count) / Double(peak))
            let day = index < days.count ? KeyTable.day(days[index]) + ": " : ""
            svg += "<g><title>\(day)\(uses(count))</title>"
            svg += #"<rect x="\#(number(Double(index) * slot + slot / 6))" y="\#(number(height - barHeight))" width="\#(number(slot * 2 / 3))" height="\#(number(barHeight))" fill="\#(colour(.valid))"/></g>"#
        }
        return Markup(escaped: svg + "</svg>")
    }

    // MARK: Daily chart

    /// The layout of ``daily(_:title:)``, in view-box units: 360 wide, so its 12-unit text reads
    /// at about 11 px on a 390 px phone; on a wider screen the stylesheet caps it at 32rem
    /// (about 17 px).
    private enum Layout {
        static let width = 360.0
        static let left = 42.0, right = 18.0, top = 10.0
        static let plotHeight = 150.0
        /// The baseline of the date labels, below the plot.
        static let dateLine = 15.0
        static let legendTop = 34.0, legendRow = 18.0
        /// About the advance of one character of the 12-unit text (for laying out the legend).
        static let characterWidth = 6.9
        static var plotWidth: Double { width - left - right }
        static var bottom: Double { top + plotHeight }
        static let ink = "#5c6478", grid = "#e4e7ec", axis = "#98a2b3"
    }

    /// A bar chart of `days` (oldest first), one bar a day stacked by outcome (valid at the
    /// bottom), with count labels on the y axis, dates on the x axis (every seventh day, ending
    /// on the last), a legend of the outcomes that happened, the chart's `title` and a tooltip
    /// per day. Days without use are gaps; with no use at all the plot says so.
    static func daily(_ days: [Day], title: String) -> Markup {
        var totals = UsageCounts()
        for day in days { totals += day.counts }
        let outcomes = totals.isEmpty ? [] : shown(totals)
        let peak = days.map(\.counts.total).max() ?? 0
        let (top, step) = scale(peak)
        let legend = legendPositions(outcomes)
        let height = Layout.bottom + Layout.legendTop + Double(legend.rows) * Layout.legendRow - (legend.rows == 0 ? 10 : 4)
        let slot = Layout.plotWidth / Double(max(days.count, 1))
        let barWidth = max(1, slot * 0.72)
        func y(_ value: Int64) -> Double {
            top == 0 ? Layout.bottom : Layout.bottom - Layout.plotHeight * Double(value) / Double(top)
        }

        var summary = title + ": "
        summary += totals.isEmpty ? "no uses." : "\(uses(totals.total)), " + outcomes.map { "\(grouped(totals[$0])) \(label($0))" }.joined(separator: ", ") + "."
        var svg = #"<svg class="chart" viewBox="0 0 360 \#(number(height))" width="100%" role="img" aria-label=""#
        HTML.escape(summary, into: &svg)
        svg += #"" font-size="12"><title>"#
        HTML.escape(title, into: &svg)
        svg += "</title>"

        // The y axis: grid lines and counts.
        svg += #"<g fill="\#(Layout.ink)" text-anchor="end">"#
        for value in stride(from: Int64(0), through: top, by: Int(step)) {
            let line = number(y(value))
            let stroke = value == 0 ? Layout.axis : Layout.grid
            svg += #"<line x1="\#(number(Layout.left))" y1="\#(line)" x2="\#(number(Layout.width - Layout.right))" y2="\#(line)" stroke="\#(stroke)" stroke-width="1"/>"#
            svg += #"<text x="\#(number(Layout.left - 5))" y="\#(number(y(value) + 4))">\#(compact(value))</text>"#
        }
        svg += "</g>"

        // The bars, a group per day with its tooltip over the whole column.
        for (index, day) in days.enumerated() {
            let x = Layout.left + Double(index) * slot
            svg += "<g><title>"
            HTML.escape(dayTitle(day), into: &svg)
            svg += #"</title><rect x="\#(number(x))" y="\#(number(Layout.top))" width="\#(number(slot))" height="\#(number(Layout.plotHeight))" fill="\#(Layout.ink)" fill-opacity="0"/>"#
            var stacked: Int64 = 0
            for outcome in UsageOutcome.allCases where day.counts[outcome] > 0 {
                let lower = y(stacked)
                stacked += day.counts[outcome]
                svg += #"<rect x="\#(number(x + (slot - barWidth) / 2))" y="\#(number(y(stacked)))" width="\#(number(barWidth))" height="\#(number(lower - y(stacked)))" fill="\#(colour(outcome))"/>"#
            }
            svg += "</g>"
        }
        if totals.isEmpty {
            svg += #"<text x="\#(number(Layout.left + Layout.plotWidth / 2))" y="\#(number(Layout.top + Layout.plotHeight / 2))" text-anchor="middle" fill="\#(Layout.ink)">No uses in these \#(days.count) days</text>"#
        }

        // The x axis: every seventh date, counted back from the last day.
        svg += #"<g fill="\#(Layout.ink)" text-anchor="middle">"#
        for (index, day) in days.enumerated() where (days.count - 1 - index) % 7 == 0 {
            let x = Layout.left + (Double(index) + 0.5) * slot
            svg += #"<text x="\#(number(x))" y="\#(number(Layout.bottom + Layout.dateLine))">\#(shortDate(day.start))</text>"#
        }
        svg += "</g>"

        // The legend.
        for (outcome, position) in zip(outcomes, legend.positions) {
            let row = Layout.bottom + Layout.legendTop + Double(position.row) * Layout.legendRow
            svg += #"<rect x="\#(number(position.x))" y="\#(number(row - 9))" width="10" height="10" fill="\#(colour(outcome))"/>"#
            svg += #"<text x="\#(number(position.x + 14))" y="\#(number(row))" fill="\#(Layout.ink)">\#(label(outcome))</text>"#
        }
        return Markup(escaped: svg + "</svg>")
    }

    /// Where each legend entry starts (its row, and x within it), filling rows left to right.
    private static func legendPositions(_ outcomes: [UsageOutcome]) -> (positions: [(row: Int, x: Double)], rows: Int) {
        var positions: [(row: Int, x: Double)] = []
        var row = 0, x = Layout.left
        for outcome in outcomes {
            let width = 14 + Double(label(outcome).count) * Layout.characterWidth + 14
            if x + width - 14 > Layout.width - 4, x > Layout.left {
                row += 1
                x = Layout.left
            }
            positions.append((row, x))
            x += width
        }
        return (positions, outcomes.isEmpty ? 0 : row + 1)
    }

    /// A day's tooltip: `2025-03-14: 15 uses: 12 valid, 3 denied`.
    static func dayTitle(_ day: Day) -> String {
        let date = KeyTable.day(day.start)
        guard !day.counts.isEmpty else { return "\(date): no uses" }
        let parts = UsageOutcome.allCases.filter { day.counts[$0] > 0 }.map { "\(grouped(day.counts[$0])) \(label($0))" }
        return "\(date): \(uses(day.counts.total)): " + parts.joined(separator: ", ")
    }

    // MARK: Numbers

    /// The top of the y axis and the step between its labels for a busiest day of `peak`: a
    /// step of 1, 2 or 5 times a power of ten giving at most about four steps; `(0, 1)` for no use.
    static func scale(_ peak: Int64) -> (top: Int64, step: Int64) {
        guard peak > 0 else { return (0, 1) }
        let raw = Double(peak) / 4
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let nice = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let step = max(1, Int64(nice.rounded(.up)))
        return (step * ((peak + step - 1) / step), step)
    }

    /// `1,234` (a comma between thousands).
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var output = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { output += "," }
            output.append(digit)
        }
        return output
    }

    /// An axis label: `9,500`, `12.5k`, `3M`.
    static func compact(_ value: Int64) -> String {
        switch value {
        case ..<10_000: grouped(value)
        case ..<1_000_000: number(Double(value) / 1000) + "k"
        default: number(Double(value) / 1_000_000) + "M"
        }
    }

    /// `1 use`, `1,234 uses`.
    static func uses(_ count: Int64) -> String {
        count == 1 ? "1 use" : "\(grouped(count)) uses"
    }

    /// `14 Mar` (UTC).
    static func shortDate(_ date: Date) -> String {
        let parts = UTCDateParts(date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(parts.day) \(months[parts.month - 1])"
    }

    /// `value` to one decimal, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
