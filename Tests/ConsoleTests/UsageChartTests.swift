@testable import Console
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Usage

/// The usage charts (SPEC §13): inline SVG with a title, axis labels and a legend, colours as
/// presentation attributes, every text escaped — a pure function of the numbers.
@Suite struct UsageChartTests {
    /// 2026-03-01 00:00 UTC and the 29 days after it.
    static let days = (0..<30).map { Date(timeIntervalSince1970: 1_772_323_200 + Double($0) * 86_400) }

    static func counts(_ pairs: [(UsageOutcome, Int64)]) -> UsageCounts {
        var counts = UsageCounts()
        for (outcome, count) in pairs { counts[outcome] += count }
        return counts
    }

    /// The elements of `markup`, parsed as XML (so it is well-formed): each element's name and
    /// attributes, and the text of every `<title>` and `<text>`, in document order.
    final class Elements: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [(element: String, text: String)] = []
        private var open: [String] = []

        init(_ markup: Markup) throws {
            super.init()
            let parser = XMLParser(data: Data(markup.html.utf8))
            parser.delegate = self
            guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            open.append(name)
            if name == "title" || name == "text" { texts.append((name, "")) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let element = open.last, element == "title" || element == "text" else { return }
            texts[texts.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func named(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
        func text(of element: String) -> [String] { texts.filter { $0.element == element }.map(\.text) }
    }

    @Test func aSparklineHasABarPerDayWithUseScaledToTheBusiestDay() throws {
        var counts = [Int64](repeating: 0, count: 30)
        counts[3] = 10
        counts[29] = 5
        let markup = UsageChart.sparkline(counts, days: Self.days, title: "Build <bot> & “co”: 15 uses in the last 30 days")
        let svg = try Elements(markup)
        let root = try #require(svg.named("svg").first)
        #expect(root["viewBox"] == "0 0 90 20" && root["role"] == "img")
        #expect(root["aria-label"] == "Build <bot> & “co”: 15 uses in the last 30 days")
        #expect(svg.text(of: "title") == ["Build <bot> & “co”: 15 uses in the last 30 days", "2026-03-04: 10 uses", "2026-03-30: 5 uses"])
        #expect(markup.html.contains("Build &lt;bot&gt; &amp; “co”"))
        // The base line, then one bar per day with use: the busiest full height, the other half.
        let bars = svg.named("rect").dropFirst()
        #expect(bars.map { $0["height"] } == ["19", "9.5"])
        #expect(bars.map { $0["x"] } == ["9.5", "87.5"])
        #expect(!markup.html.contains("style"))
    }

    @Test func aSparklineOfAnIdleKeyIsItsBaseLine() throws {
        let svg = try Elements(UsageChart.sparkline(Array(repeating: 0, count: 30), days: Self.days, title: "idle"))
        #expect(svg.named("rect").count == 1 && svg.text(of: "title") == ["idle"])
    }

    @Test func theDailyChartStacksOutcomesWithAxesLegendAndTooltips() throws {
        var days = Self.days.map { UsageChart.Day(start: $0, counts: UsageCounts()) }
        days[0].counts = Self.counts([(.valid, 30), (.denied, 10)])
        days[29].counts = Self.counts([(.valid, 5), (.rateLimited, 3), (.ipNotAllowed, 2)])
        let markup = UsageChart.daily(days, title: "Uses of <key> per day")
        let svg = try Elements(markup)
        let root = try #require(svg.named("svg").first)
        #expect(root["role"] == "img" && root["width"] == "100%" && root["viewBox"]?.hasPrefix("0 0 360 ") == true)
        #expect(root["aria-label"] == "Uses of <key> per day: 50 uses, 35 valid, 2 IP not allowed, 3 rate limited, 10 denied.")
        let titles = svg.text(of: "title")
        #expect(titles.first == "Uses of <key> per day")
        #expect(titles.count == 31, "the chart's title and one per day")
        #expect(titles[1] == "2026-03-01: 40 uses: 30 valid, 10 denied")
        #expect(titles[2] == "2026-03-02: no uses")
        #expect(titles[30] == "2026-03-30: 10 uses: 5 valid, 2 IP not allowed, 3 rate limited")

        let texts = svg.text(of: "text")
        // The y axis: 0 to 40 in steps of 10; the x axis: every seventh day back from the last.
        #expect(Array(texts.prefix(5)) == ["0", "10", "20", "30", "40"])
        #expect(Array(texts.dropFirst(5).prefix(5)) == ["2 Mar", "9 Mar", "16 Mar", "23 Mar", "30 Mar"])
        // The legend: the outcomes that happened, valid first.
        #expect(Array(texts.suffix(4)) == ["valid", "IP not allowed", "rate limited", "denied"])

        // Bars: the first day's valid bar is 3/4 of the plot (30 of 40), denied stacked above it.
        let bars = svg.named("rect").filter { $0["fill-opacity"] == nil && $0["width"] != "10" }
        #expect(bars.count == 5)
        #expect(bars[0]["fill"] == UsageChart.colour(.valid) && bars[0]["height"] == "112.5" && bars[0]["y"] == "47.5")
        #expect(bars[1]["fill"] == UsageChart.colour(.denied) && bars[1]["height"] == "37.5" && bars[1]["y"] == "10")
        #expect(!markup.html.contains("<key>") && markup.html.contains("&lt;key&gt;"))
        #expect(!markup.html.contains("style") && !markup.html.contains("<script"))
    }

    @Test func aChartWithoutUseSaysSo() throws {
        let days = Self.days.map { UsageChart.Day(start: $0, counts: UsageCounts()) }
        let svg = try Elements(UsageChart.daily(days, title: "Quiet"))
        #expect(svg.named("svg").first?["aria-label"] == "Quiet: no uses.")
        #expect(svg.text(of: "text").contains("No uses in these 30 days"))
        #expect(svg.text(of: "text").first == "0")
    }

    @Test func axisStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        let cases: [(Int64, Int64, Int64)] = [(0, 0, 1), (1, 1, 1), (3, 3, 1), (4, 4, 1), (7, 8, 2), (40, 40, 10), (41, 60, 20), (150, 150, 50),
                                              (1234, 1500, 500), (99_999, 100_000, 50_000)]
        for (peak, top, step) in cases {
            let scale = UsageChart.scale(peak)
            #expect(scale.top == top && scale.step == step, "\(peak): \(scale)")
            #expect(scale.top >= peak && scale.top / scale.step <= 5)
        }
    }

    @Test func numbersAreGroupedAndAxisLabelsCompact() {
        #expect(UsageChart.grouped(0) == "0" && UsageChart.grouped(999) == "999" && UsageChart.grouped(1000) == "1,000")
        #expect(UsageChart.grouped(1_234_567) == "1,234,567")
        #expect(UsageChart.compact(9_500) == "9,500" && UsageChart.compact(12_500) == "12.5k" && UsageChart.compact(3_000_000) == "3M")
        #expect(UsageChart.uses(1) == "1 use" && UsageChart.uses(2) == "2 uses")
        #expect(UsageChart.shortDate(Self.days[0]) == "1 Mar")
    }
}
