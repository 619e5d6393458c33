/// One contact's text as the insights read it: a ticket (subject and description) or a chat
/// (the visitor's messages).
public struct ContactText: Sendable, Equatable {
  public enum Kind: String, Sendable { case ticket, chat }
  public var kind: Kind
  public var source: String
  public var id: String
  public var text: String
  /// Milliseconds since 1970 (UTC).
  public var created: Int64
  /// Full resolution in minutes, when solved.
  public var resolutionMinutes: Double?
  /// `good`, `bad` or nil (not rated).
  public var rating: String?
  /// `negative`, `neutral`, `positive`, or nil when not scored yet.
  public var sentiment: String? = nil
}

/// A knowledge-base article, as the gap finder needs it.
public struct ArticleText: Sendable, Equatable {
  public var source: String
  public var id: String
  public var title: String
  public var labels: String
  public var body: String
  /// Milliseconds since 1970, or nil when the export did not say.
  public var updated: Int64?
}

/// One help-center search term, summed over its dates in a window.
public struct SearchTermSummary: Sendable, Equatable {
  public var query: String
  public var searches: Int
  public var results: Int?
  public var clicks: Int?
  public var ticketsCreated: Int?
}

extension Warehouse {
  /// A ticket's text for the insights: subject and description.
  static let ticketTextSQL = "coalesce(subject, '') || char(10) || coalesce(description, '')"
  /// A chat's text for the insights: the visitor's messages, one per line.
  static let chatTextSQL = """
    (SELECT group_concat(json_extract(m.value, '$.text'), char(10)) FROM json_each(
      CASE WHEN json_valid(messages) THEN messages ELSE '[]' END) AS m
     WHERE json_extract(m.value, '$.author') = 'visitor')
    """

  /// The modulus of `contactTexts`' sample: a row is in a sample of `keep` when
  /// `rowid × 2654435761 mod 1000003 < keep` (a fixed scattering of row ids, so a row stays in
  /// or out of the sample from run to run, and new rows join at the same rate).
  public static let sampleModulus = 1_000_003

  /// Tickets (not excluded) and chats created in `[from, to)`.
  public func contactCount(from: Int64, to: Int64) throws(WarehouseError) -> Int {
    let t = try connection.prepare(
      """
      SELECT (SELECT count(*) FROM tickets
        WHERE excluded IS NULL AND created_at >= ?1 AND created_at < ?2)
        + (SELECT count(*) FROM chats WHERE started_at >= ?1 AND started_at < ?2)
      """)
    t.bind(1, from)
    t.bind(2, to)
    guard try t.step() else { return 0 }
    return Int(t.int64(0))
  }

  /// Tickets (not excluded) and chats created in `[from, to)` (milliseconds), in key order;
  /// with `sample`, only the rows in a sample of that many in `sampleModulus`.
  public func contactTexts(from: Int64, to: Int64, sample: Int? = nil) throws(WarehouseError)
    -> [ContactText]
  {
    let keep = sample.map { "AND (rowid * 2654435761) % \(Self.sampleModulus) < \($0)" } ?? ""
    var out: [ContactText] = []
    let t = try connection.prepare(
      """
      SELECT source, id, \(Self.ticketTextSQL),
        created_at, CASE WHEN solved_at >= created_at THEN (solved_at - created_at) / 60000.0 END,
        CASE WHEN satisfaction IN ('good', 'bad') THEN satisfaction END, sentiment
      FROM tickets WHERE excluded IS NULL AND created_at >= ? AND created_at < ? \(keep)
      ORDER BY source, id
      """)
    t.bind(1, from)
    t.bind(2, to)
    while try t.step() {
      out.append(
        ContactText(
          kind: .ticket, source: t.text(0) ?? "", id: t.text(1) ?? "", text: t.text(2) ?? "",
          created: t.int64(3), resolutionMinutes: t.isNull(4) ? nil : t.double(4),
          rating: t.text(5), sentiment: t.text(6)))
    }
    let c = try connection.prepare(
      """
      SELECT source, id,
        \(Self.chatTextSQL),
        started_at, CASE WHEN ended_at >= started_at THEN (ended_at - started_at) / 60000.0 END,
        CASE WHEN satisfaction IN ('good', 'bad') THEN satisfaction END, sentiment
      FROM chats WHERE started_at >= ? AND started_at < ? \(keep) ORDER BY source, id
      """)
    c.bind(1, from)
    c.bind(2, to)
    while try c.step() {
      out.append(
        ContactText(
          kind: .chat, source: c.text(0) ?? "", id: c.text(1) ?? "", text: c.text(2) ?? "",
          created: c.int64(3), resolutionMinutes: c.isNull(4) ? nil : c.double(4),
          rating: c.text(5), sentiment: c.text(6)))
    }
    return out
  }

