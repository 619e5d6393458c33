import Foundation
import TicketLensInsights
import TicketLensPipeline
import TicketLensSample
import TicketLensWarehouse
import Testing

/// The gap finder on generated data whose uncovered topics are known.
@Suite(.serialized)
struct KnowledgeGapTests {
  /// A warehouse of generated tickets and knowledge base, and the generator that made them.
  static func load(seed: UInt64, tickets: Int) throws -> (String, SampleGenerator) {
    let dir = CLI.temporaryDirectory()
    let gen = try CLI.run([
      "sample", "--tickets", "\(tickets)", "--seed", "\(seed)", "--out", dir + "/data",
    ])
    #expect(gen.status == 0, "\(gen.stderr)")
    let markdown = try FileManager.default.contentsOfDirectory(atPath: dir + "/data/kb").sorted()
      .map { dir + "/data/kb/" + $0 }
    let load = try CLI.run(
      ["ingest", dir + "/data/tickets.csv", dir + "/data/help_center_articles.json"] + markdown
        + ["--warehouse", dir + "/w.sqlite"])
    #expect(load.status == 0, "\(load.stderr)")
    var o = SampleOptions(tickets: tickets, seed: seed)
    o.days = 91
    return (dir + "/w.sqlite", SampleGenerator(options: o))
  }

  static func gaps(_ warehouse: String, _ extra: [String]) throws -> [[String]] {
    let r = try CLI.run(["gaps", "--warehouse", warehouse] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    return ReferenceCSV.rows(r.stdout)
  }

  /// The generator topic most of a gap's example tickets are about.
  static func topic(of row: [String], column: Int, _ g: SampleGenerator) -> String {
    var votes: [String: Int] = [:]
    for key in row[column].split(separator: " ") {
      guard let id = Int(key.split(separator: "/").last ?? "") else { continue }
      votes[g.topicName(ofTicket: id - 100_000), default: 0] += 1
    }
    return votes.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
  }

  /// The static embedding (what a window of more than `sentenceLimit` contacts gets; these
  /// small windows get the sentence model by default, tested below).
  @Test(arguments: [(UInt64(42), 3000), (UInt64(7), 6000)])
  func findsTheUncoveredTopicsAndNotTheCoveredOnes(seed: UInt64, tickets: Int) throws {
    let (warehouse, g) = try Self.load(seed: seed, tickets: tickets)
    let rows = try Self.gaps(warehouse, ["--text-model", "static"])
    // The same analysis through the library, for the window's scale: the settings are read on
    // it, and a gap that answers no other topic has its best article below the floor.
    let wh = try Warehouse(path: warehouse, readOnly: true)
    var settings = GapSettings()
    settings.textModel = .static
    let a = try KnowledgeGapFinder.analyze(
      warehouse: wh, asOf: try MetricDataLoader.dataAsOf(wh).milliseconds, settings: settings)
    #expect(a.scale.contacts > 0 && a.scale.articles > 0, "\(a.scale)")
    #expect(
      a.scale
        == GapScale(contacts: a.scale.contacts, articles: a.scale.articles, settings: settings)
    )
    try Self.expectTheUncoveredTopics(rows, g, matchFloor: a.scale.matchFloor)
  }

