import Foundation
import Testing
import TicketLensMetrics
import TicketLensModel

@testable import TicketLensReports

/// The period the as-of instant falls in is partial (drawn lighter, said so); earlier periods
/// and a period the data covers to its last second are not.
@Suite struct PartialPeriodTests {
  func table(_ grain: String, _ labels: [String]) -> MetricTable {
    MetricTable(
      metric: "tickets_created", columns: [grain, "channel", "count"],
      rows: labels.map { [.text($0), .text("email"), .int(3)] })
  }

  @Test func thePeriodTheAsOfFallsInIsPartial() throws {
    let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
    // 2026-04-05T23:58:47Z is 01:58 on Monday 2026-04-06 in Berlin.
    let asOf = try TimestampParser().parse("2026-04-05T23:58:47Z").get()
    let days = PeriodChart.partialPeriods(
      table("day", ["2026-04-04", "2026-04-05", "2026-04-06"]), asOf: asOf, zone: berlin)
    #expect(days.rows == ["2026-04-06"])
    #expect(days.note?.contains("The day of 2026-04-06 is partial") == true)
    let weeks = PeriodChart.partialPeriods(
      table("week", ["2026-03-30", "2026-04-06"]), asOf: asOf, zone: berlin)
    #expect(weeks.rows == ["2026-04-06"])
    let months = PeriodChart.partialPeriods(
      table("month", ["2026-03", "2026-04"]), asOf: asOf, zone: berlin)
    #expect(months.rows == ["2026-04"])
    // In UTC the same instant is the last minute of Sunday: that day and its week are partial
    // (a minute short), the week before is not.
    let utc = try #require(ZoneRules(identifier: "UTC"))
    let utcWeeks = PeriodChart.partialPeriods(
      table("week", ["2026-03-23", "2026-03-30"]), asOf: asOf, zone: utc)
    #expect(utcWeeks.rows == ["2026-03-30"])
    // Data to the last second of a week: nothing is partial, and nothing is said.
    let end = try TimestampParser().parse("2026-04-05T23:59:59Z").get()
    let full = PeriodChart.partialPeriods(
      table("week", ["2026-03-23", "2026-03-30"]), asOf: end, zone: utc)
    #expect(full.rows.isEmpty && full.note == nil)
    // Not a table by period.
    let groups = MetricTable(
      metric: "m", columns: ["group", "count"], rows: [[.text("a"), .int(1)]])
    #expect(PeriodChart.partialPeriods(groups, asOf: asOf, zone: utc).rows.isEmpty)
  }

  /// The chart draws the partial period lighter and marks its label.
  @Test func theChartMarksIt() throws {
    let t = table("week", ["2026-03-23", "2026-03-30", "2026-04-06"])
    let svg = try #require(PeriodChart.chart(for: t, title: "T", partial: ["2026-04-06"]))
    #expect(svg.components(separatedBy: "class=\"partial\"").count == 2)
    #expect(svg.contains(">2026-04-06*</text>"))
    #expect(svg.contains("2026-04-06 (partial) email: 3"))
  }
}
