import TicketLensMetrics
import TicketLensModel

/// Escalation analysis: how often and how soon tickets escalate, by category, channel and
/// priority; and which group resolves each category fastest (a routing suggestion).
/// Everything is computed by the metric engine, so the numbers match `ticketlens export`.
public struct EscalationAnalysis: Sendable {
  public var zone: ZoneRules
  public var threads: Int
  /// A group must have resolved at least this many tickets of a category to be suggested.
  public var minGroupTickets: Int

  public init(zone: ZoneRules, threads: Int = 0, minGroupTickets: Int = 10) {
    self.zone = zone
    self.threads = threads
    self.minGroupTickets = minGroupTickets
  }

  /// The dimensions the escalation table breaks down by.
  public static let dimensions = ["category", "channel", "priority"]

  /// One row per (dimension, value): tickets, escalated, escalation rate, and the tickets whose
  /// escalation instant is known with their median minutes to escalation.
  public func escalationTable(_ data: MetricData) throws(MetricQueryError) -> MetricTable {
    let engine = MetricEngine(threads: threads)
    var rows: [[Cell]] = []
    for dim in Self.dimensions {
      var rate = MetricQuery(metric: Catalog.escalationRate)
      rate.by = [dim]
      rate.zone = zone
      var time = MetricQuery(metric: Catalog.timeToEscalation)
      time.by = [dim]
      time.zone = zone
      time.stats = [.count, .median]
      var timed: [String: [Cell]] = [:]
      for row in try engine.run(time, data: data).rows { timed[row[0].formatted] = row }
      for row in try engine.run(rate, data: data).rows {
        let t = timed[row[0].formatted]
        rows.append(
          [.text(dim), row[0], row[1], row[2], row[3], t?[1] ?? .int(0), t?[2] ?? .null])
      }
    }
    return MetricTable(
      metric: "escalations",
      columns: [
        "dimension", "value", "tickets", "escalated", "escalation_rate", "timed",
        "median_minutes_to_escalation",
      ], rows: rows)
  }

  /// One row per category: the group that resolves most of its tickets, the group that resolves
  /// them fastest (median full resolution time, among groups with at least `minGroupTickets`;
  /// the pipeline's escalation groups are no candidates),
  /// the median minutes the fastest saves per ticket, and whether the difference is clear: the
  /// two medians' 95 % confidence intervals (order statistics, n/2 ± 0.98·√n, read from the
  /// exact percentiles) do not overlap. Only a clear difference is a routing suggestion.
  public func routingTable(_ data: MetricData) throws(MetricQueryError) -> MetricTable {
    var q = MetricQuery(metric: Catalog.fullResolutionTime)
    q.by = ["category", "group"]
    q.zone = zone
    q.stats = [.count, .median] + (1...99).map { Statistic.percentile($0) }
    let table = try MetricEngine(threads: threads).run(q, data: data)
    struct Group {
      var name: String
      var count: Int
      var median: Double
      var low: Double
      var high: Double
    }
    var byCategory: [String: [Group]] = [:]
    var order: [String] = []
    for row in table.rows {
      guard case .int(let n) = row[2], case .real(let median) = row[3] else { continue }
      let category = row[0].formatted
      let name = row[1].formatted
      if byCategory[category] == nil { order.append(category) }
      // Escalation groups take tickets others escalated: not a routing choice.
      guard name != "none", !data.escalation.groups.contains(name) else { continue }
      // The percentile columns follow: p1 at index 4 … p99 at index 102.
      func percentile(_ p: Double) -> Double {
        let k = min(99, max(1, Int(p.rounded(p < 50 ? .down : .up))))
        if case .real(let v) = row[3 + k] { return v }
        return median
      }
      let half = 98 / Double(n).squareRoot()
      byCategory[category, default: []].append(
        Group(
          name: name, count: n, median: median, low: percentile(50 - half),
          high: percentile(50 + half)))
    }
    var rows: [[Cell]] = []
    for category in order {
      let groups = byCategory[category] ?? []
      guard let main = groups.max(by: { ($0.count, $1.name) < ($1.count, $0.name) }) else {
        continue
      }
      let fastest = groups.filter { $0.count >= minGroupTickets }.min {
        ($0.median, -$0.count, $0.name) < ($1.median, -$1.count, $1.name)
      }
      let total = groups.reduce(0) { $0 + $1.count }
      var row: [Cell] = [
        .text(category), .int(total), .text(main.name), .int(main.count), .real(main.median),
      ]
      if let f = fastest {
        let clear = f.name != main.name && f.high < main.low
        row += [
          .text(f.name), .int(f.count), .real(f.median), .real(main.median - f.median),
          .text(f.name == main.name ? "main group is fastest" : clear ? "clear" : "not clear"),
        ]
      } else {
        row += [.null, .null, .null, .null, .text("too few tickets")]
      }
      rows.append(row)
    }
    return MetricTable(
      metric: "routing",
      columns: [
        "category", "resolved", "main_group", "main_group_resolved", "main_group_median_minutes",
        "fastest_group", "fastest_group_resolved", "fastest_group_median_minutes",
        "median_minutes_saved", "evidence",
      ], rows: rows)
  }
}
