import TicketLensMetrics
import TicketLensModel

extension GapAnalysis {
  /// The gap list with the columns METRICS.md names, best first; `top` limits the rows.
  public func gapTable(top: Int? = nil) -> MetricTable {
    func real(_ d: Double?) -> Cell { d.map(Cell.real) ?? .null }
    let rows = gaps.prefix(top ?? Int.max).map { t -> [Cell] in
      [
        .int(t.rank), .text(t.label), .int(t.tickets), .int(t.chats),
        .text(Instant(milliseconds: t.firstSeen).iso8601), real(t.trend),
        real(t.medianResolutionMinutes), real(t.csat), real(t.negativeShare),
        t.bestArticleID.map(Cell.text) ?? .null, t.bestArticleTitle.map(Cell.text) ?? .null,
        .real(t.matchScore), t.articleAnswers.map(Cell.text) ?? .null,
        .text(t.missingTerms.joined(separator: ", ")), .text(t.exampleIDs.joined(separator: " ")),
        .text(t.suggestedTitle),
      ]
    }
    return MetricTable(
      metric: "knowledge_gaps",
      columns: [
        "rank", "topic", "tickets", "chats", "first_seen", "trend", "median_resolution_minutes",
        "csat", "negative_share", "best_article_id", "best_article_title", "match_score",
        "article_answers", "missing_terms", "example_ticket_ids", "suggested_title",
      ], rows: Array(rows))
  }

  /// Every topic (gaps and covered), for the report's topic overview.
  public func topicTable() -> MetricTable {
    MetricTable(
      metric: "topics",
      columns: [
        "topic", "contacts", "trend", "best_article_title", "match_score", "gap",
        "example_ticket_ids",
      ],
      rows: topics.map { t in
        [
          .text(t.label), .int(t.tickets + t.chats), t.trend.map(Cell.real) ?? .null,
          t.bestArticleTitle.map(Cell.text) ?? .null, .real(t.matchScore),
          .text(t.isGap ? "yes" : "no"), .text(t.exampleIDs.joined(separator: " ")),
        ]
      })
  }

  /// Every topic's contacts, one row each (drill-down: which tickets and chats a topic holds),
  /// topics in rank order, contacts by key. A window read as a sample lists the sample's
  /// contacts (the topics' counts are scaled to the window; `sampled`).
  public func memberTable() -> MetricTable {
    MetricTable(
      metric: "topic_members", columns: ["rank", "topic", "gap", "contact"],
      rows: topics.flatMap { t in
        t.members.map { m -> [Cell] in
          [.int(t.rank), .text(t.label), .text(t.isGap ? "yes" : "no"), .text(m)]
        }
      })
  }

  /// Search terms with no results or no clicks.
  public func searchGapTable() -> MetricTable {
    MetricTable(
      metric: "search_gaps", columns: ["query", "searches", "reason", "tickets_created"],
      rows: searchGaps.map {
        [
          .text($0.query), .int($0.searches), .text($0.reason),
          $0.ticketsCreated.map(Cell.int) ?? .null,
        ]
      })
  }

  /// Articles of growing topics not updated for `staleDays`.
  public func staleArticleTable() -> MetricTable {
    MetricTable(
      metric: "stale_articles", columns: ["article_id", "title", "updated_at", "topic", "trend"],
      rows: staleArticles.map {
        [
          .text($0.articleID), .text($0.title), .text(Instant(milliseconds: $0.updated).iso8601),
          .text($0.topic), .real($0.trend),
        ]
      })
  }
}
