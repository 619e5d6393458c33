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
  /// The similarities below are on the window's own scale (`GapScale`): 0 is the mean cosine of
  /// two of the window's contacts (for two topics' centres), or of a contact and an article (for
  /// a topic and an article), 1 is identical. Cosines run higher where every text is long or
  /// says the same things in the same words (complaints, spoken turns), lower for short varied
  /// queries: on this scale a setting means about the same on both. The defaults are the plain
  /// cosines chosen on short queries (whose mean cosine is about a third) carried over.
  ///
  /// A topic whose best article's similarity is below this is a gap whatever else holds (only
  /// far-off topics: how similar "similar" is differs between domains, so coverage is decided
  /// by the rules below, not by a threshold).
  public var matchThreshold = 0.24
  /// An article covers a topic only when the topic is (within this much, on the window's
  /// scale) the one the article answers best: an article nearest to two topics answers one of
  /// them.
  public var coverMargin = 0.045
  /// A topic that another topic beats to its best article is still covered when the two
  /// topics' centres are this alike (window's scale): two phrasings of what the article answers.
  public var fragmentSimilarity = 0.85
  /// An article not updated for this many days while its topic grows is listed as stale.
  public var staleDays = 180
  /// Search terms need at least this many searches in the window to be listed.
  public var minSearches = 5
  /// A topic beaten to its best article is still covered when the article uses at least this
  /// share of the topic's six most distinctive terms.
  public var termShare = 0.67
  /// Gaps whose centres are at least this alike (window's scale), one being the other's nearest
  /// topic, are one gap (phrasings of one need).
  public var gapMergeSimilarity = 0.75
  /// Topic graph: each contact linked to its this many nearest contacts.
  public var neighbours = 10
  /// Louvain resolution of the topic graph (higher: more, smaller topics).
  public var resolution = 2.0
  /// Topics whose centres have at least this cosine (a plain cosine; above 1: never) are merged
  /// into one.
  public var mergeSimilarity = 2.0
  /// At most this many contacts of the window build the topic graph (the rest are assigned to
  /// the nearest topic).
  public var sample = 10_000
  /// A window with more tickets and chats than this is read as an even sample of about this
  /// many (and the window before at the same rate): topics, coverage, labels and examples come
  /// from the sample, and the counts shown are the sample's scaled to the whole window
  /// (`GapAnalysis.sampled`). 0 reads every contact.
  public var maxContacts = 50_000
  /// What turns a text into a vector for topics and coverage (see `TextModel`).
  public var textModel = TextModel.auto
  /// `TextModel.auto` reads a window of at most this many tickets and chats with the sentence
  /// model, a larger one with the static embedding.
  public var sentenceLimit = 10_000
  /// With the sentence model: a topic is covered when the median article mass its members
  /// receive (propagated from the articles' sentences through the graph of contacts) is at
  /// least this share of the median mass over all contacts.
  public var coverMass = 0.6
  public var threads = 0
  public init() {}

  /// The model that reads a window of `contacts` tickets and chats (`auto` resolved).
  public func model(contacts: Int) -> TextModel {
    guard textModel == .auto else { return textModel }
    return contacts <= sentenceLimit ? .sentence : .static
  }

  public enum TextModel: String, Sendable, CaseIterable {
    /// The sentence model for a window of at most `sentenceLimit` contacts (at about 4 ms per
    /// contact, once: its vectors are kept between runs), the static embedding for a larger
    /// one (microseconds per contact: the nightly job at a million tickets stays within its
    /// seconds). On the public gap sets, all small windows, the sentence model lists the same
    /// real gaps or more with fewer covered topics among the first rows.
    case auto
    /// The static embedding distilled from all-MiniLM-L6-v2: microseconds per text; coverage by
    /// the nearest-article rules (`coverMargin`, `fragmentSimilarity`, `termShare`).
    case `static`
    /// all-MiniLM-L6-v2 itself (`SentenceModel`): milliseconds per text, purer topics, and
    /// coverage by label propagation from the articles' sentences.
    case sentence
  }
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
  /// Cosine similarity (sentence vectors) of the topic's centre and its best article.
  public var matchScore: Double
  /// When the best article answers another topic better: that topic's label (why this one is
  /// a gap although an article is near).
  public var articleAnswers: String?
  /// The topic's distinctive terms that its best article never uses, readable.
  public var missingTerms: [String]
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
  /// Tickets and chats in the window.
  public var contacts: Int
  /// When the window was read as a sample: how many of `contacts` it held (topic counts are
  /// the sample's, scaled to the window, so estimates).
  public var sampled: Int?
  /// Every topic with at least `minTickets` contacts, gaps first by rank, then covered topics.
  public var topics: [TopicSummary]
  public var gaps: [TopicSummary] { topics.filter(\.isGap) }
  public var searchGaps: [SearchGap]
  public var staleArticles: [StaleArticle]
  /// With the sentence model: distinct texts (sampled contacts and article sentences) it
  /// embedded, and those whose vectors the last run had kept.
  public var vectorsComputed = 0
  public var vectorsReused = 0
  /// The window's scale and the plain cosines the similarity settings came to on it.
  public var scale = GapScale()
  /// The model that read the window (`auto` resolved).
  public var textModel = GapSettings.TextModel.static
}