  /// Published (non-draft) articles in key order.
  public func articleTexts() throws(WarehouseError) -> [ArticleText] {
    let st = try connection.prepare(
      """
      SELECT source, id, title, coalesce(labels, ''), body, updated_at FROM articles
      WHERE draft = 0 ORDER BY source, id
      """)
    var out: [ArticleText] = []
    while try st.step() {
      out.append(
        ArticleText(
          source: st.text(0) ?? "", id: st.text(1) ?? "", title: st.text(2) ?? "",
          labels: st.text(3) ?? "", body: st.text(4) ?? "",
          updated: st.isNull(5) ? nil : st.int64(5)))
    }
    return out
  }

  /// Search terms summed over dates in `[from, to]` (ISO dates), most searched first.
  public func searchTermSummaries(from: String, to: String) throws(WarehouseError)
    -> [SearchTermSummary]
  {
    let st = try connection.prepare(
      """
      SELECT query, sum(searches), sum(results), sum(clicks), sum(tickets_created)
      FROM search_terms WHERE date >= ? AND date <= ?
      GROUP BY query ORDER BY sum(searches) DESC, query
      """)
    st.bind(1, from)
    st.bind(2, to)
    var out: [SearchTermSummary] = []
    while try st.step() {
      out.append(
        SearchTermSummary(
          query: st.text(0) ?? "", searches: Int(st.int64(1)),
          results: st.isNull(2) ? nil : Int(st.int64(2)),
          clicks: st.isNull(3) ? nil : Int(st.int64(3)),
          ticketsCreated: st.isNull(4) ? nil : Int(st.int64(4))))
    }
    return out
  }
}

/// A ticket or chat whose sentiment is missing or was scored for an older version of the row.
public struct SentimentPending: Sendable {
  public var isChat: Bool
  public var rowid: Int64
  public var loadID: Int64
  /// Ticket: subject and description; chat: the visitor's messages.
  public var text: String
}

extension Warehouse {
  /// A value of the `insight_state` table (scorer versions, generations, keys); nil when absent.
  func insightState(_ key: String) throws(WarehouseError) -> Int64? {
    let st = try connection.prepare("SELECT value FROM insight_state WHERE key = ?")
    st.bind(1, key)
    guard try st.step() else { return nil }
    return st.int64(0)
  }

  /// Marks every row for rescoring when the scorer's version differs from the one that scored
  /// them (a lexicon or rule change); returns whether it did.
  @discardableResult
  public func invalidateSentiment(unlessVersion version: Int) throws(WarehouseError) -> Bool {
    let stored = try insightState("sentiment_version")
    guard stored.map(Int.init) != version else { return false }
    try connection.immediateTransaction { () throws(WarehouseError) in
      try connection.execute("UPDATE tickets SET sentiment_load_id = NULL")
      try connection.execute("UPDATE chats SET sentiment_load_id = NULL")
      try connection.execute(
        "INSERT OR REPLACE INTO insight_state VALUES ('sentiment_version', \(version))")
    }
    return true
  }

  /// Rows needing a (new) sentiment score, in rowid order.
  public func sentimentPending() throws(WarehouseError) -> [SentimentPending] {
    var out: [SentimentPending] = []
    let t = try connection.prepare(
      """
      SELECT rowid, load_id, \(Self.ticketTextSQL)
      FROM tickets WHERE sentiment_load_id IS NOT load_id ORDER BY rowid
      """)
    while try t.step() {
      out.append(
        SentimentPending(
          isChat: false, rowid: t.int64(0), loadID: t.int64(1), text: t.text(2) ?? ""))
    }
    let c = try connection.prepare(
      """
      SELECT rowid, load_id,
        \(Self.chatTextSQL)
      FROM chats WHERE sentiment_load_id IS NOT load_id ORDER BY rowid
      """)
    while try c.step() {
      out.append(
        SentimentPending(isChat: true, rowid: c.int64(0), loadID: c.int64(1), text: c.text(2) ?? "")
      )
    }
    return out
  }

