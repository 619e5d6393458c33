/// The kind of value a metric produces.
public enum MetricKind: Sendable, Hashable {
  /// A number of records per group (`count`).
  case count
  /// A duration per record, summarised by statistics (`count, mean_<unit>, median_<unit>, …`).
  case duration
  /// A plain number per record, summarised by statistics (`count, mean, median, …`).
  case value
  /// A share: (denominator, numerator, rate) with the columns' names.
  case rate(denominator: String, numerator: String, rate: String)
  /// Open tickets at the end of each period (event date; always filled).
  case backlog
  /// Mean number of chats an agent has open at once while it has at least one.
  case concurrency
}

/// Which records a metric reads.
public enum MetricTableKind: String, Sendable, Hashable { case tickets, chats }

/// Which instant puts a record in a period.
public enum Cohort: Sendable, Hashable { case created, solved, started }

/// A metric in the catalog: a stable id users type, what it reads, and the definition the
/// report prints.
public struct MetricDefinition: Sendable, Hashable {
  public var id: String
  public var table: MetricTableKind
  public var kind: MetricKind
  public var cohort: Cohort
  /// Whether `--business` applies (durations measured in a schedule's business hours).
  public var hasBusinessVariant: Bool
  public var definition: String

  public init(
    id: String, table: MetricTableKind = .tickets, kind: MetricKind, cohort: Cohort = .created,
    business: Bool = false, definition: String
  ) {
    self.id = id
    self.table = table
    self.kind = kind
    self.cohort = cohort
    self.hasBusinessVariant = business
    self.definition = definition
  }
}