/// The window's similarity scale (`GapSettings`): its two zeros, and the plain cosines the
/// similarity settings come to on it.
public struct GapScale: Sendable, Equatable {
  /// The mean cosine of two different contacts of the window: the 0 of the settings that
  /// compare topics' centres.
  public var contacts = 0.0
  /// The mean cosine of a contact of the window and an article: the 0 of the settings that
  /// compare a topic with an article.
  public var articles = 0.0
  /// `matchThreshold`, `coverMargin`, `fragmentSimilarity` and `gapMergeSimilarity` as plain
  /// cosines (the margin as a difference of cosines).
  public var matchFloor = 0.0
  public var coverMargin = 0.0
  public var fragmentSimilarity = 0.0
  public var gapMergeSimilarity = 0.0

  public init() {}

  /// `settings` on the scale whose zeros are `contacts` and `articles`: x ↦ zero + x (1 − zero),
  /// a margin x ↦ x (1 − zero).
  public init(contacts: Double, articles: Double, settings: GapSettings) {
    self.contacts = contacts
    self.articles = articles
    matchFloor = articles + settings.matchThreshold * (1 - articles)
    coverMargin = settings.coverMargin * (1 - articles)
    fragmentSimilarity = contacts + settings.fragmentSimilarity * (1 - contacts)
    gapMergeSimilarity = contacts + settings.gapMergeSimilarity * (1 - contacts)
  }
}

/// Finds knowledge gaps: clusters tickets and chats into topics by meaning (the static sentence
/// embedding), matches each topic against every article by the same vectors, and ranks the
/// topics no article covers by impact (volume × (1 − match) × relative resolution cost). An
/// article covers a topic only when it is near it and the topic is the one it answers best. See
/// README, "Knowledge gaps".
public enum KnowledgeGapFinder {
  /// Bumped whenever a change would list different topics for the same data.
  public static let version = 7

