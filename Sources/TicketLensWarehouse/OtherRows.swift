import TicketLensModel

/// A table loaded with the same newer-wins upsert and accounting as `tickets`.
struct TableSpec {
  var table: String
  var columns: [String]
  /// Key columns after `source`.
  var key: [String]
  /// When an incoming row replaces the stored one (SQL over `excluded` and the table).
  var replaceWhen: String
  /// Columns most exports never fill, left out of the shorter upsert (`extras: false`) for
  /// batches that have none of them (tickets: vendor minutes, derived waits, exclusion).
  var extraColumns: Set<String> = []
  /// Whether rows may come with their sentiment (`sentiment`, `sentiment_score` after the
  /// columns; `sentiment_load_id` set to the load when a row has one, else NULL).
  var scoresSentiment = false

  var upsertSQL: String { upsertSQL() }

  /// Insert, or replace the stored version only when this one is newer; an update records the
  /// replaced version's load in `previous_load_id` (and sets every column, an extra column not
  /// inserted to NULL). `rows` rows per statement: row g's parameters are numbered
  /// `g * (columns.count + 1)` higher; parameters keep their numbers in the shorter form.
  func upsertSQL(rows: Int = 1, extras: Bool = true) -> String {
    let scored = scoresSentiment ? ["sentiment", "sentiment_score"] : []
    let all = columns + scored + ["load_id"]
    let used = all.indices.filter { extras || !extraColumns.contains(all[$0]) }
    let computed = scoresSentiment ? ["sentiment_load_id"] : []
    let updates = (all + computed).filter { !key.contains($0) && $0 != "source" }.map {
      "\($0) = excluded.\($0)"
    }
    .joined(separator: ", ")
    // The sentiment's load: the row's load when it comes with a sentiment.
    let sentimentLoad: (Int) -> [String] = { g in
      guard self.scoresSentiment else { return [] }
      let label = self.columns.count + 1 + g * all.count
      return ["CASE WHEN ?\(label) IS NULL THEN NULL ELSE ?\(all.count + g * all.count) END"]
    }
    return """
      INSERT INTO \(table) (\((used.map { all[$0] } + computed).joined(separator: ", ")))
      VALUES \(valuesList(used, rows: rows, stride: all.count, computed: sentimentLoad))
      ON CONFLICT (source, \(key.joined(separator: ", "))) DO UPDATE SET \(updates),
        previous_load_id = \(table).load_id
      WHERE \(replaceWhen)
      """
  }

  /// The full upsert and, for a table with extra columns, the shorter one.
  func upserts(rows: Int = 1) -> (full: String, plain: String?) {
    (
      upsertSQL(rows: rows),
      extraColumns.isEmpty ? nil : upsertSQL(rows: rows, extras: false)
    )
  }

  var lookupSQL: String {
    "SELECT load_id, previous_load_id FROM \(table) WHERE source = ?1 AND "
      + key.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: " AND ")
  }

  static let tickets = TableSpec(
    table: "tickets", columns: TicketRow.columns, key: ["id"],
    replaceWhen: """
      coalesce(excluded.updated_at, excluded.created_at)
        > coalesce(tickets.updated_at, tickets.created_at)
      """,
    extraColumns: Set(
      TicketRow.columns.filter { $0.hasPrefix("vendor_") }
        + ["requester_wait_minutes", "agent_wait_minutes", "on_hold_minutes", "excluded"]),
    scoresSentiment: true)

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
      """, scoresSentiment: true)

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

/// How a `Chat` maps to a row of the `chats` table (`TableSpec.chats`).
enum ChatRow {
  /// Parameter numbers of the encoded columns, in `EncodedRows.append(_: Chat)` order.
  static let layout = RowLayout(
    texts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 17, 18, 22], ints: [10, 11, 12, 13, 14, 16, 19, 20, 21],
    reals: [], extraTexts: 0, sentiment: 23, load: 25)
}

extension EncodedRows {
  mutating func append(_ c: Chat) {
    put(c.source)
    put(c.id)
    put(c.type)
    put(c.visitorID)
    put(c.visitorName)
    put(c.visitorEmail)
    put(c.agentID)
    put(c.agentName)
    put(c.group)
    put(c.satisfaction?.rawValue)
    put(c.ticketID)
    putTags(c.tags)
    // The messages as JSON `[{"author":…,"at":ms,"text":…}]`, NULL when there are none.
    if c.messages.isEmpty {
      putNull()
    } else {
      putBytes { out in
        out.append(0x5B)
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
      }
    }
    putInt(c.startedAt.milliseconds)
    putInt(c.firstAgentMessageAt?.milliseconds)
    putInt(c.endedAt?.milliseconds)
    putInt(c.updatedAt?.milliseconds)
    putInt(c.missed.map { $0 ? 1 : 0 })
    putInt(c.rating.map(Int64.init))
    var agent: Int64 = 0
    var visitor: Int64 = 0
    for m in c.messages {
      if m.author == .agent { agent += 1 } else if m.author == .visitor { visitor += 1 }
    }
    putInt(Int64(c.messages.count))
    putInt(agent)
    putInt(visitor)
    endRow(id: c.id)
  }
}

/// `(?1, ?2, …), (?44, ?45, …)`: the parameters of `columns` (0-based column positions) for
/// `rows` rows, row g numbered `g * stride` higher.
func valuesList(
  _ columns: [Int], rows: Int, stride: Int, computed: (Int) -> [String] = { _ in [] }
) -> String {
  (0..<rows).map { g in
    "(" + (columns.map { "?\($0 + 1 + g * stride)" } + computed(g)).joined(separator: ", ") + ")"
  }.joined(separator: ", ")
}

/// Binding of the other non-ticket records, in `TableSpec` column order.
public enum OtherRows {
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
