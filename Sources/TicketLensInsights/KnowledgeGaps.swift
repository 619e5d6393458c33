import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// How the gap finder reads the data (pipeline `insights:` or `ticketlens gaps` options).
public struct GapSettings: Sendable, Equatable {
  /// A topic needs at least this many tickets and chats in the window (Zendesk Content Cues: 11).
  public var minTickets = 11
  /// The window ends at the as-of instant; the trend compares it with the window before.
  public var windowDays = 28
  /// A topic whose best article covers less than this share of its phrases is a gap.
  public var matchThreshold = 0.5
  /// An article not updated for this many days while its topic grows is listed as stale.
  public var staleDays = 180
  /// Search terms need at least this many searches in the window to be listed.
  public var minSearches = 5
  /// Clusters before merging (0: chosen from the data size).
  public var clusters = 0
  public var seed: UInt64 = 1
  public var threads = 0
  public init() {}
}

/// One topic with its evidence; a gap when `isGap`.
public struct TopicSummary: Sendable, Equatable {
  public var rank = 0
  /// The topic's most distinctive phrases, readable, joined by " / ".
  public var label: String
  public var tickets: Int
  public var chats: Int
  /// Milliseconds of the first contact in the window.
  public var firstSeen: Int64
  /// Relative change of the topic's share of contacts against the previous window (nil when
  /// the previous window had none).
  public var trend: Double?
  public var medianResolutionMinutes: Double?
  public var csat: Double?
  /// Share of scored contacts with negative sentiment (nil when none is scored).
  public var negativeShare: Double?
  public var bestArticleID: String?
  public var bestArticleTitle: String?
  /// Share (0…1) of the topic's phrase weight found in the best article.
  public var matchScore: Double
  /// BM25 of the topic's phrases against the best article (FTS5; higher is better).
  public var bm25: Double?
  public var exampleIDs: [String]
  public var suggestedTitle: String
  public var impact: Double
  public var isGap: Bool
  /// Members' keys (`source/id`), for evaluation and drill-down.
  public var members: [String]
}

/// A search term customers tried that the help center does not answer.
public struct SearchGap: Sendable, Equatable {
  public var query: String
  public var searches: Int
  public var reason: String
  public var ticketsCreated: Int?
}

/// An article whose topic is growing while the article has not been touched for a long time.
public struct StaleArticle: Sendable, Equatable {
  public var articleID: String
  public var title: String
  public var updated: Int64
  public var topic: String
  public var trend: Double
}

public struct GapAnalysis: Sendable {
  public var windowStart: Int64
  public var windowEnd: Int64
  public var contacts: Int
  /// Every topic with at least `minTickets` contacts, gaps first by rank, then covered topics.
  public var topics: [TopicSummary]
  public var gaps: [TopicSummary] { topics.filter(\.isGap) }
  public var searchGaps: [SearchGap]
  public var staleArticles: [StaleArticle]
}