  /// `windowCount`, when the caller has the metric columns at hand, counts the tickets (not
  /// excluded) and chats created in a range as `Warehouse.contactCount` does, without its scan
  /// of both tables (0.35 s at 1M tickets).
  public static func analyze(
    warehouse: Warehouse, asOf: Int64, settings: GapSettings,
    windowCount: (@Sendable (Int64, Int64) -> Int)? = nil
  ) throws -> GapAnalysis {
    let day: Int64 = 86_400_000
    let end = asOf + 1
    let start = end - Int64(settings.windowDays) * day
    let previousStart = start - Int64(settings.windowDays) * day
    let embedding = try StaticEmbedding.shared()
    // A large window is read as a sample (the same rows from run to run).
    let windowTotal = try windowCount?(start, end) ?? warehouse.contactCount(from: start, to: end)
    let model = settings.model(contacts: windowTotal)
    // The sentence model reads at most `sample` contacts (milliseconds each): the topic graph's
    // size, so its cost does not grow with the data.
    let limit =
      model == .sentence
      ? min(settings.maxContacts > 0 ? settings.maxContacts : Int.max, settings.sample)
      : settings.maxContacts
    let keep: Int? =
      limit > 0 && windowTotal > limit
      ? max(1, Int(Double(limit) / Double(windowTotal) * Double(Warehouse.sampleModulus)))
      : nil
    let rate = keep.map { Double($0) / Double(Warehouse.sampleModulus) } ?? 1
    func scaled(_ n: Int) -> Int { keep == nil ? n : Int((Double(n) / rate).rounded()) }
    // The window before (for the trend) is read on a connection of its own while this one reads
    // the window and its topics are made (at 1M tickets: 0.23 s of a serial read off the path).
    let path = warehouse.path
    let previousRead: Background<[ContactText]>? =
      warehouse.isInMemory
      ? nil
      : Background {
        try Warehouse(path: path, readOnly: true, memoryMapped: false)
          .contactTexts(from: previousStart, to: start, sample: keep)
      }
    let current = try warehouse.contactTexts(from: start, to: end, sample: keep)
    // Subjects many tickets share whatever they are about ("Question", "Support request") say
    // nothing of the topic: those tickets are read by their description.
    let parts = Parallel.map(current.count, size: 2048, threads: settings.threads) {
      ticketParts(current[$0])
    }
    let generic = genericSubjects(parts, embedding: embedding, threads: settings.threads)
    let texts = Parallel.map(current.count, size: 2048, threads: settings.threads) {
      topicText(current[$0], parts[$0], generic: generic)
    }
    let staticVectors = embedding.vectors(texts, threads: settings.threads)
    let sentenceModel = model == .sentence ? try SentenceModel.shared() : nil
    let dims = sentenceModel?.dimensions ?? embedding.dimensions
    // The sentence model's vectors kept by the last run are reused (`SentenceVectorCache`;
    // beside a warehouse in memory there is nowhere to keep them).
    var vectorCache = sentenceModel.map {
      SentenceVectorCache(
        path: warehouse.isInMemory ? "" : warehouse.path + ".vectors", dimensions: dims,
        identity: SentenceVectorCache.identity(model: $0))
    }
    let windowVectors =
      sentenceModel.map { vectorCache!.vectors(texts, model: $0, threads: settings.threads) }
      ?? staticVectors
    // The similarity settings are on the window's scale (0: as alike as two of its contacts on
    // average, 1: identical).
    let (background, meanContact) = Self.background(windowVectors, dims: dims)
    var clustering = TopicClustering(
      vectors: windowVectors, dimensions: dims, neighbours: settings.neighbours,
      resolution: settings.resolution, mergeSimilarity: Float(settings.mergeSimilarity),
      sample: settings.sample, threads: settings.threads)
    // Terms of the window's texts, for labels and the terms an article lacks.
    let vectors = TermVectors(
      texts: texts, minDF: 3, maxShare: 0.3, threads: settings.threads)
    // Articles: one vector each, from the title and every sentence the articles do not share.
    let articles = try warehouse.articleTexts()
    let sentences = articleSentences(articles)
    let sentenceVectors =
      sentenceModel.map {
        vectorCache!.vectors(sentences.flatMap { $0 }, model: $0, threads: settings.threads)
      } ?? embedding.vectors(sentences.flatMap { $0 }, threads: 1)
    if !warehouse.isInMemory { vectorCache?.save() }
    let vectorsComputed = vectorCache?.computed ?? 0
    let vectorsReused = vectorCache?.reused ?? 0
    vectorCache = nil
    let sentenceOwner = sentences.enumerated().flatMap { a, s in
      [Int](repeating: a, count: s.count)
    }
    let articleVectors = Self.articleVectors(
      sentenceVectors, owner: sentenceOwner, articles: articles.count, dims: dims)
    // The mean contact–article cosine: the mean contact vector against the mean of the articles
    // that have a vector (an article of no known word has none).
    let (_, meanArticle) = Self.background(articleVectors, dims: dims)
    let scale = GapScale(
      contacts: background,
      articles: min(1, max(0, zip(meanContact, meanArticle).reduce(0) { $0 + $1.0 * $1.1 })),
      settings: settings)
    // Each article's terms, for the terms a topic's best article lacks.
    let tokenizer = Tokenizer(maxNGram: 2)
    let articleTerms = articles.map {
      Set(tokenizer.terms($0.title + "\n" + $0.labels + "\n" + $0.body))
    }
    let allResolution = current.compactMap(\.resolutionMinutes).sorted()
    let overallResolution = Quantiles.quantile(sorted: allResolution, 0.5) ?? 0
    var topics: [TopicSummary] = []
    // Previous-window contacts go to their nearest topic (for the trend); when topics are
    // joined below, with the topic they join. Embedded a block at a time: only their topics
    // are kept.
    let previous =
      try previousRead?.value()
      ?? warehouse.contactTexts(from: previousStart, to: start, sample: keep)
    let previousTotal = previous.count
    var previousTopic: [Int?] = []
    previousTopic.reserveCapacity(previousTotal)
    // With the sentence model the window's topics get centres in the static space too, from
    // their members' static vectors, and the previous window is assigned there (embedding it
    // with the full model would double its cost for a trend).
    var staticTopics = clustering
    if sentenceModel != nil {
      staticTopics.dimensions = embedding.dimensions
      staticTopics = staticTopics.merged([:], vectors: staticVectors)
    }
    for lo in stride(from: 0, to: previousTotal, by: 8192) {
      let block = Parallel.map(
        min(previousTotal, lo + 8192) - lo, size: 2048, threads: settings.threads
      ) { topicText(previous[lo + $0], ticketParts(previous[lo + $0]), generic: generic) }
      let v = embedding.vectors(block, threads: settings.threads)
      previousTopic += staticTopics.nearest(
        v, rows: Array(block.indices), threads: settings.threads)
    }
    // With the sentence model, how much of the articles' label reaches each contact.
    let articleMass =
      sentenceModel == nil
      ? nil
      : Self.propagatedArticleMass(
        windowVectors, dims: dims, sentences: sentenceVectors, owner: sentenceOwner,
        articles: articles.count, sample: settings.sample, threads: settings.threads)
    // Twice at most: gaps that are phrasings of one need (centres alike) are joined into one
    // topic and the topics summarised again.
    for pass in 0..<2 {
      topics = []
      // Previous-window contacts per topic (for the trend).
      var previousCounts = [Int](repeating: 0, count: clustering.count)
      for case let j? in previousTopic { previousCounts[j] += 1 }
      var members = [[Int]](repeating: [], count: clustering.count)
      for (pos, j) in clustering.assignment.enumerated() where j >= 0 { members[j].append(pos) }
      let topicsShown = members.indices.filter { members[$0].count >= settings.minTickets }
      let distinctive = distinctiveTerms(
        members: topicsShown.map { members[$0] }, documents: vectors.documents)
      var best: [(article: Int, score: Float)?] = []
      for j in topicsShown {
        var b: (Int, Float)?
        for a in articles.indices {
          var s: Float = 0
          for d in 0..<dims {
            s += clustering.centroids[j * dims + d] * articleVectors[a * dims + d]
          }
          if s > (b?.1 ?? -Float.infinity) { b = (a, s) }
        }
        best.append(b)
      }
      // The topic each article answers best.
      var answers: [Int: Int] = [:]
      for (t, b) in best.enumerated() {
        guard let b else { continue }
        if let o = answers[b.article], best[o]!.score >= b.score { continue }
        answers[b.article] = t
      }
      var labels: [String] = []
      for terms in distinctive {
        var parts: [String] = []
        for t in terms where parts.count < 3 {
          let r = vectors.readable(vectors.terms[t])
          if !parts.contains(where: { $0.contains(r) || r.contains($0) }) { parts.append(r) }
        }
        labels.append(parts.joined(separator: " / "))
      }
      for (t, j) in topicsShown.enumerated() {
        let idx = members[j]
        let contacts = idx.map { current[$0] }
        let match = Double(best[t]?.score ?? 0)
        var isGap = articleMass == nil && match < scale.matchFloor
        var answered: String?
        var missing: [String] = []
        if let b = best[t] {
          if let o = answers[b.article], o != t,
            Double(best[o]!.score) - match > scale.coverMargin,
            Double(clustering.centroidSimilarity(topicsShown[o], j)) < scale.fragmentSimilarity
          {
            isGap = true
            answered = labels[o]
          }
          let terms = articleTerms[b.article]
          let top = distinctive[t].prefix(6)
          let absent = top.filter { !terms.contains(vectors.terms[$0]) }
          missing = absent.map { vectors.readable(vectors.terms[$0]) }
          // An article that uses most of the topic's distinctive terms answers it, even when
          // another phrasing of the same need came nearer to it.
          if isGap, answered != nil, !top.isEmpty,
            Double(top.count - absent.count) / Double(top.count) >= settings.termShare
          {
            isGap = false
          }
        }
        // The sentence model decides by the articles' propagated label: a topic whose members
        // the articles' sentences reach as well as a typical contact is covered.
        if let mass = articleMass {
          let reached = idx.compactMap { mass.perContact[$0].map(Double.init) }.sorted()
          let median = Quantiles.quantile(sorted: reached, 0.5) ?? 0
          isGap = mass.typical > 0 && median / mass.typical < settings.coverMass
        }
        let resolution = contacts.compactMap(\.resolutionMinutes).sorted()
        let median = Quantiles.quantile(sorted: resolution, 0.5)
        let rated = contacts.compactMap(\.rating)
        let scored = contacts.compactMap(\.sentiment)
        let share = Double(idx.count) / Double(max(1, current.count))
        let previousShare = Double(previousCounts[j]) / Double(max(1, previousTotal))
        let cost = (median.map { overallResolution > 0 ? $0 / overallResolution : 1 } ?? 1)
        // Examples: the members most typical of the topic (nearest its centre), tickets first.
        let examples = idx.map { pos -> (Bool, Float, String) in
          (
            current[pos].kind == .ticket,
            clustering.similarity(windowVectors, row: pos, cluster: j),
            current[pos].source + "/" + current[pos].id
          )
        }
        .sorted { a, b in
          if a.0 != b.0 { return a.0 }
          return (a.1, b.2) > (b.1, a.2)
        }
        .prefix(5).map(\.2)
        topics.append(
          TopicSummary(
            label: labels[t],
            tickets: scaled(contacts.count { $0.kind == .ticket }),
            chats: scaled(contacts.count { $0.kind == .chat }),
            firstSeen: contacts.map(\.created).min() ?? start,
            trend: previousShare > 0 ? share / previousShare - 1 : nil,
            medianResolutionMinutes: median,
            csat: rated.isEmpty ? nil : Double(rated.count { $0 == "good" }) / Double(rated.count),
            negativeShare: scored.isEmpty
              ? nil : Double(scored.count { $0 == "negative" }) / Double(scored.count),
            bestArticleID: best[t].map { articles[$0.article].id },
            bestArticleTitle: best[t].map { articles[$0.article].title }, matchScore: match,
            articleAnswers: answered, missingTerms: missing,
            exampleIDs: Array(examples),
            suggestedTitle: suggestedTitle(contacts, generic: generic),
            impact: Double(idx.count) / rate * (1 - max(0, match)) * cost,
            isGap: isGap,
            members: contacts.map { $0.source + "/" + $0.id }.sorted()))
      }
      guard pass == 0 else { break }
      // Two gaps are one when their centres are alike and one is the other's nearest topic:
      // where every centre is alike (long, chatty turns share most of their words), a
      // similarity alone would chain different needs into one gap (DSTC11: recall 0.44 → 0.56).
      let gapClusters = topicsShown.indices.filter { topics[$0].isGap }.map { topicsShown[$0] }
      var nearestTopic: [Int: Int] = [:]
      for a in gapClusters {
        var best: (Int, Float)?
        for b in topicsShown where b != a {
          let sim = clustering.centroidSimilarity(a, b)
          if sim > (best?.1 ?? -Float.infinity) { best = (b, sim) }
        }
        nearestTopic[a] = best?.0
      }
      var into: [Int: Int] = [:]
      for (x, a) in gapClusters.enumerated() where into[a] == nil {
        for b in gapClusters[(x + 1)...]
        where into[b] == nil && (nearestTopic[a] == b || nearestTopic[b] == a)
          && Double(clustering.centroidSimilarity(a, b)) >= scale.gapMergeSimilarity
        {
          into[b] = a
        }
      }
      if into.isEmpty { break }
      let renumbered = clustering.renumbering(into)
      previousTopic = previousTopic.map { $0.map { renumbered[$0] } }
      clustering = clustering.merged(into, vectors: windowVectors)
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
      windowStart: start, windowEnd: asOf, contacts: windowTotal,
      sampled: keep == nil ? nil : current.count, topics: topics,
      searchGaps: searchGaps, staleArticles: stale,
      vectorsComputed: vectorsComputed, vectorsReused: vectorsReused, scale: scale,
      textModel: model)
  }

