import TicketLensModel

/// A table loaded with the same newer-wins upsert and accounting as `tickets`.
struct TableSpec {
  var table: String
  var columns: [String]
  /// Key columns after `source`.
  var key: [String]
  /// When an incoming row replaces the stored one (SQL over `excluded` and the table).
  var replaceWhen: String

  var upsertSQL: String {
    let all = columns + ["load_id"]
    let updates = all.filter { !key.contains($0) && $0 != "source" }.map {
      "\($0) = excluded.\($0)"
    }
    .joined(separator: ", ")
    return """
      INSERT INTO \(table) (\(all.joined(separator: ", ")))
      VALUES (\(all.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
      ON CONFLICT (source, \(key.joined(separator: ", "))) DO UPDATE SET \(updates),
        previous_load_id = \(table).load_id
      WHERE \(replaceWhen)
      """
  }

  var lookupSQL: String {
    "SELECT load_id, previous_load_id FROM \(table) WHERE source = ?1 AND "
      + key.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: " AND ")
  }

  static let chats = TableSpec(
    table: "chats",
    columns: [
      "source", "id", "type", "visitor_id", "visitor_name", "visitor_email", "agent_id",
      "agent_name", "group_name", "started_at", "first_agent_message_at", "ended_at", "updated_at",
      "missed", "satisfaction", "rating", "ticket_id", "tags", "message_count", "agent_messages",
      "visitor_messages", "messages",
    ],
    key: ["id"],
    replaceWhen: """
      coalesce(excluded.updated_at, excluded.ended_at, excluded.started_at)
        > coalesce(chats.updated_at, chats.ended_at, chats.started_at)
      """)

  static let articles = TableSpec(
    table: "articles",
    columns: [
      "source", "id", "title", "body", "labels", "section", "locale", "url", "draft", "created_at",
      "updated_at",
    ],
    key: ["id"],
    replaceWhen: """
      coalesce(excluded.updated_at, 0) > coalesce(articles.updated_at, 0)
        OR (excluded.updated_at IS NULL AND articles.updated_at IS NULL
          AND (excluded.title IS NOT articles.title OR excluded.body IS NOT articles.body
            OR excluded.labels IS NOT articles.labels OR excluded.draft IS NOT articles.draft))
      """)

  static let searchTerms = TableSpec(
    table: "search_terms",
    columns: ["source", "query", "date", "searches", "results", "clicks", "tickets_created"],
    key: ["query", "date"],
    replaceWhen: """
      excluded.searches IS NOT search_terms.searches OR excluded.results IS NOT search_terms.results
        OR excluded.clicks IS NOT search_terms.clicks
        OR excluded.tickets_created IS NOT search_terms.tickets_created
      """)

  static let ticketMetrics = TableSpec(
    table: "ticket_metrics",
    columns: [
      "source", "ticket_id", "updated_at", "solved_at", "reopens", "replies",
      "first_reply_minutes", "first_reply_business_minutes", "first_resolution_minutes",
      "first_resolution_business_minutes", "full_resolution_minutes",
      "full_resolution_business_minutes", "agent_wait_minutes", "agent_wait_business_minutes",
      "requester_wait_minutes", "requester_wait_business_minutes", "on_hold_minutes",
      "on_hold_business_minutes",
    ],
    key: ["ticket_id"],
    replaceWhen: "coalesce(excluded.updated_at, 0) > coalesce(ticket_metrics.updated_at, 0)")
}

/// Binding of the non-ticket records, in `TableSpec` column order.
public enum OtherRows {
  /// What the chats table stores of a chat's messages: their JSON and counts. Built on the
  /// parser threads during ingest, so that the messages themselves can be freed there and not
  /// on the writer thread.
  public struct Messages: Sendable {
    public var json: String?
    public var count = 0
    public var agent = 0
    public var visitor = 0

