/// One live-chat session (or an offline message left when no agent was online).
public struct Chat: Sendable, Hashable {
  public var source: String
  public var id: String
  /// `chat`, `offline_msg` (kept, left out of chat metrics) or `conversation` (Intercom).
  public var type: String
  public var visitorID: String?
  public var visitorName: String?
  public var visitorEmail: String?
  public var agentID: String?
  public var agentName: String?
  public var group: String?
  public var startedAt: Instant
  public var firstAgentMessageAt: Instant?
  public var endedAt: Instant?
  /// True when no agent answered before the visitor left.
  public var missed: Bool?
  /// good/bad (a 1–5 rating maps 4–5 good, 1–3 bad).
  public var satisfaction: Satisfaction?
  public var rating: Int?
  /// The ticket this chat became, when the export links one.
  public var ticketID: String?
  public var tags: [String]
  public var messages: [ChatMessage]
  /// The instant that orders versions of this chat (`updated_at`, else the end, else the start).
  public var updatedAt: Instant?

  public init(source: String, id: String, startedAt: Instant) {
    self.source = source
    self.id = id
    self.type = "chat"
    self.startedAt = startedAt
    self.tags = []
    self.messages = []
  }

  public var versionInstant: Instant { updatedAt ?? endedAt ?? startedAt }

  /// First message by an agent, from the messages when the export does not say.
  public mutating func deriveFromMessages() {
    if firstAgentMessageAt == nil {
      firstAgentMessageAt = messages.filter { $0.author == .agent }.map(\.at).min()
    }
    if endedAt == nil { endedAt = messages.map(\.at).max() }
    if missed == nil, type != "offline_msg" { missed = firstAgentMessageAt == nil }
  }
}

/// One message of a chat.
public struct ChatMessage: Sendable, Hashable {
  public enum Author: String, Sendable, Hashable { case agent, visitor, bot, system }
  public var author: Author
  public var at: Instant
  public var text: String
  public init(author: Author, at: Instant, text: String) {
    self.author = author
    self.at = at
    self.text = text
  }
}

/// A knowledge-base article (Help Center or a Markdown file).
public struct Article: Sendable, Hashable {
  public var source: String
  public var id: String
  public var title: String
  /// Plain text (HTML and Markdown markup removed).
  public var body: String
  public var labels: [String]
  public var section: String?
  public var locale: String?
  public var url: String?
  public var draft: Bool
  public var createdAt: Instant?
  public var updatedAt: Instant?

  public init(source: String, id: String, title: String, body: String) {
    self.source = source
    self.id = id
    self.title = title
    self.body = body
    self.labels = []
    self.draft = false
  }
}

/// One row of a help-center search log: a query and what came of it.
public struct SearchTerm: Sendable, Hashable {
  public var source: String
  public var query: String
  /// The day the counts are for, when the export has one.
  public var date: CivilDate?
  public var searches: Int
  public var results: Int?
  public var clicks: Int?
  public var ticketsCreated: Int?

  public init(source: String, query: String, searches: Int) {
    self.source = source
    self.query = query
    self.searches = searches
  }
}

/// A vendor's computed metrics for one ticket (Zendesk `ticket_metrics`), kept beside ours.
public struct TicketMetrics: Sendable, Hashable {
  public var source: String
  public var ticketID: String
  public var updatedAt: Instant?
  public var solvedAt: Instant?
  public var reopens: Int?
  public var replies: Int?
  public var vendorMinutes: VendorDurations

  public init(source: String, ticketID: String) {
    self.source = source
    self.ticketID = ticketID
    self.vendorMinutes = VendorDurations()
  }
}