  /// What a contact asks, for topics: a ticket's subject and its description without greeting,
  /// signature or quoted replies (the description alone when the subject is one of `generic`
  /// and there is a description); a chat's first visitor message of at least three words (the
  /// opening states the need; later lines are mostly "ok thanks" and "still not working", words
  /// every topic shares), else all its visitor lines. Redaction masks ("XXXX") are left out
  /// (`MessageCleaner.withoutMasks`).
  static func topicText(
    _ c: ContactText, _ parts: (subject: String, rest: String)?, generic: Set<String> = []
  ) -> String {
    MessageCleaner.withoutMasks(unmaskedTopicText(c, parts, generic: generic))
  }

  private static func unmaskedTopicText(
    _ c: ContactText, _ parts: (subject: String, rest: String)?, generic: Set<String>
  ) -> String {
    if let (subject, rest) = parts {
      if !generic.isEmpty, generic.contains(subject),
        !rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
      {
        return rest
      }
      let lines = MessageCleaner.lineSlices(c.text)
      return String(lines.first ?? "") + "\n" + rest
    }
    let lines = MessageCleaner.lineSlices(c.text)
    if let opening = lines.first(where: { !$0.trimmedSpaces.hasAtMostWords(2) }) {
      return String(opening)
    }
    return c.text
  }

