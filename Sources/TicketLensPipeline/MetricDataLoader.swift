import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// Loads the metric columns once and attaches the run's settings (as-of, schedule, SLA).
public enum MetricDataLoader {
  /// - Parameters:
  ///   - asOf: the instant the data describes; default the newest `updated_at` / chat end.
  ///   - columns: the columns to load (`MetricEngine.columns(for:)` names a query's); default
  ///     all of them.
  public static func load(
    _ warehouse: Warehouse, asOf: Instant? = nil, schedule: BusinessSchedule? = nil,
    sla: SLAPolicy? = nil, escalation: EscalationRule = EscalationRule(),
    columns: ColumnSelection = .all
  ) throws(WarehouseError) -> MetricData {
    let loaded = try warehouse.metricColumns(columns)
    // As of: the newest ticket update (the SLA clock of unreplied tickets stops there); with no
    // tickets, the newest chat end.
    var d = MetricData(
      tickets: loaded.tickets, chats: loaded.chats,
      asOf: asOf ?? loaded.asOf ?? Instant(milliseconds: 0))
    d.loaded = loaded.loaded
    d.spellingMerges = loaded.spellingMerges
    d.schedule = schedule ?? sla?.schedule
    d.sla = sla
    d.escalation = escalation
    return d
  }

  /// The instant the warehouse's data describes without loading the columns: the newest ticket
  /// update (the same instant `load` uses when there are tickets).
  public static func dataAsOf(_ warehouse: Warehouse) throws(WarehouseError) -> Instant {
    try warehouse.dataAsOf() ?? Instant(milliseconds: 0)
  }

  /// Parses `urgent=60,high=240` into targets (minutes).
  public static func targets(_ text: String, flag: String) throws(MetricQueryError)
    -> [TicketPriority: Double]
  {
    var out: [TicketPriority: Double] = [:]
    for part in text.split(separator: ",") {
      let kv = part.split(separator: "=").map { String($0).trimmingSpaces }
      guard kv.count == 2, let p = TicketPriority(normalizing: kv[0]), let m = Double(kv[1]), m > 0
      else {
        throw MetricQueryError("\(flag): '\(part)' is not PRIORITY=MINUTES (e.g. urgent=60)")
      }
      out[p] = m
    }
    return out
  }
}
