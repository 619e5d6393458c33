import TicketLensMetrics
import TicketLensModel

/// How first reply and full resolution times are distributed (`duration_distribution.csv`):
/// tickets per bucket, calendar and business time, with a histogram of shares.
public enum DurationSection {
  /// Buckets of the duration distribution: (CSV column, chart label, upper bound in minutes).
  public static let durationBuckets: [(column: String, label: String, upTo: Double?)] = [
    ("up_to_1h", "≤ 1 h", 60), ("1h_to_4h", "1–4 h", 240), ("4h_to_8h", "4–8 h", 480),
    ("8h_to_24h", "8–24 h", 1440), ("1d_to_3d", "1–3 d", 4320), ("3d_to_7d", "3–7 d", 10_080),
    ("over_7d", "> 7 d", nil),
  ]

  /// How first reply and full resolution times are distributed, in calendar time and (with a
  /// schedule) business time: tickets per bucket, from the engine's `leN` counts.
  public static func make(facts: MetricData, zone: ZoneRules, engine: MetricEngine) throws
    -> ReportSection
  {
    var data = ReportSection()
    var rows: [[Cell]] = []
    var series: [(name: String, counts: [Int])] = []
    let bounds = durationBuckets.compactMap(\.upTo)
    for metric in [Catalog.firstReplyTime, Catalog.fullResolutionTime] {
      for business in facts.schedule == nil ? [false] : [false, true] {
        var q = MetricQuery(metric: metric)
        q.zone = zone
        q.business = business
        q.stats = [.count, .median] + bounds.map { Statistic.atMost($0) }
        guard let row = try engine.run(q, data: facts).rows.first,
          case .int(let total) = row[0], total > 0
        else { continue }
        var cumulative = row[2...].map { cell -> Int in
          if case .int(let n) = cell { return n }
          return 0
        }
        cumulative.append(total)
        let counts = cumulative.indices.map {
          $0 == 0 ? cumulative[0] : cumulative[$0] - cumulative[$0 - 1]
        }
        rows.append(
          [.text(metric.id), .text(business ? "business" : "calendar"), .int(total), row[1]]
            + counts.map { Cell.int($0) })
        series.append(
          (
            metric.id.replacingOccurrences(of: "_", with: " ") + (business ? " (business)" : ""),
            counts
          ))
      }
    }
    guard !rows.isEmpty else { return data }
    let title = "Distribution of first reply and resolution times"
    data.metrics.append(
      ReportMetric(
        title: title,
        definition:
          "Tickets by how long the first reply and the full resolution took, in calendar time"
          + (facts.schedule == nil ? "" : " and in the business hours of the first schedule")
          + ". Buckets include their upper bound; the chart shows each row's shares.",
        table: MetricTable(
          metric: "duration_distribution",
          columns: ["metric", "time", "tickets", "median_minutes"]
            + durationBuckets.map(\.column), rows: rows),
        csvName: "duration_distribution.csv",
        chart: SVGChart.histogram(
          title: title, buckets: durationBuckets.map(\.label), series: series)))
    return data
  }
}