  /// A ticket's subject as subjects are compared (trimmed, lower-cased) and its description
  /// without greeting, signature or quoted replies; nil for a chat.
  static func ticketParts(_ c: ContactText) -> (subject: String, rest: String)? {
    guard c.kind == .ticket else { return nil }
    let lines = MessageCleaner.lineSlices(c.text)
    return (
      subjectKey(lines.first), MessageCleaner.clean(lines.dropFirst().joined(separator: "\n"))
    )
  }

  /// A subject line as subjects are compared: trimmed and lower-cased.
  static func subjectKey(_ line: Substring?) -> String {
    (line ?? "").trimmedSpaces.lowercased()
  }

  /// The subjects at least 10 of the window's tickets share whose descriptions (of at most 100 of
  /// them) are no more alike than as many tickets drawn at random: the mean resultant length of
  /// their descriptions' vectors (the length of the mean of the unit vectors: 1 when all are the
  /// same, near the window's when they are a random draw) is below the one expected of a random
  /// draw of that size, √(c² + (1 − c²)/n) with c the window's, plus a tenth of the way from it
  /// to 1. On the public gap sets a generic subject ("Question", "Issue with my account") lies
  /// within 0.02 of the window's, the tickets of one intent a third to a half of the way to 1.
  static func genericSubjects(
    _ tickets: [(subject: String, rest: String)?], embedding: StaticEmbedding, threads: Int
  ) -> Set<String> {
    var groups: [String: [Int]] = [:]
    var descriptions: [String] = []
    for case let (subject, rest)? in tickets {
      guard !rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
      groups[subject, default: []].append(descriptions.count)
      descriptions.append(rest)
    }
    // Each shared subject read from an even sample of at most 100 of its tickets, the window's
    // spread from one of at most 2,000 descriptions (each row embedded once).
    let shared = groups.filter { !$0.key.isEmpty && $0.value.count >= 10 }.mapValues { r in
      stride(from: 0, to: r.count, by: max(1, r.count / 100)).map { r[$0] }
    }
    guard !shared.isEmpty else { return [] }
    let step = max(1, descriptions.count / 2000)
    let sample = Array(stride(from: 0, to: descriptions.count, by: step))
    var rows = sample
    for (_, r) in shared { rows += r }
    rows = Array(Set(rows)).sorted()
    let place = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
    let v = embedding.vectors(rows.map { descriptions[$0] }, threads: threads)
    let d = embedding.dimensions
    func resultant(_ members: [Int]) -> Double {
      var mean = [Double](repeating: 0, count: d)
      for m in members {
        let base = place[m]! * d
        for k in 0..<d { mean[k] += Double(v[base + k]) }
      }
      return mean.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(members.count)
    }
    let c = resultant(sample)
    var out = Set<String>()
    for (subject, members) in shared {
      let n = Double(members.count)
      let random = (c * c + (1 - c * c) / n).squareRoot()
      if resultant(members) < random + 0.1 * (1 - random) { out.insert(subject) }
    }
    return out
  }

