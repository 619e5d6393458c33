/// How a generic export's columns (CSV) or keys (NDJSON) map to TicketLens fields, from a
/// pipeline source's `columns:` and `values:`.
public struct FieldMapping: Sendable, Hashable {
  /// Source column or key → TicketLens field (the generic CSV's column names for tickets, the
  /// generic chat fields for chats).
  public var columns: [String: String]
  /// Field → (source value → TicketLens value), e.g. `status: {Offen: open}`.
  public var values: [String: [String: String]]

  public init(columns: [String: String], values: [String: [String: String]] = [:]) {
    self.columns = columns
    self.values = values
  }

  /// The ticket fields a mapping may target.
  public static let ticketFields = TicketFormat.genericColumns
  /// The chat fields a mapping may target.
  public static let chatFields = [
    "id", "type", "visitor_id", "agent_id", "group", "started_at", "first_agent_message_at",
    "ended_at", "updated_at", "missed", "rating", "ticket_id", "messages",
  ]
}