    public init(_ c: Chat) {
      json = OtherRows.messagesJSONText(c)
      count = c.messages.count
      for m in c.messages {
        if m.author == .agent { agent += 1 } else if m.author == .visitor { visitor += 1 }
      }
    }
  }

  static func bind(_ c: Chat, _ s: Statement, messages: Messages) {
    s.bind(1, c.source)
    s.bind(2, c.id)
    s.bind(3, c.type)
    s.bind(4, c.visitorID)
    s.bind(5, c.visitorName)
    s.bind(6, c.visitorEmail)
    s.bind(7, c.agentID)
    s.bind(8, c.agentName)
    s.bind(9, c.group)
    s.bind(10, c.startedAt.milliseconds)
    s.bind(11, c.firstAgentMessageAt?.milliseconds)
    s.bind(12, c.endedAt?.milliseconds)
    s.bind(13, c.updatedAt?.milliseconds)
    s.bind(14, c.missed.map { $0 ? 1 : 0 })
    s.bind(15, c.satisfaction?.rawValue)
    s.bind(16, c.rating)
    s.bind(17, c.ticketID)
    s.bind(18, c.tags.isEmpty ? nil : c.tags.joined(separator: " "))
    s.bind(19, messages.count)
    s.bind(20, messages.agent)
    s.bind(21, messages.visitor)
    s.bind(22, messages.json)
  }

  /// A chat's messages as JSON `[{"author":…,"at":ms,"text":…}]`, nil when there are none
  /// (built on the parser threads during ingest, in `Messages`).
  static func messagesJSONText(_ c: Chat) -> String? {
    guard !c.messages.isEmpty else { return nil }
    var out: [UInt8] = [0x5B]
    out.reserveCapacity(64 * c.messages.count)
    for (k, m) in c.messages.enumerated() {
      if k > 0 { out.append(0x2C) }
      out.append(contentsOf: #"{"author":""#.utf8)
      out.append(contentsOf: m.author.rawValue.utf8)
      out.append(contentsOf: #"","at":"#.utf8)
      appendDecimal(m.at.milliseconds, to: &out)
      out.append(contentsOf: #","text":"#.utf8)
      appendJSONString(m.text, to: &out)
      out.append(0x7D)
    }
    out.append(0x5D)
    return String(decoding: out, as: UTF8.self)
  }

  static func bind(_ a: Article, _ s: Statement) {
    s.bind(1, a.source)
    s.bind(2, a.id)
    s.bind(3, a.title)
    s.bind(4, a.body)
    s.bind(5, a.labels.isEmpty ? nil : a.labels.joined(separator: ", "))
    s.bind(6, a.section)
    s.bind(7, a.locale)
    s.bind(8, a.url)
    s.bind(9, a.draft ? 1 : 0)
    s.bind(10, a.createdAt?.milliseconds)
    s.bind(11, a.updatedAt?.milliseconds)
  }

  static func bind(_ t: SearchTerm, _ s: Statement) {
    s.bind(1, t.source)
    s.bind(2, t.query)
    s.bind(3, t.date?.iso8601 ?? "")
    s.bind(4, t.searches)
    s.bind(5, t.results)
    s.bind(6, t.clicks)
    s.bind(7, t.ticketsCreated)
  }

  static func bind(_ m: TicketMetrics, _ s: Statement) {
    s.bind(1, m.source)
    s.bind(2, m.ticketID)
    s.bind(3, m.updatedAt?.milliseconds)
    s.bind(4, m.solvedAt?.milliseconds)
    s.bind(5, m.reopens)
    s.bind(6, m.replies)
    let v = m.vendorMinutes
    let values = [
      v.firstReply, v.firstReplyBusiness, v.firstResolution, v.firstResolutionBusiness,
      v.fullResolution, v.fullResolutionBusiness, v.agentWait, v.agentWaitBusiness,
      v.requesterWait, v.requesterWaitBusiness, v.onHold, v.onHoldBusiness,
    ]
    for (k, x) in values.enumerated() { s.bind(Int32(7 + k), x) }
  }
}