/// Finds knowledge gaps: clusters tickets and chats into topics, matches each topic against the
/// knowledge base through the FTS5 index, and ranks the topics no article covers by impact
/// (volume × (1 − match) × relative resolution cost). See METRICS.md, "Knowledge gaps".
public enum KnowledgeGapFinder {
  public static func analyze(warehouse: Warehouse, asOf: Int64, settings: GapSettings) throws
    -> GapAnalysis
  {
    let day: Int64 = 86_400_000
    let end = asOf + 1
    let start = end - Int64(settings.windowDays) * day
    let previousStart = start - Int64(settings.windowDays) * day
    let all = try warehouse.contactTexts(from: previousStart, to: end)
    let vectors = TermVectors(
      texts: all.map(\.text), minDF: 3, maxShare: 0.3, threads: settings.threads)
    let currentIdx = all.indices.filter { all[$0].created >= start }
    let current = currentIdx.map { all[$0] }
    let windowVectors = vectors.subset(currentIdx)
    let k =
      settings.clusters > 0
      ? settings.clusters
      : max(
        2,
        min(48, Int((Double(current.count) / Double(max(1, settings.minTickets))).squareRoot() * 2))
      )
    let clustering = TopicClustering(
      vectors: windowVectors, k: k, seed: settings.seed, threads: settings.threads)
    // Previous-window contacts go to their nearest topic (for the trend).
    var previousCounts = [Int](repeating: 0, count: clustering.centroids.count)
    var previousTotal = 0
    for (i, c) in all.enumerated() where c.created < start {
      previousTotal += 1
      if let j = clustering.nearest(vectors.documents[i]) { previousCounts[j] += 1 }
    }
    var members = [[Int]](repeating: [], count: clustering.centroids.count)
    for (pos, j) in clustering.assignment.enumerated() where j >= 0 { members[j].append(pos) }
    let articles = try warehouse.articleTexts()
    let articleByKey = Dictionary(
      articles.map { ($0.source + "/" + $0.id, $0) }, uniquingKeysWith: { a, _ in a })
    let tokenizer = Tokenizer(maxNGram: 2)
    var articleTerms: [String: Set<String>] = [:]
    let allResolution = current.compactMap(\.resolutionMinutes).sorted()
    let overallResolution = Quantiles.quantile(sorted: allResolution, 0.5) ?? 0
    var topics: [TopicSummary] = []
    for (j, idx) in members.enumerated() where idx.count >= settings.minTickets {
      let contacts = idx.map { current[$0] }
      // Distinctive terms: centroid weight, preferring phrases customers share.
      let centroid = clustering.centroids[j]
      let top = centroid.indices.filter { centroid[$0] > 0 }
        .sorted { (centroid[$0], vectors.terms[$1]) > (centroid[$1], vectors.terms[$0]) }
        .prefix(10)
      let weights = top.map { centroid[$0] }
      let topTerms = top.map { vectors.terms[$0] }
      var labelParts: [String] = []
      for t in topTerms where labelParts.count < 3 {
        let r = vectors.readable(t)
        if !labelParts.contains(where: { $0.contains(r) || r.contains($0) }) {
          labelParts.append(r)
        }
      }
      // Candidate articles from FTS5, then phrase coverage as the match.
      let query = topTerms.prefix(6).map { vectors.readable($0) }.joined(separator: " ")
      let candidates = try warehouse.searchArticles(query, limit: 5)
      var best: (key: String, title: String, match: Double, bm25: Double)?
      for c in candidates {
        let key = c.source + "/" + c.id
        guard let a = articleByKey[key] else { continue }
        let terms =
          articleTerms[key]
          ?? Set(tokenizer.terms(a.title + "\n" + a.labels + "\n" + a.body))
        articleTerms[key] = terms
        var covered = 0.0
        for (t, w) in zip(topTerms, weights) where terms.contains(t) { covered += w }
        let match = covered / max(1e-12, weights.reduce(0, +))
        if match > (best?.match ?? -1) { best = (key, a.title, match, c.score) }
      }
      let match = best?.match ?? 0
      let resolution = contacts.compactMap(\.resolutionMinutes).sorted()
      let median = Quantiles.quantile(sorted: resolution, 0.5)
      let rated = contacts.compactMap(\.rating)
      let scored = contacts.compactMap(\.sentiment)
      let share = Double(idx.count) / Double(max(1, current.count))
      let previousShare = Double(previousCounts[j]) / Double(max(1, previousTotal))
      let cost = (median.map { overallResolution > 0 ? $0 / overallResolution : 1 } ?? 1)
      // Examples: the members closest to the centroid.
      let examples = idx.filter { current[$0].kind == .ticket }
        .map { pos -> (Double, String) in
          var s = 0.0
          for (t, w) in windowVectors.documents[pos] { s += w * centroid[t] }
          return (s, current[pos].source + "/" + current[pos].id)
        }
        .sorted { ($0.0, $1.1) > ($1.0, $0.1) }
        .prefix(5).map(\.1)
      topics.append(
        TopicSummary(
          label: labelParts.joined(separator: " / "),
          tickets: contacts.count { $0.kind == .ticket },
          chats: contacts.count { $0.kind == .chat },
          firstSeen: contacts.map(\.created).min() ?? start,
          trend: previousShare > 0 ? share / previousShare - 1 : nil,
          medianResolutionMinutes: median,
          csat: rated.isEmpty ? nil : Double(rated.count { $0 == "good" }) / Double(rated.count),
          negativeShare: scored.isEmpty
            ? nil : Double(scored.count { $0 == "negative" }) / Double(scored.count),
          bestArticleID: best.map { articleByKey[$0.key]!.id },
          bestArticleTitle: best?.title, matchScore: match, bm25: best?.bm25,
          exampleIDs: Array(examples),
          suggestedTitle: suggestedTitle(contacts),
          impact: Double(idx.count) * (1 - match) * cost,
          isGap: match < settings.matchThreshold,
          members: contacts.map { $0.source + "/" + $0.id }.sorted()))
    }
    topics.sort {
      if $0.isGap != $1.isGap { return $0.isGap }
      if $0.impact != $1.impact { return $0.impact > $1.impact }
      return $0.label < $1.label
    }
    for i in topics.indices { topics[i].rank = i + 1 }
    // Search terms with no results or no clicks.
    let fromDate = CivilDate(daysSinceEpoch: Int(start.floorDiv(day))).description
    let toDate = CivilDate(daysSinceEpoch: Int(asOf.floorDiv(day))).description
    let searchGaps = try warehouse.searchTermSummaries(from: fromDate, to: toDate)
      .filter { $0.searches >= settings.minSearches }
      .compactMap { s -> SearchGap? in
        if s.results == 0 {
          return SearchGap(
            query: s.query, searches: s.searches, reason: "no results",
            ticketsCreated: s.ticketsCreated)
        }
        if let r = s.results, r > 0, s.clicks == 0 {
          return SearchGap(
            query: s.query, searches: s.searches, reason: "no clicks",
            ticketsCreated: s.ticketsCreated)
        }
        return nil
      }
    // Stale articles: the best article of a growing covered topic, untouched for staleDays.
    var stale: [StaleArticle] = []
    for t in topics where !t.isGap {
      guard let trend = t.trend, trend > 0.1, let id = t.bestArticleID,
        let a = articles.first(where: { $0.id == id }), let updated = a.updated,
        updated < asOf - Int64(settings.staleDays) * day
      else { continue }
      stale.append(
        StaleArticle(articleID: id, title: a.title, updated: updated, topic: t.label, trend: trend))
    }
    return GapAnalysis(
      windowStart: start, windowEnd: asOf, contacts: current.count, topics: topics,
      searchGaps: searchGaps, staleArticles: stale)
  }

  /// The subject line customers use most for the topic, as a starting title for the article.
  static func suggestedTitle(_ contacts: [ContactText]) -> String {
    var counts: [String: Int] = [:]
    for c in contacts where c.kind == .ticket {
      let subject = c.text.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
      if !subject.isEmpty { counts[subject, default: 0] += 1 }
    }
    guard let top = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else {
      return ""
    }
    return top
  }
}

extension TermVectors {
  /// The vectors of some documents (same vocabulary), in the given order.
  func subset(_ indices: [Int]) -> TermVectors {
    var v = self
    v.documents = indices.map { documents[$0] }
    return v
  }
}
