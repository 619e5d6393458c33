import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensReports
import TicketLensWarehouse

/// `ticketlens export`: one metric as CSV, TSV or JSON, from the warehouse.
public struct MetricExport: Sendable {
  public enum Format: String, Sendable, CaseIterable { case csv, tsv, json }

  public var metric: String
  public var by: [String] = []
  public var grain: String?
  public var from: String?
  public var to: String?
  public var filters: [String] = []
  public var stats: [String] = ["count", "mean", "median", "p90"]
  public var unit: String = "minutes"
  public var fill = false
  public var format: Format = .csv
  public var excel = false
  public var timeZone = "UTC"
  public var threads = 0
  /// Business-time durations (needs a schedule).
  public var business = false
  /// `--as-of` (an instant in any accepted timestamp form).
  public var asOf: String?
  public var schedule: BusinessSchedule?
  public var sla: SLAPolicy?
  public var escalation = EscalationRule()
  /// Pseudonymizes requesters in the output (`--redact`).
  public var redactor: Redactor?

  public init(metric: String) { self.metric = metric }

  /// Validates the options into a query (usage errors name the bad value).
  public func query() throws(MetricQueryError) -> MetricQuery {
    guard let def = Catalog.metric(metric) else {
      var msg = "unknown metric '\(metric)'"
      if let s = Suggest.closest(metric, in: Catalog.all.map(\.id)) {
        msg += " (did you mean '\(s)'?)"
      }
      throw MetricQueryError(msg + "; `ticketlens metrics` lists them")
    }
    var q = MetricQuery(metric: def)
    q.by = by
    for d in by where !Catalog.dimensions.contains(d) {
      throw MetricQueryError(Catalog.unknownDimension(d))
    }
    if let g = grain {
      guard let gr = Grain(rawValue: g) else {
        throw MetricQueryError("unknown grain '\(g)'; use day, week, month or hour_of_week")
      }
      q.grain = gr
    }
    func date(_ s: String?, _ flag: String) throws(MetricQueryError) -> CivilDate? {
      guard let s else { return nil }
      guard let d = CivilDate(iso8601: s) else {
        throw MetricQueryError("\(flag): '\(s)' is not a date (YYYY-MM-DD)")
      }
      return d
    }
    q.from = try date(from, "--from")
    q.to = try date(to, "--to")
    for f in filters {
      let parts = f.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, Catalog.dimensions.contains(parts[0]) || parts[0] == "author" else {
        throw MetricQueryError(
          "--where '\(f)' must be DIM=VALUE with DIM one of \(Catalog.dimensions.joined(separator: ", "))"
        )
      }
      q.filters.append((parts[0], parts[1]))
    }
    q.stats = try stats.map { s throws(MetricQueryError) in
      guard let st = Statistic(s) else {
        throw MetricQueryError(
          "unknown statistic '\(s)'; use count, mean, median, pNN (p1…p99) or leN (how many are at most N)"
        )
      }
      return st
    }
    guard let u = DurationUnit(rawValue: unit) else {
      throw MetricQueryError("unknown unit '\(unit)'; use minutes, seconds or hours")
    }
    q.unit = u
    q.fill = fill
    q.business = business
    guard let z = ZoneRules(identifier: timeZone) else {
      throw MetricQueryError("'\(timeZone)' is not an IANA time zone")
    }
    q.zone = z
    return q
  }

  /// The `--as-of` value of the commands that read the warehouse: a timestamp, or nil (the
  /// data's own as-of) when not given.
  public static func parseAsOf(_ text: String?) throws(MetricQueryError) -> Instant? {
    guard let text else { return nil }
    guard case .success(let i) = TimestampParser().parse(text) else {
      throw MetricQueryError("--as-of: '\(text)' is not a timestamp")
    }
    return i
  }

  /// Runs the query on the warehouse and renders it.
  public func render(warehouse: Warehouse) throws -> String {
    let q = try query()
    let data = try MetricDataLoader.load(
      warehouse, asOf: try Self.parseAsOf(asOf), schedule: schedule, sla: sla,
      escalation: escalation, columns: MetricEngine.columns(for: q))
    var table = try MetricEngine(threads: threads).run(q, data: data)
    if let redactor { table = redactor.table(table) }
    switch format {
    case .csv: return CSVWriter(excel: excel).render(table)
    case .tsv: return CSVWriter(delimiter: "\t", excel: excel).render(table)
    case .json: return JSONTableWriter.render(table)
    }
  }
}