  /// The same with the sentence model (all-MiniLM-L6-v2 in process, coverage by the articles'
  /// propagated label), which `auto` picks for a window this small.
  @Test func theSentenceModelFindsThemToo() throws {
    let (warehouse, g) = try Self.load(seed: 42, tickets: 3000)
    let vectors = warehouse + ".vectors"
    let rows = try Self.gaps(warehouse, ["--text-model", "sentence", "--threads", "1"])
    try Self.expectTheUncoveredTopics(rows, g)
    #expect(FileManager.default.fileExists(atPath: vectors))
    // The same list on two threads (each text's vector and the propagation do not depend on
    // it), computed from scratch and with the vectors the first run kept.
    try FileManager.default.moveItem(atPath: vectors, toPath: vectors + ".first")
    #expect(try Self.gaps(warehouse, ["--text-model", "sentence", "--threads", "2"]) == rows)
    #expect(
      FileManager.default.contents(atPath: vectors)
        == FileManager.default.contents(atPath: vectors + ".first"))
    func fileNumber() throws -> Int? {
      (try FileManager.default.attributesOfItem(atPath: vectors)[.systemFileNumber] as? NSNumber)?
        .intValue
    }
    let written = try fileNumber()
    #expect(try Self.gaps(warehouse, ["--text-model", "sentence", "--threads", "2"]) == rows)
    // Every vector was kept: nothing new to write.
    #expect(try fileNumber() == written)
  }

  /// A window larger than `--max-contacts` is read as a sample: the same uncovered topics, and
  /// counts scaled to the window (their total near the exact one). With the static embedding,
  /// as a window too large for the sentence model is read.
  @Test func aLargeWindowReadAsASampleFindsTheSameGaps() throws {
    let (warehouse, g) = try Self.load(seed: 7, tickets: 6000)
    let model = ["--text-model", "static"]
    let rows = try Self.gaps(warehouse, model + ["--max-contacts", "900"])
    try Self.expectTheUncoveredTopics(rows, g)
    let all = try Self.gaps(warehouse, model + ["--list", "topics"])
    let sampled = try Self.gaps(warehouse, model + ["--list", "topics", "--max-contacts", "900"])
    func total(_ rows: [[String]]) -> Int { rows.dropFirst().reduce(0) { $0 + Int($1[1])! } }
    #expect(
      abs(Double(total(sampled)) / Double(total(all)) - 1) < 0.15,
      "\(total(sampled)) vs \(total(all))")
  }

  /// `--list members` holds every contact of every listed topic once, under the topic's rank and
  /// label as `--list topics` shows them, and its counts are the topics' contacts.
  @Test func membersListEveryTopicsContacts() throws {
    let (warehouse, _) = try Self.load(seed: 42, tickets: 3000)
    let topics = try Self.gaps(warehouse, ["--list", "topics"])
    let members = try Self.gaps(warehouse, ["--list", "members"])
    #expect(members.first == ["rank", "topic", "gap", "contact"])
    var perRank: [Int: (label: String, gap: String, count: Int)] = [:]
    var seen = Set<String>()
    for row in members.dropFirst() {
      let rank = try #require(Int(row[0]))
      #expect(seen.insert(row[3]).inserted, "\(row[3]) listed twice")
      #expect(row[3].hasPrefix("default/"), "\(row)")
      let e = perRank[rank] ?? (row[1], row[2], 0)
      #expect(e.label == row[1] && e.gap == row[2])
      perRank[rank] = (e.label, e.gap, e.count + 1)
    }
    let shown = topics.dropFirst()
    #expect(perRank.count == shown.count)
    for (i, row) in shown.enumerated() {
      let m = try #require(perRank[i + 1])
      #expect(m.label == row[0] && m.gap == row[5] && m.count == Int(row[1])!, "\(row)")
    }
  }

  /// `matchFloor`: the window's floor (`GapScale.matchFloor`) when known.
  static func expectTheUncoveredTopics(
    _ rows: [[String]], _ g: SampleGenerator, matchFloor: Double? = nil
  ) throws {
    let header = try #require(rows.first)
    #expect(
      header == [
        "rank", "topic", "tickets", "chats", "first_seen", "trend", "median_resolution_minutes",
        "csat", "negative_share", "best_article_id", "best_article_title", "match_score",
        "article_answers", "missing_terms", "example_ticket_ids", "suggested_title",
      ])
    let uncovered = Set(SampleKnowledgeBase.uncoveredTopics)
    let k = uncovered.count
    let listed = rows.dropFirst().map { Self.topic(of: $0, column: 14, g) }
    // Recall: the uncovered topics found among the first 3K gaps. (The public gap sets are
    // scored within 2K rows; a generator topic here holds several distinct needs — "bug" is app
    // crashes, a blank dashboard and lost saves, each wanting its own article — which the
    // finder lists as separate gaps.)
    let found = Set(listed.prefix(3 * k)).intersection(uncovered)
    #expect(Double(found.count) / Double(k) >= 0.9, "found \(found.sorted()) in \(listed)")
    // Precision: listed gaps that really are uncovered topics.
    let right = listed.count { uncovered.contains($0) }
    #expect(!listed.isEmpty)
    #expect(Double(right) / Double(max(1, listed.count)) >= 0.8, "\(listed)")
    // Every row carries its evidence and ranks are 1, 2, 3, …
    for (i, row) in rows.dropFirst().enumerated() {
      #expect(row[0] == "\(i + 1)")
      #expect(Int(row[2])! + Int(row[3])! >= 11)
      // Why it is a gap: its best article is far (below the window's floor, about a quarter of
      // the way from the mean contact–article cosine to 1: 0.55–0.6 on this data), or it
      // answers another topic better (named).
      #expect(Double(row[11])! < (matchFloor ?? 0.6) + 1e-6 || !row[12].isEmpty, "\(row)")
      #expect(!row[14].isEmpty && !row[15].isEmpty)
    }
  }

  /// The static embedding (the sentence model's lists on one and two threads are compared in
  /// `theSentenceModelFindsThemToo`).
  @Test func sameGapsForOneAndTwoThreadsAndTopLimits() throws {
    let (warehouse, _) = try Self.load(seed: 42, tickets: 3000)
    let model = ["--text-model", "static"]
    let one = try Self.gaps(warehouse, model + ["--threads", "1"])
    let two = try Self.gaps(warehouse, model + ["--threads", "2"])
    #expect(one == two)
    let top = try Self.gaps(warehouse, model + ["--top", "2"])
    #expect(Array(top) == Array(one.prefix(3)))
  }
}

