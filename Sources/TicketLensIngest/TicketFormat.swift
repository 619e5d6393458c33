import TicketLensModel

/// The ticket export formats TicketLens reads.
public enum TicketFormat: String, Sendable, CaseIterable {
  /// The generic ticket CSV: `id, subject, description, status, …` (see README).
  case genericCSV = "generic-csv"
  /// Zendesk's admin CSV export.
  case zendeskCSV = "zendesk-csv"
  /// Freshdesk's ticket export CSV (display labels, matched case-insensitively).
  case freshdeskCSV = "freshdesk-csv"

  /// Guesses the format from a CSV header: Zendesk's export has `Id` and `Created at` columns,
  /// Freshdesk's `Ticket ID` and `Created time`.
  public static func sniff(header: [String]) -> TicketFormat {
    let names = Set(header.map { $0.trimmingCharacters().lowercased() })
    if names.contains("created at") && (names.contains("id") || names.contains("summation column"))
    {
      return .zendeskCSV
    }
    if names.contains("ticket id") && names.contains("created time") { return .freshdeskCSV }
    return .genericCSV
  }
}

/// A ticket field a CSV column can feed.
enum TicketColumn: Hashable, Sendable {
  case id, subject, description, status, priority, channel
  case requesterID, requesterEmail, requesterName, assignee, group, organization, ticketType, tags
  case createdAt, updatedAt, firstReplyAt, solvedAt, escalatedAt
  case reopens, replies, satisfaction
  case vendor(VendorColumn)
  /// A vendor duration written in hours (Freshdesk), stored in minutes.
  case vendorHours(VendorColumn)
  case custom(String)
  /// A known column TicketLens does not store (e.g. Zendesk's row counter).
  case ignored

  /// The field name used in messages and the rejects table.
  var fieldName: String {
    switch self {
    case .id: "id"
    case .subject: "subject"
    case .description: "description"
    case .status: "status"
    case .priority: "priority"
    case .channel: "channel"
    case .requesterID: "requester_id"
    case .requesterEmail: "requester_email"
    case .requesterName: "requester_name"
    case .assignee: "assignee"
    case .group: "group"
    case .organization: "organization"
    case .ticketType: "ticket_type"
    case .tags: "tags"
    case .createdAt: "created_at"
    case .updatedAt: "updated_at"
    case .firstReplyAt: "first_reply_at"
    case .solvedAt: "solved_at"
    case .escalatedAt: "escalated_at"
    case .reopens: "reopens"
    case .replies: "replies"
    case .satisfaction: "satisfaction"
    case .vendor(let v), .vendorHours(let v): v.rawValue
    case .custom(let name): name
    case .ignored: "ignored"
    }
  }
}

/// Zendesk's minute columns, calendar and business.
enum VendorColumn: String, Hashable, Sendable, CaseIterable {
  case firstReply = "vendor_first_reply_minutes"
  case firstReplyBusiness = "vendor_first_reply_business_minutes"
  case firstResolution = "vendor_first_resolution_minutes"
  case firstResolutionBusiness = "vendor_first_resolution_business_minutes"
  case fullResolution = "vendor_full_resolution_minutes"
  case fullResolutionBusiness = "vendor_full_resolution_business_minutes"
  case agentWait = "vendor_agent_wait_minutes"
  case agentWaitBusiness = "vendor_agent_wait_business_minutes"
  case requesterWait = "vendor_requester_wait_minutes"
  case requesterWaitBusiness = "vendor_requester_wait_business_minutes"
  case onHold = "vendor_on_hold_minutes"
  case onHoldBusiness = "vendor_on_hold_business_minutes"

  var keyPath: WritableKeyPath<VendorDurations, Double?> {
    switch self {
    case .firstReply: \.firstReply
    case .firstReplyBusiness: \.firstReplyBusiness
    case .firstResolution: \.firstResolution
    case .firstResolutionBusiness: \.firstResolutionBusiness
    case .fullResolution: \.fullResolution
    case .fullResolutionBusiness: \.fullResolutionBusiness
    case .agentWait: \.agentWait
    case .agentWaitBusiness: \.agentWaitBusiness
    case .requesterWait: \.requesterWait
    case .requesterWaitBusiness: \.requesterWaitBusiness
    case .onHold: \.onHold
    case .onHoldBusiness: \.onHoldBusiness
    }
  }
}

