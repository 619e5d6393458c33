import TicketLensMetrics
import TicketLensWarehouse

/// The follow-up list: tickets to look at again, most urgent first.
public enum FollowUpList {
  /// Urgency: priority (urgent 4 … low 1, none 1) × 10 + days waiting, bad ratings and negative
  /// customers first among equals; ties by key.
  public static func table(warehouse: Warehouse, asOf: Int64, pendingDays: Double = 3) throws
    -> MetricTable
  {
    let weight = ["urgent": 4.0, "high": 3, "normal": 2, "low": 1]
    let reasonRank = ["bad_rating": 0, "negative": 1, "pending": 2]
    let rows = try warehouse.followUps(asOf: asOf, pendingDays: pendingDays)
      .map { f in (f, (weight[f.priority ?? ""] ?? 1) * 10 + f.daysWaiting) }
      .sorted { a, b in
        if a.1 != b.1 { return a.1 > b.1 }
        let ra = reasonRank[a.0.reason] ?? 9
        let rb = reasonRank[b.0.reason] ?? 9
        if ra != rb { return ra < rb }
        return (a.0.source, a.0.id) < (b.0.source, b.0.id)
      }
    return MetricTable(
      metric: "follow_ups",
      columns: [
        "ticket", "reason", "urgency", "days_waiting", "priority", "status", "assignee",
        "sentiment",
        "subject",
      ],
      rows: rows.map { f, urgency in
        [
          .text(f.source + "/" + f.id), .text(f.reason), .real(urgency), .real(f.daysWaiting),
          .text(f.priority ?? "none"), .text(f.status), .text(f.assignee ?? "none"),
          .text(f.sentiment ?? "none"), .text(f.subject),
        ]
      })
  }
}