  /// The mean cosine of two different rows of `vectors` (unit length; rows of zeros, texts with
  /// no known word, are left out), (|Σv|² − n) / (n(n − 1)), and the rows' mean vector, in one
  /// pass.
  static func background(_ vectors: [Float], dims: Int) -> (Double, [Double]) {
    var sum = [Double](repeating: 0, count: dims)
    var n = 0
    for row in 0..<(dims > 0 ? vectors.count / dims : 0) {
      var norm: Float = 0
      for d in 0..<dims { norm += vectors[row * dims + d] * vectors[row * dims + d] }
      guard norm > 0 else { continue }
      n += 1
      for d in 0..<dims { sum[d] += Double(vectors[row * dims + d]) }
    }
    guard n > 1 else { return (0, sum) }
    let squared = sum.reduce(0) { $0 + $1 * $1 }
    let c = min(1, max(0, (squared - Double(n)) / (Double(n) * Double(n - 1))))
    return (c, sum.map { $0 / Double(n) })
  }

  /// Per topic, its terms most distinctive first: the share of its texts that use the term,
  /// times the log of how rare the term is among topics (class-based TF-IDF). A word customers
  /// write in every topic ("still", "sorry", "working") is in most topics and ranks last.
  static func distinctiveTerms(members: [[Int]], documents: [[(Int, Double)]]) -> [[Int]] {
    let shares = members.map { idx -> [Int: Double] in
      var counts: [Int: Int] = [:]
      for i in idx { for (t, _) in documents[i] { counts[t, default: 0] += 1 } }
      return counts.mapValues { Double($0) / Double(max(1, idx.count)) }
    }
    // A term is prominent in a topic when at least 5 % of its texts use it.
    var prominent: [Int: Int] = [:]
    for s in shares { for (t, v) in s where v >= 0.05 { prominent[t, default: 0] += 1 } }
    let k = Double(members.count)
    return shares.map { s in
      s.map { t, v in (t, v * log(1 + k / Double(max(1, prominent[t] ?? 0)))) }
        .sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        .prefix(10).map(\.0)
    }
  }

