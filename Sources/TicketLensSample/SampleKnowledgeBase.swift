import TicketLensModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The generated knowledge base: Help Center articles for the covered topics, a few Markdown
/// articles, and a search log whose queries for uncovered topics find nothing.
public enum SampleKnowledgeBase {
  /// Topics that have an article (the gap finder must not list these).
  public static var coveredTopics: [String] { Topics.all.filter(\.covered).map(\.name) }
  /// Topics without an article (the knowledge gaps).
  public static var uncoveredTopics: [String] { Topics.all.filter { !$0.covered }.map(\.name) }

  static let titles: [String: String] = [
    "refund": "Requesting a refund for a double charge",
    "password": "Resetting your password and unlocking your account",
    "shipping": "Tracking a delivery and reporting a lost parcel",
    "invoice": "Downloading invoices and changing the billing address",
    "cancel": "Cancelling or downgrading your subscription",
  ]

  /// `{"articles": [...]}` in the Help Center API shape, HTML bodies.
  public static func helpCenterJSON() -> String {
    var items: [String] = []
    var id = 360_045_678_900
    for t in Topics.all where t.covered {
      id += 1
      let body =
        "<h2>\(XMLEscape.text(titles[t.name]!))</h2><p>"
        + t.sentences.map { XMLEscape.text($0.replacingOccurrences("{x}", t.fillers[0])) }
        .joined(separator: " ")
        + "</p><ol><li>Open <strong>Settings &gt; \(t.group.capitalized)</strong>.</li><li>Follow the steps for "
        + XMLEscape.text(t.subjects[0].replacingOccurrences("{x}", t.fillers[0]).lowercased())
        + ".</li></ol><script>alert('never run')</script>"
      items.append(
        "{\"id\":\(id),\"title\":\(JSONQuote.quote(titles[t.name]!)),\"body\":\(JSONQuote.quote(body)),"
          + "\"locale\":\"en-us\",\"section_id\":\(JSONQuote.quote(t.group)),\"label_names\":[\(t.tags.map(JSONQuote.quote).joined(separator: ","))],"
          + "\"html_url\":\"https://help.example.com/hc/en-us/articles/\(id)\",\"draft\":false,"
          + "\"created_at\":\"2025-06-10T12:00:00Z\",\"updated_at\":\"2025-11-0\(id % 9 + 1)T09:30:11Z\"}"
      )
    }
    return "{\"articles\":[\n" + items.joined(separator: ",\n")
      + "\n],\"next_page\":null,\"count\":\(items.count)}\n"
  }

  /// Markdown articles with front matter (file name → content).
  public static func markdownArticles() -> [(String, String)] {
    [
      (
        "two-factor-login.md",
        """
        ---
        title: Signing in with two-factor authentication
        labels: [login, password, security]
        section: Accounts
        updated_at: 2025-12-01T10:00:00Z
        ---
        # Signing in with two-factor authentication

        If the **login page** says *invalid credentials* after you enabled two-factor login,
        request a new code and [reset your password](https://help.example.com/reset) if needed.

        """
      ),
      (
        "delivery-times.md",
        """
        ---
        title: Delivery times by region
        labels:
          - shipping
          - delivery
        ---
        Express shipping arrives in 1–2 business days; standard in 3–5. The tracking number
        updates once the courier scans the parcel.

        """
      ),
    ]
  }

  /// A search log: queries, searches, results, clicks, tickets created, per day.
  public static func searchTermsCSV(days: Int, start: CivilDate, seed: UInt64) -> String {
    var r = RandomSource(seed: seed ^ 0xABCD)
    var lines = ["date,search_term,locale,searches,results,clicks,tickets_created"]
    for d in stride(from: 0, to: days, by: 7) {
      let day = start.adding(days: d).iso8601
      for t in Topics.all {
        let query = t.subjects[r.int(0..<t.subjects.count)].replacingOccurrences("{x}", "")
          .lowercased()
          .split(separator: " ").prefix(3).joined(separator: " ")
        let searches = 5 + r.int(0..<40)
        let results = t.covered ? 1 + r.int(0..<4) : 0
        let clicks = t.covered ? r.int(0..<searches / 2 + 1) : 0
        let tickets = t.covered ? r.int(0..<3) : 1 + r.int(0..<6)
        let cell = query.contains(",") ? "\"\(query)\"" : query
        lines.append("\(day),\(cell),en-us,\(searches),\(results),\(clicks),\(tickets)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension SampleGenerator {
  /// Freshdesk's UI export CSV (display labels) for the first `count` tickets.
  public func freshdeskCSV(count: Int) -> String {
    var w = SampleWriter(format: .genericCSV, zone: .utc)
    var out =
      "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Last update time,"
      + "Resolved time,Initial response time,Tags,Full name,Email,First response time (in hrs),Agent interactions\n"
    for i in 0..<count {
      let t = ticket(i)
      let status =
        [
          "new": "Open", "open": "Open", "pending": "Pending", "hold": "Pending",
          "solved": "Resolved", "closed": "Closed",
        ][t.status] ?? "Open"
      let priority = t.priority.map { $0 == "normal" ? "Medium" : $0.capitalized } ?? "Low"
      let source =
        ["email": "Email", "web": "Portal", "chat": "Chat", "phone": "Phone", "api": "Portal"][
          t.channel ?? "web"] ?? "Portal"
      let hours = t.firstReply.map { String(Double(($0 - t.created) / 36) / 100) } ?? ""
      w.bytes.removeAll(keepingCapacity: true)
      w.line([
        String(t.id), t.subject, status, priority, source, "Question",
        t.assignee.map { Self.agentNames[$0] } ?? "", t.group?.capitalized ?? "", fmt(t.created),
        fmt(t.updated), t.solved.map(fmt) ?? "", t.firstReply.map(fmt) ?? "",
        t.tags.joined(separator: ","), "Customer \(t.requester)",
        "customer\(t.requester)@example.org",
        hours, String(t.replies),
      ])
      out += String(decoding: w.bytes, as: UTF8.self)
    }
    return out
  }

  /// Freshdesk's CSV writes `YYYY-MM-DD HH:MM:SS` (UTC here).
  func fmt(_ s: Int64) -> String {
    let iso = Instant(seconds: s).iso8601
    return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
  }
}
