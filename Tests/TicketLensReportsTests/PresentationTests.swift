import Foundation
import Testing
import TicketLensMetrics
import TicketLensModel

@testable import TicketLensReports

@Suite struct PresentationTests {
  /// Ids show as their names; a name that another row of the column shows too (another id of
  /// it, or the name as an export typed it) keeps its id beside it, so two people (or one
  /// person in two exports) never read as one row listed twice.
  @Test func namesThatCollideKeepTheirIds() {
    var names = NameDirectory()
    names.people = ["381234500": "Priya N", "381234501": "Tom Becker", "7": "Ana Souza"]
    let rows: [[Cell]] = [
      [.text("381234500"), .int(1045)], [.text("Priya N"), .int(258)],
      [.text("381234501"), .int(455)], [.text("7"), .int(12)], [.text("8"), .int(3)],
    ]
    let html = HTMLReport.tableRows(rows, columns: ["assignee", "count"], names: names)
    let cells = html.components(separatedBy: "<tr>").dropFirst().map {
      $0.components(separatedBy: "</td>")[0].components(separatedBy: ">").last!
    }
    #expect(cells == ["Priya N (381234500)", "Priya N", "Tom Becker", "Ana Souza", "8"])
    // The same names in a column the directory does not name are left as they are.
    let other = HTMLReport.tableRows(rows, columns: ["channel", "count"], names: names)
    #expect(other.contains(">381234500</td>") && !other.contains("Priya N ("))
  }

  @Test func durationsInTheUnitAPersonReads() {
    #expect(Presentation.duration(minutes: 0.7) == "42 s")
    #expect(Presentation.duration(minutes: 4.5) == "4.5 min")
    #expect(Presentation.duration(minutes: 48.4) == "48 min")
    #expect(Presentation.duration(minutes: 1157.586667) == "19.3 h")
    #expect(Presentation.duration(minutes: 3120) == "2 d 4 h")
    #expect(Presentation.duration(minutes: 1440) == "1 d")
    #expect(Presentation.duration(minutes: 60 * 24 * 1500) == "1,500 d")
    #expect(Presentation.duration(minutes: -90) == "−1.5 h")
  }

  @Test func cellsByWhatTheirColumnHolds() {
    func show(_ c: Cell, _ column: String) -> String { Presentation.display(c, column: column) }
    #expect(show(.real(1730.483333), "full_resolution_median_minutes") == "1 d 5 h")
    #expect(show(.real(0.185606), "first_reply_breach_rate") == "18.6 %")
    #expect(show(.real(0.820463), "csat") == "82.0 %")
    #expect(show(.real(0.073599), "trend") == "+7.4 %")
    #expect(show(.real(-0.035796), "trend") == "−3.6 %")
    #expect(show(.real(0.615782), "match_score") == "0.62")
    #expect(show(.int(1_234_567), "tickets") == "1,234,567")
    #expect(show(.int(1234), "line") == "1234")
    #expect(show(.real(10.216377), "days_waiting") == "10.2 d")
    #expect(show(.real(81.754763), "forecast") == "81.8")
    #expect(show(.text("381234500"), "assignee") == "381234500")
    #expect(show(.null, "csat") == "")
    #expect(show(.real(.nan), "csat") == "")
  }

  @Test func headersInWords() {
    #expect(Presentation.header("first_reply_median_minutes") == "Median first reply")
    #expect(Presentation.header("p90_minutes") == "90th percentile")
    #expect(Presentation.header("predicted_refund") == "Predicted refund")
    #expect(Presentation.header("repeat_contacts") == "Repeat contacts")
    #expect(Presentation.header("csat") == "CSAT")
  }

  /// Long tables keep the rows that matter; short ones are shown whole and as they are.
  @Test func theRowsThatMatter() {
    let byWeek = MetricTable(
      metric: "m", columns: ["week", "count"],
      rows: (0..<30).map { [.text("w\($0)"), .int($0)] })
    let newest = Presentation.shownRows(byWeek, limit: 5)
    #expect(newest.rows.map { $0[0] } == (25..<30).map { .text("w\($0)") })
    #expect(newest.note == "The newest 5 of 30 rows")

    let groups = MetricTable(
      metric: "m", columns: ["group", "tickets"],
      rows: [3, 9, 1, 9, 7, 2].enumerated().map { [.text("g\($0.offset)"), .int($0.element)] })
    let largest = Presentation.shownRows(groups, limit: 3)
    #expect(largest.rows.map { $0[0] } == [.text("g1"), .text("g3"), .text("g4")])
    #expect(largest.note == "The 3 of 6 rows with the most tickets")

    let ranked = MetricTable(
      metric: "m", columns: ["rank", "topic", "tickets"],
      rows: (1...6).map { [.int($0), .text("t\($0)"), .int(10 * $0)] })
    #expect(Presentation.shownRows(ranked, limit: 2).rows.map { $0[0] } == [.int(1), .int(2)])

    let short = Presentation.shownRows(groups, limit: 6)
    #expect(short.rows == groups.rows && short.note == nil)
  }

  /// Axis labels never overlap, whatever their number, and the newest is always named.
  @Test func axisLabelsDoNotOverlap() throws {
    for count in [3, 12, 40, 90, 400] {
      let labels = (0..<count).map { "2026-01-\(String(format: "%02d", $0 % 28 + 1))" }
      let xs = (0..<count).map { 44 + 666 * (Double($0) + 0.5) / Double(count) }
      let svg = SVGChart.axisLabels(labels, at: xs, y: 224, width: 666, right: 718)
      var boxes: [(Double, Double)] = []
      for text in svg.components(separatedBy: "<text x=\"").dropFirst() {
        let x = try #require(Double(text.prefix { $0 != "\"" }))
        let w = 10 * 6.5
        boxes.append(text.contains("text-anchor=\"end\"") ? (x - w, x) : (x - w / 2, x + w / 2))
      }
      #expect(!boxes.isEmpty)
      for (a, b) in zip(boxes, boxes.dropFirst()) { #expect(a.1 < b.0, "\(count) labels") }
      #expect(boxes.allSatisfy { $0.1 <= 718 })
      #expect(svg.hasSuffix(">" + labels.last! + "</text>"))
    }
  }
}
