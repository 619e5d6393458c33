/// One helpdesk ticket as TicketLens stores it: normalised fields, UTC instants, and the vendor's
/// own computed durations kept beside our values.
public struct Ticket: Sendable, Hashable {
  /// The source name (from the pipeline or `ingest`), half of the warehouse key.
  public var source: String
  /// The ticket id in its source, the other half of the key.
  public var id: String
  public var subject: String?
  public var description: String?
  public var status: TicketStatus?
  /// The status exactly as the export wrote it.
  public var statusRaw: String?
  public var priority: TicketPriority?
  /// Normalised channel (`email`, `web`, `chat`, `phone`, `api`, …).
  public var channel: String?
  public var requesterID: String?
  public var requesterEmail: String?
  public var requesterName: String?
  /// The assignee as the export identifies it (an id, or a name in Zendesk's CSV).
  public var assignee: String?
  /// The group as the export identifies it.
  public var group: String?
  public var organization: String?
  public var ticketType: String?
  public var tags: [String]
  public var createdAt: Instant
  public var updatedAt: Instant?
  public var firstReplyAt: Instant?
  public var solvedAt: Instant?
  public var reopens: Int?
  public var replies: Int?
  public var satisfaction: Satisfaction?
  /// A numeric rating (1–5) when the export gives one.
  public var satisfactionScore: Int?
  /// Custom fields as (title, value), in export order.
  public var customFields: [CustomField]
  /// Durations the vendor computed, in minutes.
  public var vendorMinutes: VendorDurations
  /// Calendar minutes in each status, derived by TicketLens from the status history when the
  /// export has one (Zendesk audits): New + Open + On-hold up to the final solve, Pending, On-hold.
  public var requesterWaitMinutes: Double?
  public var agentWaitMinutes: Double?
  public var onHoldMinutes: Double?
  /// Why the ticket is left out of metrics (`deleted`, `merged`, `spam`); nil for normal tickets.
  public var excluded: String?
  /// When the ticket was first escalated: an `escalated_at` column, or the first change event
  /// that raised its priority or added an escalation tag (Zendesk audits).
  public var escalatedAt: Instant?

  public init(source: String, id: String, createdAt: Instant) {
    self.source = source
    self.id = id
    self.createdAt = createdAt
    self.tags = []
    self.customFields = []
    self.vendorMinutes = VendorDurations()
  }

  /// The instant that orders versions of this ticket: `updated_at`, else `created_at`.
  public var versionInstant: Instant { updatedAt ?? createdAt }
}

/// A custom field of a ticket: its title in the export and its value as text.
public struct CustomField: Sendable, Hashable {
  public var name: String
  public var value: String
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// Durations in minutes as a vendor computed them (Zendesk's CSV minute columns, ticket metrics).
public struct VendorDurations: Sendable, Hashable {
  public var firstReply: Double?
  public var firstReplyBusiness: Double?
  public var firstResolution: Double?
  public var firstResolutionBusiness: Double?
  public var fullResolution: Double?
  public var fullResolutionBusiness: Double?
  public var agentWait: Double?
  public var agentWaitBusiness: Double?
  public var requesterWait: Double?
  public var requesterWaitBusiness: Double?
  public var onHold: Double?
  public var onHoldBusiness: Double?
  public init() {}
}

/// The normalised ticket status vocabulary (FORMATS.md §8.9).
public enum TicketStatus: String, Sendable, Hashable, CaseIterable {
  case new, open
  case waitingOnCustomer = "waiting_on_customer"
  case onHold = "on_hold"
  case solved, closed, deleted

  /// Maps the spellings used by Zendesk, Freshdesk and generic exports; nil when unknown.
  public init?(normalizing raw: String) {
    switch raw.lowercased().trimmingSpaces {
    case "new": self = .new
    case "open", "reopened": self = .open
    case "pending", "waiting", "waiting_on_customer", "waiting on customer":
      self = .waitingOnCustomer
    case "hold", "on-hold", "on_hold", "on hold", "onhold": self = .onHold
    case "solved", "resolved": self = .solved
    case "closed": self = .closed
    case "deleted": self = .deleted
    default: return nil
    }
  }

  /// Solved or closed.
  public var isSolved: Bool { self == .solved || self == .closed }
}

/// The normalised ticket priority vocabulary.
public enum TicketPriority: String, Sendable, Hashable, CaseIterable {
  case low, normal, high, urgent

  public init?(normalizing raw: String) {
    switch raw.lowercased().trimmingSpaces {
    case "low": self = .low
    case "normal", "medium": self = .normal
    case "high": self = .high
    case "urgent": self = .urgent
    default: return nil
    }
  }
}

/// A satisfaction survey outcome: rated good or bad, or offered/unoffered (not rated).
public enum Satisfaction: String, Sendable, Hashable, CaseIterable {
  case good, bad, offered, unoffered

  /// Maps `good/bad/offered/unoffered/not offered` and a 1–5 score (4–5 good, 1–3 bad).
  public init?(normalizing raw: String) {
    switch raw.lowercased().trimmingSpaces {
    case "good", "4", "5": self = .good
    case "bad", "1", "2", "3": self = .bad
    case "offered": self = .offered
    case "unoffered", "not offered", "not_offered": self = .unoffered
    default: return nil
    }
  }
}

extension String {
  /// The string without leading and trailing ASCII spaces and tabs.
  public var trimmingSpaces: String {
    let u = utf8
    guard let f = u.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
    let l = u.lastIndex(where: { $0 != 32 && $0 != 9 })!
    if f == u.startIndex && l == u.index(before: u.endIndex) { return self }
    return String(self[f...l])
  }
}

/// Normalises channel names from the vendors' vocabularies to a small set.
public enum ChannelName {
  public static func normalize(_ raw: String) -> String {
    let v = raw.lowercased().trimmingSpaces
    switch v {
    case "mail", "email", "e-mail": return "email"
    case "web", "web form", "web_form", "webform", "portal", "web widget", "web_widget":
      return "web"
    case "chat", "live chat", "native_messaging", "messaging": return "chat"
    case "voice", "phone", "call": return "phone"
    case "api", "web service", "web_service": return "api"
    default: return v
    }
  }
}