/// Every metric TicketLens computes (definitions follow Zendesk's; the README has the details).
public enum Catalog {
  public static let ticketsCreated = MetricDefinition(
    id: "tickets_created", kind: .count,
    definition: "Tickets whose created_at falls in the period (report time zone).")
  public static let ticketsSolved = MetricDefinition(
    id: "tickets_solved", kind: .count, cohort: .solved,
    definition: "Tickets whose last solved_at falls in the period (event date).")
  public static let backlog = MetricDefinition(
    id: "backlog", kind: .backlog,
    definition:
      "At the end of each day (or week, month): tickets created by then and not solved by then.")
  public static let firstReplyTime = MetricDefinition(
    id: "first_reply_time", kind: .duration, business: true,
    definition:
      "created_at to the first public agent reply (first_reply_at; for exports without it, the "
      + "vendor's first-reply minutes). Tickets with no reply yet are left out, never counted as 0."
  )
  public static let firstResolutionTime = MetricDefinition(
    id: "first_resolution_time", kind: .duration, business: true,
    definition:
      "created_at to the first solve (the vendor's value when the export has it; else, for "
      + "tickets never reopened, the solve).")
  public static let fullResolutionTime = MetricDefinition(
    id: "full_resolution_time", kind: .duration, business: true,
    definition: "created_at to the last solved_at; unsolved tickets are left out.")
  public static let requesterWaitTime = MetricDefinition(
    id: "requester_wait_time", kind: .duration, business: true,
    definition:
      "Time in New, Open and On-hold up to the final solve (from the status history; else the "
      + "export's own value).")
  public static let agentWaitTime = MetricDefinition(
    id: "agent_wait_time", kind: .duration, business: true,
    definition: "Time in Pending up to the final solve (status history, else the export's value).")
  public static let onHoldTime = MetricDefinition(
    id: "on_hold_time", kind: .duration, business: true,
    definition: "Time in On-hold up to the final solve (status history, else the export's value).")
  public static let reopenRate = MetricDefinition(
    id: "reopen_rate",
    kind: .rate(denominator: "tickets", numerator: "reopened", rate: "reopen_rate"),
    definition:
      "Tickets reopened at least once / all tickets (tickets without a reopen count are left out).")
  public static let oneTouchRate = MetricDefinition(
    id: "one_touch_rate",
    kind: .rate(denominator: "solved", numerator: "one_touch", rate: "one_touch_rate"),
    definition:
      "Of solved or closed tickets with a reply count, those with at most one public agent reply.")
  public static let repliesPerTicket = MetricDefinition(
    id: "replies_per_ticket", kind: .value,
    definition: "Public agent replies per solved or closed ticket.")
  public static let slaFirstReply = MetricDefinition(
    id: "sla_first_reply",
    kind: .rate(denominator: "eligible", numerator: "breached", rate: "breach_rate"),
    definition:
      "Tickets with a first-reply target for their priority: breached when the first reply took "
      + "longer, or when unreplied and older than the target at the as-of instant; unreplied "
      + "tickets still inside the target are undecided and left out.")
  public static let slaResolution = MetricDefinition(
    id: "sla_resolution",
    kind: .rate(denominator: "eligible", numerator: "breached", rate: "breach_rate"),
    definition: "As sla_first_reply, with full resolution time and the resolution targets.")
  public static let csat = MetricDefinition(
    id: "csat", kind: .rate(denominator: "rated", numerator: "good", rate: "csat"),
    definition:
      "Of tickets rated good or bad (offered and unoffered are not rated), the share rated good.")
  public static let escalationRate = MetricDefinition(
    id: "escalation_rate",
    kind: .rate(denominator: "tickets", numerator: "escalated", rate: "escalation_rate"),
    definition:
      "Tickets escalated (an escalation tag: escalated, escalation, tier2 by default; a tier-2 "
      + "group named in the pipeline; or an escalation instant: an escalated_at column, or a "
      + "change event that raised the priority or added an escalation tag) / all tickets.")
  public static let timeToEscalation = MetricDefinition(
    id: "time_to_escalation", kind: .duration, business: true,
    definition:
      "created_at to the first escalation, for tickets whose export records when (an "
      + "escalated_at column, or Zendesk audits: priority raised or an escalation tag added).")
  public static let repeatContactRate = MetricDefinition(
    id: "repeat_contact_rate",
    kind: .rate(denominator: "tickets", numerator: "repeat", rate: "repeat_contact_rate"),
    definition:
      "Tickets whose requester opened another ticket in the 7 days before it / all tickets.")
  public static let chats = MetricDefinition(
    id: "chats", table: .chats, kind: .count, cohort: .started,
    definition: "Chat sessions started in the period (offline messages excluded).")
  public static let chatWaitTime = MetricDefinition(
    id: "chat_wait_time", table: .chats, kind: .duration, cohort: .started, business: true,
    definition: "started_at to the first agent message, for chats an agent answered.")
  public static let missedChatRate = MetricDefinition(
    id: "missed_chat_rate", table: .chats,
    kind: .rate(denominator: "chats", numerator: "missed", rate: "missed_rate"),
    cohort: .started,
    definition: "Chats no agent answered before the visitor left / all chats with a known outcome.")
  public static let chatDuration = MetricDefinition(
    id: "chat_duration", table: .chats, kind: .duration, cohort: .started,
    definition: "First to last message of a chat.")
  public static let chatMessages = MetricDefinition(
    id: "chat_messages", table: .chats, kind: .value, cohort: .started,
    definition: "Messages per chat (--where author=agent or author=visitor counts one side).")
  public static let chatCSAT = MetricDefinition(
    id: "chat_csat", table: .chats,
    kind: .rate(denominator: "rated", numerator: "good", rate: "csat"),
    cohort: .started, definition: "As csat, on chat ratings.")
  public static let agentConcurrency = MetricDefinition(
    id: "agent_concurrency", table: .chats, kind: .concurrency, cohort: .started,
    definition: "Mean number of chats an agent has open at once while it has at least one.")

  public static let all: [MetricDefinition] = [
    ticketsCreated, ticketsSolved, backlog, firstReplyTime, firstResolutionTime,
    fullResolutionTime, requesterWaitTime, agentWaitTime, onHoldTime, reopenRate, oneTouchRate,
    repliesPerTicket, slaFirstReply, slaResolution, csat, escalationRate, timeToEscalation,
    repeatContactRate, chats,
    chatWaitTime, missedChatRate, chatDuration, chatMessages, chatCSAT, agentConcurrency,
  ]

  public static func metric(_ id: String) -> MetricDefinition? { all.first { $0.id == id } }

  /// The message for a dimension name that does not exist, with a suggestion.
  public static func unknownDimension(_ name: String) -> String {
    var msg = "unknown dimension '\(name)'"
    if let s = Suggest.closest(name, in: dimensions) { msg += " (did you mean '\(s)'?)" }
    return msg + "; known: " + dimensions.joined(separator: ", ")
  }

  /// Dimensions a metric can be grouped or filtered by (chats have assignee, group, requester,
  /// tag and source; `author` filters chat_messages).
  public static let dimensions = [
    "channel", "priority", "status", "assignee", "group", "tag", "requester", "organization",
    "source", "sentiment", "category",
  ]
}

/// A time grain for grouping by period, in the report time zone.
public enum Grain: String, Sendable, CaseIterable {
  case day, week, month
  /// Weekday and hour (Mon 00 … Sun 23), for heatmaps.
  case hourOfWeek = "hour_of_week"
}