  /// Each article's sentences: its title first, then every sentence of its body that several
  /// articles do not share (boilerplate such as "Still need help?" is left out).
  static func articleSentences(_ articles: [ArticleText]) -> [[String]] {
    let sentences = articles.map { a -> [String] in
      var out = [a.title]
      for line in a.body.split(whereSeparator: \.isNewline) {
        var current = ""
        for ch in line {
          current.append(ch)
          if ch == "." || ch == "?" || ch == "!" {
            out.append(current)
            current = ""
          }
        }
        out.append(current)
      }
      return out.map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { $0.split(separator: " ").count >= 2 || $0 == a.title }
    }
    var shared: [String: Int] = [:]
    for s in sentences { for x in Set(s) { shared[x, default: 0] += 1 } }
    let limit = max(3, articles.count / 5)
    return sentences.map { s in
      s.enumerated().filter { $0.offset == 0 || shared[$0.element]! < limit }.map(\.element)
    }
  }

  /// One unit vector per article: the mean of its sentences' vectors.
  static func articleVectors(_ v: [Float], owner: [Int], articles: Int, dims: Int) -> [Float] {
    var out = [Float](repeating: 0, count: articles * dims)
    for (row, a) in owner.enumerated() {
      for d in 0..<dims { out[a * dims + d] += v[row * dims + d] }
    }
    for a in 0..<articles { StaticEmbedding.normalise(&out, row: a, dims: dims) }
    return out
  }

