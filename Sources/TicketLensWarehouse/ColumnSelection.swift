/// One metric column of the tickets table.
public enum TicketColumn: Hashable, Sendable {
  case createdAt, updatedAt, firstReplyAt, solvedAt, escalatedAt
  case vendor(TicketColumns.VendorMinute)
  case requesterWait, agentWait, onHold, reopens, replies, satisfaction
  /// A dictionary-encoded dimension, by dimension name (`TicketColumns.dimensionSources`).
  case dimension(String)
  case tags

  /// Every fixed column (dimensions and tags aside), in cache order.
  static let fixed: [TicketColumn] =
    [.createdAt, .updatedAt, .firstReplyAt, .solvedAt, .escalatedAt]
    + TicketColumns.VendorMinute.allCases.map { .vendor($0) }
    + [.requesterWait, .agentWait, .onHold, .reopens, .replies, .satisfaction]

  /// The column's name in the column cache's directory.
  var name: String {
    switch self {
    case .createdAt: "created_at"
    case .updatedAt: "updated_at"
    case .firstReplyAt: "first_reply_at"
    case .solvedAt: "solved_at"
    case .escalatedAt: "escalated_at"
    case .vendor(let m): "vendor." + m.column
    case .requesterWait: "requester_wait"
    case .agentWait: "agent_wait"
    case .onHold: "on_hold"
    case .reopens: "reopens"
    case .replies: "replies"
    case .satisfaction: "satisfaction"
    case .dimension(let d): "dimension." + d
    case .tags: "tags"
    }
  }
}

/// One metric column of the chats table.
public enum ChatColumn: Hashable, Sendable {
  case startedAt, firstAgentAt, endedAt, missed, offline, satisfaction
  case messages, agentMessages, visitorMessages
  /// A dictionary-encoded dimension, by dimension name (`ChatColumns.dimensionSources`).
  case dimension(String)
  case tags

  static let fixed: [ChatColumn] = [
    .startedAt, .firstAgentAt, .endedAt, .missed, .offline, .satisfaction, .messages,
    .agentMessages, .visitorMessages,
  ]

  var name: String {
    switch self {
    case .startedAt: "started_at"
    case .firstAgentAt: "first_agent_at"
    case .endedAt: "ended_at"
    case .missed: "missed"
    case .offline: "offline"
    case .satisfaction: "satisfaction"
    case .messages: "messages"
    case .agentMessages: "agent_messages"
    case .visitorMessages: "visitor_messages"
    case .dimension(let d): "dimension." + d
    case .tags: "tags"
    }
  }
}

/// Which metric columns to load (`Warehouse.metricColumns(_:)`), or which a set of loaded
/// columns holds. A column left out stays an empty array, so whatever reads the columns must
/// ask for what it reads: the metric engine refuses a query whose columns were not loaded.
public struct ColumnSelection: Sendable, Equatable {
  public var tickets: Set<TicketColumn>
  public var chats: Set<ChatColumn>

  public init(tickets: Set<TicketColumn> = [], chats: Set<ChatColumn> = []) {
    self.tickets = tickets
    self.chats = chats
  }

  /// Every column of both tables.
  public static let all = ColumnSelection(
    tickets: Set(
      TicketColumn.fixed + TicketColumns.dimensionSources.map { .dimension($0.name) } + [.tags]),
    chats: Set(
      ChatColumn.fixed + ChatColumns.dimensionSources.map { .dimension($0.name) } + [.tags])
  )

  public func union(_ other: ColumnSelection) -> ColumnSelection {
    ColumnSelection(tickets: tickets.union(other.tickets), chats: chats.union(other.chats))
  }

  /// The columns of `needed` this selection lacks, by name (empty when it has them all).
  public func missing(_ needed: ColumnSelection) -> [String] {
    needed.tickets.subtracting(tickets).map { "tickets." + $0.name }.sorted()
      + needed.chats.subtracting(chats).map { "chats." + $0.name }.sorted()
  }
}
