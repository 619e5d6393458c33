/// The kind of value a metric produces.
public enum MetricKind: Sendable, Hashable {
  /// A number of tickets per group (`count`).
  case count
  /// A duration per ticket, summarised by statistics (`count, mean, median, p90`).
  case duration
}

/// A metric in the catalog: a stable id users type, a kind and the definition the report prints.
public struct MetricDefinition: Sendable, Hashable {
  public var id: String
  public var kind: MetricKind
  public var definition: String

  public init(id: String, kind: MetricKind, definition: String) {
    self.id = id
    self.kind = kind
    self.definition = definition
  }
}

/// The metrics TicketLens computes today (METRICS.md holds the full definitions).
public enum Catalog {
  public static let ticketsCreated = MetricDefinition(
    id: "tickets_created", kind: .count,
    definition:
      "Tickets whose created_at falls in the period (report time zone)."
  )
  public static let firstReplyTime = MetricDefinition(
    id: "first_reply_time", kind: .duration,
    definition:
      "created_at to the first public agent reply (first_reply_at; for exports without it, the "
      + "vendor's first-reply minutes). Tickets with no reply yet are left out, never counted as 0."
  )

  public static let all: [MetricDefinition] = [ticketsCreated, firstReplyTime]

  public static func metric(_ id: String) -> MetricDefinition? { all.first { $0.id == id } }

  /// The message for a dimension name that does not exist, with a suggestion.
  public static func unknownDimension(_ name: String) -> String {
    var msg = "unknown dimension '\(name)'"
    if let s = Suggest.closest(name, in: dimensions) { msg += " (did you mean '\(s)'?)" }
    return msg + "; known: " + dimensions.joined(separator: ", ")
  }

  /// Dimensions a metric can be grouped or filtered by.
  public static let dimensions = [
    "channel", "priority", "status", "assignee", "group", "requester", "organization", "source",
  ]
}

/// A time grain for grouping by period, in the report time zone.
public enum Grain: String, Sendable, CaseIterable {
  case day, week, month
}