extension TicketFormat {
  /// The column a header name maps to in this format; nil for an unknown column.
  func column(for header: String) -> TicketColumn? {
    let h = header.trimmingCharacters()
    let key = h.lowercased()
    switch self {
    case .genericCSV:
      return Self.generic[key]
    case .freshdeskCSV:
      return Self.freshdesk[key]
    case .zendeskCSV:
      if let c = Self.zendesk[key] { return c }
      if key.hasSuffix("[list]") {
        return .custom(String(h.dropLast(6)).trimmingCharacters())
      }
      return nil
    }
  }

  /// The generic ticket CSV's columns, in their documented order.
  public static let genericColumns = [
    "id", "subject", "description", "status", "priority", "channel", "requester_id",
    "requester_email", "assignee_id", "group_id", "tags", "created_at", "updated_at",
    "first_reply_at", "solved_at", "reopens", "replies", "satisfaction", "escalated_at",
  ]

  private static let generic: [String: TicketColumn] = [
    "id": .id, "subject": .subject, "description": .description, "status": .status,
    "priority": .priority, "channel": .channel, "requester_id": .requesterID,
    "requester_email": .requesterEmail, "assignee_id": .assignee, "group_id": .group,
    "tags": .tags, "created_at": .createdAt, "updated_at": .updatedAt,
    "first_reply_at": .firstReplyAt, "solved_at": .solvedAt, "escalated_at": .escalatedAt,
    "reopens": .reopens,
    "replies": .replies, "satisfaction": .satisfaction,
  ]

  private static let freshdesk: [String: TicketColumn] = [
    "ticket id": .id, "subject": .subject, "description": .description, "status": .status,
    "priority": .priority, "source": .channel, "type": .ticketType, "agent": .assignee,
    "group": .group, "created time": .createdAt, "last update time": .updatedAt,
    "resolved time": .solvedAt, "initial response time": .firstReplyAt, "tags": .tags,
    "full name": .requesterName, "email": .requesterEmail, "contact id": .requesterID,
    "requester id": .requesterID, "company name": .organization, "company": .organization,
    "first response time (in hrs)": .vendorHours(.firstReply),
    "resolution time (in hrs)": .vendorHours(.fullResolution), "agent interactions": .replies,
    "customer interactions": .ignored, "closed time": .ignored, "due by time": .ignored,
    "satisfaction rating": .satisfaction, "product": .ignored,
  ]

  private static let zendesk: [String: TicketColumn] = [
    "summation column": .ignored, "id": .id, "requester": .requesterName,
    "requester id": .requesterID, "requester external id": .ignored,
    "requester email": .requesterEmail, "requester domain": .ignored, "submitter": .ignored,
    "assignee": .assignee, "group": .group, "subject": .subject, "tags": .tags,
    "status": .status, "priority": .priority, "via": .channel, "ticket type": .ticketType,
    "created at": .createdAt, "updated at": .updatedAt, "assigned at": .ignored,
    "organization": .organization, "due date": .ignored, "initially assigned at": .ignored,
    "solved at": .solvedAt, "resolution time": .ignored, "satisfaction score": .satisfaction,
    "group stations": .ignored, "assignee stations": .ignored, "reopens": .reopens,
    "replies": .replies,
    "first reply time in minutes": .vendor(.firstReply),
    "first reply time in minutes within business hours": .vendor(.firstReplyBusiness),
    "first resolution time in minutes": .vendor(.firstResolution),
    "first resolution time in minutes within business hours": .vendor(.firstResolutionBusiness),
    "full resolution time in minutes": .vendor(.fullResolution),
    "full resolution time in minutes within business hours": .vendor(.fullResolutionBusiness),
    "agent wait time in minutes": .vendor(.agentWait),
    "agent wait time in minutes within business hours": .vendor(.agentWaitBusiness),
    "requester wait time in minutes": .vendor(.requesterWait),
    "requester wait time in minutes within business hours": .vendor(.requesterWaitBusiness),
    "on hold time in minutes": .vendor(.onHold),
    "on hold time in minutes within business hours": .vendor(.onHoldBusiness),
  ]
}

extension String {
  /// Trimmed of ASCII spaces and tabs (Foundation-free).
  func trimmingCharacters() -> String { trimmingSpaces }
}