/// Sentiment is scored at load time and is a dimension of every metric; a newer version of a
/// ticket is scored again.
struct SentimentDimensionTests {
  static let header =
    "id,subject,description,status,priority,channel,requester_id,requester_email,assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,replies,satisfaction\n"

  static func row(_ id: Int, _ subject: String, updated: String) -> String {
    "\(id),\(subject),,open,normal,email,1,a@b.c,,,,2026-03-01T10:00:00Z,\(updated),,,0,0,\n"
  }

  @Test func countsBySentimentFollowTheText() throws {
    let dir = CLI.temporaryDirectory()
    let first =
      Self.header + Self.row(1, "This is awful and broken", updated: "2026-03-01T10:00:00Z")
      + Self.row(2, "Thanks for the great service", updated: "2026-03-01T10:00:00Z")
      + Self.row(3, "Change my address", updated: "2026-03-01T10:00:00Z")
    try first.write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
    #expect(
      try CLI.run(["ingest", dir + "/a.csv", "--warehouse", dir + "/w.sqlite", "-q"]).status == 0)
    let export = [
      "export", "tickets_created", "--by", "sentiment", "--warehouse", dir + "/w.sqlite",
    ]
    let before = try CLI.run(export)
    #expect(before.stdout == "sentiment,count\nnegative,1\nneutral,1\npositive,1\n", "\(before)")
    // Ticket 3 comes back angrier: it is scored again and the cached columns are rebuilt.
    let second =
      Self.header + Self.row(3, "Still wrong and I am furious", updated: "2026-03-02T10:00:00Z")
    try second.write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
    #expect(
      try CLI.run(["ingest", dir + "/b.csv", "--warehouse", dir + "/w.sqlite", "-q"]).status == 0)
    #expect(try CLI.run(export).stdout == "sentiment,count\nnegative,2\npositive,1\n")
  }
}

/// The follow-up list on tickets built to hit (and narrowly miss) each rule.
struct FollowUpTests {
  @Test func listsEachRuleOnceMostUrgentFirst() throws {
    let dir = CLI.temporaryDirectory()
    // id, subject, status, priority, created, updated, solved, satisfaction
    let tickets: [(Int, String, String, String, String, String, String, String)] = [
      (1, "Where is it", "pending", "low", "2026-03-01", "2026-03-05", "", ""),  // 5 days pending
      (2, "Where is it", "pending", "low", "2026-03-08", "2026-03-09", "", ""),  // 1 day: no
      (3, "This is awful and broken", "open", "urgent", "2026-03-09", "2026-03-09", "", ""),
      (4, "Thanks for the great help", "open", "high", "2026-03-09", "2026-03-09", "", ""),
      (5, "Question", "solved", "normal", "2026-03-07", "2026-03-08", "2026-03-08", "bad"),
      (6, "Question", "solved", "normal", "2026-03-07", "2026-03-09", "2026-03-08", "bad"),
      (7, "Question", "solved", "normal", "2026-02-01", "2026-02-02", "2026-02-02", "bad"),
    ]
    var csv = SentimentDimensionTests.header
    for t in tickets {
      let solved = t.6.isEmpty ? "" : t.6 + "T10:00:00Z"
      csv +=
        "\(t.0),\(t.1),,\(t.2),\(t.3),email,1,a@b.c,,,,\(t.4)T10:00:00Z,\(t.5)T10:00:00Z,,\(solved),0,0,\(t.7)\n"
    }
    try csv.write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
    #expect(
      try CLI.run(["ingest", dir + "/t.csv", "--warehouse", dir + "/w.sqlite", "-q"]).status == 0)
    let r = try CLI.run([
      "followups", "--warehouse", dir + "/w.sqlite", "--as-of", "2026-03-10T10:00:00Z",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = ReferenceCSV.rows(r.stdout)
    #expect(rows.first?.prefix(4) == ["ticket", "reason", "urgency", "days_waiting"])
    // Urgency = priority weight × 10 + days since the last update.
    #expect(
      rows.dropFirst().map { [$0[0], $0[1], $0[2]] } == [
        ["default/3", "negative", "41.0"], ["default/5", "bad_rating", "22.0"],
        ["default/1", "pending", "15.0"],
      ])
  }
}
