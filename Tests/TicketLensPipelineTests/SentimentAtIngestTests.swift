import Foundation
import Testing

@testable import TicketLensModel
@testable import TicketLensPipeline
@testable import TicketLensWarehouse

/// Sentiment scored while rows are read equals what the sentiment stage scores afterwards from
/// the stored text, row for row; an update carries its new text's sentiment; rows loaded without
/// the scorer are left to the stage.
struct SentimentAtIngestTests {
  static let sampleData = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data")
    .path
  static let files = [
    "tickets.csv", "chats.ndjson", "zendesk_chats.json", "intercom_conversations.json",
    "freshdesk_tickets.json", "zendesk_tickets.xml",
  ]

  static func load(
    _ files: [String], into w: Warehouse, scoring: Bool, directory: String = sampleData
  ) throws {
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    for f in files {
      let r = try TicketIngestor(scoresSentiment: scoring).load(
        path: directory + "/" + f, name: f, format: nil, source: "s", zone: .utc, warehouse: w,
        runID: run, incremental: false)
      #expect(r.accounting.failed == nil, "\(f)")
    }
  }

  /// Every ticket's and chat's key, sentiment, score and whether it is scored for its version.
  static func sentiments(_ w: Warehouse) throws -> [String] {
    var out: [String] = []
    for table in ["tickets", "chats"] {
      let st = try w.connection.prepare(
        """
        SELECT source, id, sentiment, sentiment_score, sentiment_load_id IS load_id
        FROM \(table) ORDER BY source, id
        """)
      while try st.step() {
        out.append(
          "\(table) \(st.text(0) ?? "") \(st.text(1) ?? "") \(st.text(2) ?? "NULL") "
            + "\(st.optionalDouble(3).map { String($0.bitPattern) } ?? "NULL") \(st.int64(4))")
      }
    }
    return out
  }

  @Test func scoredWhileReadingEqualsScoredByTheStage() throws {
    let dir = scratch()
    let read = try Warehouse(path: dir + "/read.sqlite")
    try Self.load(Self.files, into: read, scoring: true)
    #expect(try read.sentimentPending().isEmpty)
    #expect(try SentimentStage.run(read) == 0)
    let later = try Warehouse(path: dir + "/later.sqlite")
    try Self.load(Self.files, into: later, scoring: false)
    let pending = try later.sentimentPending().count
    #expect(pending > 1000)
    #expect(try SentimentStage.run(later) == pending)
    let a = try Self.sentiments(read)
    #expect(a.count == pending)
    #expect(a == (try Self.sentiments(later)))
    #expect(a.contains { $0.contains(" negative ") } && a.contains { $0.contains(" positive ") })
  }

  @Test func anUpdateCarriesItsNewSentimentAndRowsReadWithoutTheScorerWait() throws {
    let dir = scratch()
    let w = try Warehouse(path: dir + "/w.sqlite")
    func generic(_ rows: [String]) throws {
      try ("id,subject,status,created_at,updated_at\n" + rows.joined(separator: "\n") + "\n")
        .write(toFile: dir + "/day.csv", atomically: true, encoding: .utf8)
    }
    func row(_ id: String) throws -> String? {
      try Self.sentiments(w).first { $0.hasPrefix("tickets s \(id) ") }
    }
    try generic([
      "1,Thanks a lot - great and fast help,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z",
      "2,Where is my parcel,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z",
    ])
    try Self.load(["day.csv"], into: w, scoring: true, directory: dir)
    #expect(try row("1")?.contains(" positive ") == true)
    #expect(try row("1")?.hasSuffix(" 1") == true)
    // A newer version with angry wording: scored anew as it is read.
    try generic([
      "1,This is terrible and useless - still broken,open,2026-03-01T08:00:00Z,2026-03-02T08:00:00Z"
    ])
    try Self.load(["day.csv"], into: w, scoring: true, directory: dir)
    #expect(try row("1")?.contains(" negative ") == true)
    #expect(try w.sentimentPending().isEmpty)
    // Read without the scorer: no sentiment, left for the stage, which scores it.
    try generic(["2,Awful - nobody answers,open,2026-03-01T08:00:00Z,2026-03-03T08:00:00Z"])
    try Self.load(["day.csv"], into: w, scoring: false, directory: dir)
    #expect(try row("2") == "tickets s 2 NULL NULL 0")
    #expect(try w.sentimentPending().count == 1)
    #expect(try SentimentStage.run(w) == 1)
    #expect(try row("2")?.contains(" negative ") == true)
  }
}
