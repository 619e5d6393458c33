import Foundation
import TicketLensMetrics
import TicketLensModel

/// Sections every report has: the headline changes over the last 7 days (with 28-day
/// sparklines), daily volume with its forecast, the weekday × hour arrivals, agents and groups,
/// and the busiest customers.
public enum StandardSections {
  /// Sections every report has: volume with its forecast, arrival heatmap, agents, customers,
  /// and headline changes against the previous 7 days.
  /// - Parameters:
  ///   - forecast: the 28-day ticket forecast table (asked for only with 14 days of data).
  ///   - customers: the busiest requesters.
  public static func make(
    facts: MetricData, zone: ZoneRules, engine: MetricEngine, asOf: Instant,
    forecast makeForecast: () throws -> MetricTable, customers: MetricTable
  ) throws -> ReportSection {
    var data = ReportSection()
    let count = Presentation.count
    let change = Presentation.change
    let asOfDay = zone.civilDate(of: asOf)
    func number(_ c: Cell) -> Double? {
      switch c {
      case .int(let i): Double(i)
      case .real(let d): d
      default: nil
      }
    }
    func window(
      _ m: MetricDefinition, _ stats: [Statistic], daysBack: Int,
      filters: [(dimension: String, value: String)] = []
    ) throws -> [Cell]? {
      var q = MetricQuery(metric: m)
      q.zone = zone
      q.stats = stats
      q.filters = filters
      q.from = asOfDay.adding(days: -daysBack - 6)
      q.to = asOfDay.adding(days: -daysBack)
      return try engine.run(q, data: facts).rows.first
    }
    // The last 28 days, day by day, for the KPI sparklines.
    func daily(
      _ m: MetricDefinition, _ stat: Statistic, filters: [(dimension: String, value: String)] = []
    ) throws -> [Double?] {
      var q = MetricQuery(metric: m)
      q.zone = zone
      q.grain = .day
      q.stats = [stat]
      q.filters = filters
      q.from = asOfDay.adding(days: -27)
      q.to = asOfDay
      var byDay: [String: Double] = [:]
      for row in try engine.run(q, data: facts).rows { byDay[row[0].formatted] = number(row[1]) }
      return (0..<28).map { k -> Double? in
        let v = byDay[asOfDay.adding(days: k - 27).iso8601]
        return m.kind == .count ? (v ?? 0) : v
      }
    }
    // Headline changes: the last 7 days against the 7 before.
    if facts.tickets.count > 0 {
      let createdDaily = try daily(Catalog.ticketsCreated, .count)
      let now =
        try window(Catalog.ticketsCreated, [.count], daysBack: 0).flatMap { number($0[0]) } ?? 0
      let before =
        try window(Catalog.ticketsCreated, [.count], daysBack: 7).flatMap { number($0[0]) } ?? 0
      data.kpis.append(
        KPI(
          label: "Tickets created, last 7 days", value: count(Int(now)),
          note: "vs \(count(Int(before))) the 7 days before" + change(now, before),
          sparkline: SVGChart.sparkline(
            title: "Tickets created per day, last 28 days", values: createdDaily)))
      let frNow = try window(Catalog.firstReplyTime, [.median], daysBack: 0).flatMap {
        number($0[0])
      }
      let frBefore = try window(Catalog.firstReplyTime, [.median], daysBack: 7).flatMap {
        number($0[0])
      }
      if let frNow {
        data.kpis.append(
          KPI(
            label: "First reply median, last 7 days", value: Presentation.duration(minutes: frNow),
            note: frBefore.map {
              "vs \(Presentation.duration(minutes: $0)) the 7 days before" + change(frNow, $0)
            } ?? "",
            sparkline: SVGChart.sparkline(
              title: "First reply median per day, last 28 days",
              values: try daily(Catalog.firstReplyTime, .median))))
      }
      // Share of new tickets whose customer sounds negative.
      func negativeShare(daysBack: Int) throws -> Double? {
        let all =
          try window(Catalog.ticketsCreated, [.count], daysBack: daysBack).flatMap {
            number($0[0])
          } ?? 0
        let negative =
          try window(
            Catalog.ticketsCreated, [.count], daysBack: daysBack,
            filters: [(dimension: "sentiment", value: "negative")]
          ).flatMap { number($0[0]) } ?? 0
        return all > 0 ? negative / all : nil
      }
      if let negNow = try negativeShare(daysBack: 0) {
        let negBefore = try negativeShare(daysBack: 7)
        let negativeDaily = try daily(
          Catalog.ticketsCreated, .count, filters: [(dimension: "sentiment", value: "negative")])
        let shareDaily = zip(negativeDaily, createdDaily).map { n, all -> Double? in
          guard let n, let all, all > 0 else { return nil }
          return n / all
        }
        data.kpis.append(
          KPI(
            label: "Negative customers, last 7 days",
            value: String(format: "%.0f%%", negNow * 100),
            note: negBefore.map {
              String(format: "of new tickets; vs %.0f%% the 7 days before", $0 * 100)
            }
              ?? "of new tickets",
            sparkline: SVGChart.sparkline(
              title: "Share of new tickets with a negative customer per day, last 28 days",
              values: shareDaily)))
      }
    }
    // Daily volume, its 7-day average, and the 4-week forecast.
    var daily = MetricQuery(metric: Catalog.ticketsCreated)
    daily.grain = .day
    daily.fill = true
    daily.zone = zone
    let days = try engine.run(daily, data: facts).rows
    if days.count >= 14 {
      let forecast = try makeForecast()
      let history = days.suffix(56)
      // A day the as-of instant cuts short is left out of the line (it would read as a drop).
      let partial = PeriodChart.partialPeriods(
        MetricTable(metric: "tickets_created", columns: ["day", "count"], rows: Array(history)),
        asOf: asOf, zone: zone
      ).rows
      let values = history.map { partial.contains($0[0].formatted) ? nil : number($0[1]) }
      let ma = values.indices.map { i -> Double? in
        guard i >= 6 else { return nil }
        let w = values[(i - 6)...i].compactMap { $0 }
        return w.count == 7 ? w.reduce(0, +) / 7 : nil
      }
      let labels = history.map { $0[0].formatted } + forecast.rows.map { $0[0].formatted }
      let pad = Array(repeating: Double?.none, count: forecast.rows.count)
      let predicted =
        Array(repeating: Double?.none, count: history.count) + forecast.rows.map { number($0[1]) }
      let band =
        Array(repeating: (Double, Double)?.none, count: history.count)
        + forecast.rows.map { r -> (Double, Double)? in (number(r[2]) ?? 0, number(r[3]) ?? 0) }
      let mape = forecast.rows.first.flatMap { number($0[4]) }
      let chart = SVGChart.lines(
        title: "Tickets created per day, 7-day average and forecast",
        x: labels,
        series: [
          ("tickets per day", values + pad, false), ("7-day average", ma + pad, false),
          ("forecast", predicted, true),
        ], band: band)
      data.metrics.append(
        ReportMetric(
          title: "Ticket volume and forecast",
          definition:
            "Tickets created per day (last 8 weeks), their 7-day moving average, and a 4-week "
            + "Holt-Winters forecast (additive, weekly season) with a ±1.96σ band. Backtest: fitted "
            + "without the last 4 weeks, the forecast of those weeks was off by "
            + (mape.map { String(format: "%.1f%%", $0 * 100) } ?? "—") + " (MAPE)."
            + (partial.sorted().last.map {
              " The day of \($0) is partial (data to \(asOf.iso8601)) and left out of the line."
            } ?? ""),
          table: forecast, csvName: "ticket_volume_forecast.csv", chart: chart))
    }
    // When tickets arrive.
    var how = MetricQuery(metric: Catalog.ticketsCreated)
    how.grain = .hourOfWeek
    how.fill = true
    how.zone = zone
    let heat = try engine.run(how, data: facts)
    if !heat.rows.isEmpty {
      var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
      for (i, r) in heat.rows.enumerated() where i < 168 {
        if case .int(let n) = r[1] { grid[i / 24][i % 24] = n }
      }
      data.metrics.append(
        ReportMetric(
          title: "When tickets arrive",
          definition: "Tickets created by weekday and hour (report time zone), all time.",
          table: heat, csvName: "tickets_by_hour_of_week.csv",
          chart: SVGChart.heatmap(title: "Tickets by weekday and hour", values: grid)))
    }
    // Agents and groups: volume, first reply, resolution, SLA and CSAT per assignee and group.
    func people(_ dimension: String) throws -> MetricTable {
      func by(_ m: MetricDefinition, _ stats: [Statistic]) throws -> [String: [Cell]] {
        var q = MetricQuery(metric: m)
        q.by = [dimension]
        q.stats = stats
        q.zone = zone
        var out: [String: [Cell]] = [:]
        for r in try engine.run(q, data: facts).rows { out[r[0].formatted] = Array(r.dropFirst()) }
        return out
      }
      let created = try by(Catalog.ticketsCreated, [.count])
      let reply = try by(Catalog.firstReplyTime, [.median])
      let resolution = try by(Catalog.fullResolutionTime, [.median])
      let csat = try by(Catalog.csat, [.count])
      let sla = facts.sla == nil ? [:] : try by(Catalog.slaFirstReply, [.count])
      let keys = created.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      var rows: [[Cell]] = []
      for a in keys {
        var row: [Cell] = [.text(a), created[a]?[0] ?? .int(0)]
        row.append(reply[a]?[0] ?? .null)
        row.append(resolution[a]?[0] ?? .null)
        if facts.sla != nil { row.append(sla[a]?[2] ?? .null) }
        row.append(csat[a]?[0] ?? .int(0))
        row.append(csat[a]?[2] ?? .null)
        rows.append(row)
      }
      return MetricTable(
        metric: dimension == "assignee" ? "agents" : "groups",
        columns: [
          dimension, "tickets", "first_reply_median_minutes", "full_resolution_median_minutes",
        ] + (facts.sla == nil ? [] : ["first_reply_breach_rate"]) + ["rated", "csat"],
        rows: rows)
    }
    let what =
      "tickets, median first reply and full resolution (calendar minutes)"
      + (facts.sla == nil ? "" : ", first-reply SLA breach rate") + ", CSAT."
    data.metrics.append(
      ReportMetric(
        title: "Agents", definition: "Per assignee: " + what, table: try people("assignee"),
        csvName: "agents.csv", chart: nil))
    data.metrics.append(
      ReportMetric(
        title: "Groups", definition: "Per group: " + what, table: try people("group"),
        csvName: "groups.csv", chart: nil))
    // Customers.
    data.metrics.append(
      ReportMetric(
        title: "Busiest customers",
        definition:
          "Requesters with the most tickets: open tickets, CSAT, and tickets opened within 7 days of a previous one.",
        table: customers, csvName: "customers.csv", chart: nil))
    return data
  }
}