  /// The articles' label propagated to the contacts (Zhou et al.'s label spreading): a graph
  /// of at most `sample` contacts (an even stride, as the topic graph) and every article
  /// sentence, each node linked to its 20 most similar nodes (weight: cosine, made symmetric,
  /// normalised by the square roots of the degrees); each sentence starts with its article's
  /// label, and F ← 0.8·S·F + 0.2·Y twenty times. A contact's mass is its largest article
  /// label; `typical` is the median over the graph's contacts. A topic of contacts that only
  /// a sibling article's sentences come near gets far less than a topic an article answers,
  /// and fragments of an answered topic are reached through their neighbours.
  static func propagatedArticleMass(
    _ vectors: [Float], dims: Int, sentences: [Float], owner: [Int], articles: Int,
    sample: Int, threads: Int
  ) -> (perContact: [Int: Float], typical: Double)? {
    guard articles > 0, !owner.isEmpty else { return nil }
    let chosen = TopicClustering.graphSample(vectors, dims: dims, sample: sample).chosen
    let m = owner.count
    var nodes = [Float](repeating: 0, count: (chosen.count + m) * dims)
    for (p, i) in chosen.enumerated() {
      for d in 0..<dims { nodes[p * dims + d] = vectors[i * dims + d] }
    }
    for r in 0..<m {
      for d in 0..<dims { nodes[(chosen.count + r) * dims + d] = sentences[r * dims + d] }
    }
    let total = chosen.count + m
    let k = min(20, total - 1)
    guard k > 0 else { return nil }
    let knn = TopicClustering.nearestNeighbours(
      nodes, dims, Array(0..<total), k: k, threads: threads)
    // Symmetric weights: the larger of the two directions.
    var weights = [[Int: Float]](repeating: [:], count: total)
    nodes.withUnsafeBufferPointer { v in
      for a in 0..<total {
        for b in knn[a] {
          let w = max(
            0, TopicClustering.dot(v.baseAddress! + a * dims, v.baseAddress! + b * dims, dims))
          guard w > 0 else { continue }
          weights[a][b] = max(weights[a][b] ?? 0, w)
          weights[b][a] = max(weights[b][a] ?? 0, w)
        }
      }
    }
    let edges = weights.map { $0.sorted { $0.key < $1.key } }
    let degree = edges.map { $0.reduce(Float(0)) { $0 + $1.value } }
    let norm = degree.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
    var y = [Float](repeating: 0, count: total * articles)
    for (r, a) in owner.enumerated() { y[(chosen.count + r) * articles + a] = 1 }
    var f = y
    var next = y
    for _ in 0..<20 {
      for i in 0..<total {
        let row = i * articles
        for a in 0..<articles { next[row + a] = 0.2 * y[row + a] }
        for (j, w) in edges[i] {
          let s = 0.8 * w * norm[i] * norm[j]
          let other = j * articles
          for a in 0..<articles { next[row + a] += s * f[other + a] }
        }
      }
      swap(&f, &next)
    }
    var perContact: [Int: Float] = [:]
    var masses: [Double] = []
    for (p, i) in chosen.enumerated() {
      var best: Float = 0
      for a in 0..<articles { best = max(best, f[p * articles + a]) }
      perContact[i] = best
      if best > 0 { masses.append(Double(best)) }
    }
    masses.sort()
    return (perContact, Quantiles.quantile(sorted: masses, 0.5) ?? 0)
  }

  /// The subject line customers use most for the topic, as a starting title for the article
  /// (a generic subject is no title).
  static func suggestedTitle(_ contacts: [ContactText], generic: Set<String> = []) -> String {
    var counts: [String: Int] = [:]
    for c in contacts where c.kind == .ticket {
      let u = c.text.utf8
      let end = u.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
      let line = c.text[..<(end ?? u.endIndex)]
      let subject = line.trimmedSpaces
      if !subject.isEmpty, !generic.contains(subject.lowercased()) {
        counts[String(subject), default: 0] += 1
      }
    }
    guard let top = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else {
      return ""
    }
    return top
  }
}