  /// Stores scores (score in [-1, 1], label) for pending rows in one transaction and bumps the
  /// sentiment generation so that cached metric columns are rebuilt.
  public func storeSentiment(_ rows: [(SentimentPending, Double, String)]) throws(WarehouseError) {
    guard !rows.isEmpty else { return }
    try connection.immediateTransaction { () throws(WarehouseError) in
      let t = try connection.prepare(
        "UPDATE tickets SET sentiment = ?, sentiment_score = ?, sentiment_load_id = ? WHERE rowid = ?"
      )
      let c = try connection.prepare(
        "UPDATE chats SET sentiment = ?, sentiment_score = ?, sentiment_load_id = ? WHERE rowid = ?"
      )
      for (p, score, label) in rows {
        let st = p.isChat ? c : t
        st.reset()
        st.bind(1, label)
        st.bind(2, score)
        st.bind(3, p.loadID)
        st.bind(4, p.rowid)
        _ = try st.step()
      }
      try connection.execute(
        "UPDATE insight_state SET value = value + 1 WHERE key = 'sentiment_generation'")
    }
  }
}

/// A ticket the team should look at again, and why.
public struct FollowUp: Sendable, Equatable {
  public var source: String
  public var id: String
  public var subject: String
  public var status: String
  public var priority: String?
  public var assignee: String?
  /// Why it is listed: `pending`, `negative` or `bad_rating`.
  public var reason: String
  /// Days since the ticket's last update, at the as-of instant.
  public var daysWaiting: Double
  public var sentiment: String?
}

extension Warehouse {
  /// Tickets waiting on the customer longer than `pendingDays`; unresolved tickets whose
  /// customer sounds negative; solved tickets rated bad with no update since the solve. A ticket
  /// matching several rules is listed once, under the first. Bad ratings count when the ticket
  /// was solved within `badRatingDays`.
  public func followUps(asOf: Int64, pendingDays: Double, badRatingDays: Double = 14)
    throws(WarehouseError) -> [FollowUp]
  {
    let st = try connection.prepare(
      """
      SELECT source, id, coalesce(subject, ''), status, priority, assignee, sentiment,
        (? - coalesce(updated_at, created_at)) / 86400000.0 AS days,
        CASE
          WHEN status = 'waiting_on_customer' AND (? - coalesce(updated_at, created_at)) > ?
            THEN 'pending'
          WHEN status IN ('new', 'open', 'waiting_on_customer', 'on_hold')
            AND sentiment = 'negative' THEN 'negative'
          WHEN status IN ('solved', 'closed') AND satisfaction = 'bad'
            AND coalesce(updated_at, created_at) <= coalesce(solved_at, 0) + 60000
            AND solved_at >= ? THEN 'bad_rating'
        END AS reason
      FROM tickets WHERE excluded IS NULL AND created_at <= ? AND reason IS NOT NULL
      ORDER BY source, id
      """)
    st.bind(1, asOf)
    st.bind(2, asOf)
    st.bind(3, Int64(pendingDays * 86_400_000))
    st.bind(4, asOf - Int64(badRatingDays * 86_400_000))
    st.bind(5, asOf)
    var out: [FollowUp] = []
    while try st.step() {
      out.append(
        FollowUp(
          source: st.text(0) ?? "", id: st.text(1) ?? "", subject: st.text(2) ?? "",
          status: st.text(3) ?? "", priority: st.text(4), assignee: st.text(5),
          reason: st.text(8) ?? "", daysWaiting: st.double(7), sentiment: st.text(6)))
    }
    return out
  }
}

extension Warehouse {
  /// The ids of the tickets (not excluded) or chats the metric columns hold, in their row order
  /// (source, id).
  public func recordIDs(chats: Bool) throws(WarehouseError) -> [String] {
    let st = try connection.prepare(
      chats
        ? "SELECT id FROM chats ORDER BY source, id"
        : "SELECT id FROM tickets WHERE excluded IS NULL ORDER BY source, id")
    var out: [String] = []
    while try st.step() { out.append(st.text(0) ?? "") }
    return out
  }
}
