import Foundation
import Logging
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel
@testable import TicketLensPipeline
@testable import TicketLensWarehouse
import TicketLensTestSupport

func scratch() -> String { Scratch.folder("pipe") }

/// Loads files into a new warehouse and returns it with the per-file results.
func ingest(
  _ files: [(String, String)], source: String = "s", into dir: String, format: InputFormat? = nil
)
  throws -> (Warehouse, [FileResult])
{
  let w = try Warehouse(path: dir + "/w.sqlite")
  let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
  var results: [FileResult] = []
  for (name, text) in files {
    let path = dir + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    results.append(
      try TicketIngestor().load(
        path: path, name: name, format: format, source: source, zone: .utc, warehouse: w, runID: run
      ))
  }
  return (w, results)
}

/// The stored tickets as comparable rows (every column the three formats share).
func rows(_ w: Warehouse) throws -> [String] {
  var out: [String] = []
  for id in ["1", "2", "3"] {
    guard let t = try w.ticket(source: "s", id: id) else { continue }
    out.append(
      [
        t.id, t.subject ?? "", t.description ?? "", t.status?.rawValue ?? "",
        t.priority?.rawValue ?? "",
        t.channel ?? "", t.requesterID ?? "", t.assignee ?? "", t.group ?? "",
        t.tags.joined(separator: " "),
        t.createdAt.iso8601, t.updatedAt?.iso8601 ?? "", t.firstReplyAt?.iso8601 ?? "",
        t.solvedAt?.iso8601 ?? "", t.replies.map(String.init) ?? "",
      ].joined(separator: "|"))
  }
  return out
}

struct SameTicketsInEveryFormatTests {
  static let csv = """
    id,subject,description,status,priority,channel,requester_id,requester_email,assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,replies,satisfaction
    1,Charged twice,"Card charged twice.
    Refund please",solved,high,email,7,,50,9,billing refund,2026-03-02T08:00:00Z,2026-03-03T10:00:00Z,2026-03-02T08:47:00Z,2026-03-03T10:00:00Z,,1,
    2,Login broken,Cannot log in,open,urgent,web,8,,51,10,login,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T09:30:00Z,,,1,
    3,Where is my order,Still waiting,new,low,web,9,,,,,2026-03-02T10:00:00Z,2026-03-02T10:00:00Z,,,,0,

    """

  static let json = """
    {"ticket":{"id":1,"subject":"Charged twice","description":"Card charged twice.\\nRefund please","status":"solved","priority":"high","via":{"channel":"email"},"requester_id":7,"submitter_id":7,"assignee_id":50,"group_id":9,"tags":["billing","refund"],"created_at":"2026-03-02T08:00:00Z","updated_at":"2026-03-03T10:00:00Z","comments":[{"author_id":7,"public":true,"created_at":"2026-03-02T08:00:00Z"},{"author_id":50,"public":true,"created_at":"2026-03-02T08:47:00Z"}],"audits":[{"created_at":"2026-03-03T10:00:00Z","events":[{"type":"Change","field_name":"status","value":"solved"}]}]}}
    {"ticket":{"id":2,"subject":"Login broken","description":"Cannot log in","status":"open","priority":"urgent","via":{"channel":"web"},"requester_id":8,"submitter_id":8,"assignee_id":51,"group_id":10,"tags":["login"],"created_at":"2026-03-02T09:00:00Z","updated_at":"2026-03-02T09:30:00Z","comments":[{"author_id":8,"public":true,"created_at":"2026-03-02T09:00:00Z"},{"author_id":51,"public":true,"created_at":"2026-03-02T09:30:00Z"}]}}
    {"ticket":{"id":3,"subject":"Where is my order","description":"Still waiting","status":"new","priority":"low","via":{"channel":"web"},"requester_id":9,"submitter_id":9,"assignee_id":null,"group_id":null,"tags":[],"created_at":"2026-03-02T10:00:00Z","updated_at":"2026-03-02T10:00:00Z","comments":[{"author_id":9,"public":true,"created_at":"2026-03-02T10:00:00Z"}]}}

    """

  static let xml = """
    <?xml version="1.0" encoding="UTF-8"?>
    <tickets type="array">
      <ticket><nice-id>1</nice-id><subject>Charged twice</subject><description>Card charged twice.
    Refund please</description><status-id>3</status-id><priority-id>3</priority-id><via-id>4</via-id>
        <requester-id>7</requester-id><submitter-id>7</submitter-id><assignee-id>50</assignee-id><group-id>9</group-id>
        <current-tags>billing refund</current-tags><created-at>2026-03-02T08:00:00Z</created-at>
        <updated-at>2026-03-03T10:00:00Z</updated-at><solved-at>2026-03-03T10:00:00Z</solved-at>
        <comments><comment><author-id>7</author-id><created-at>2026-03-02T08:00:00Z</created-at><value>Card</value></comment>
        <comment><author-id>50</author-id><is-public>true</is-public><created-at>2026-03-02T08:47:00Z</created-at><value>ok</value></comment></comments>
      </ticket>
      <ticket><nice-id>2</nice-id><subject>Login broken</subject><description>Cannot log in</description><status-id>1</status-id>
        <priority-id>4</priority-id><via-id>0</via-id><requester-id>8</requester-id><assignee-id>51</assignee-id><group-id>10</group-id>
        <current-tags>login</current-tags><created-at>2026-03-02T09:00:00Z</created-at><updated-at>2026-03-02T09:30:00Z</updated-at>
        <comments><comment><author-id>8</author-id><created-at>2026-03-02T09:00:00Z</created-at><value>x</value></comment>
        <comment><author-id>51</author-id><created-at>2026-03-02T09:30:00Z</created-at><value>y</value></comment></comments>
      </ticket>
      <ticket><nice-id>3</nice-id><subject>Where is my order</subject><description>Still waiting</description><status-id>0</status-id>
        <priority-id>1</priority-id><via-id>0</via-id><requester-id>9</requester-id><assignee-id nil="true"/><group-id nil="true"/>
        <current-tags></current-tags><created-at>2026-03-02T10:00:00Z</created-at><updated-at>2026-03-02T10:00:00Z</updated-at>
        <comments><comment><author-id>9</author-id><created-at>2026-03-02T10:00:00Z</created-at><value>z</value></comment></comments>
      </ticket>
    </tickets>

    """

  @Test func csvJSONAndXMLGiveIdenticalRows() throws {
    let (a, ra) = try ingest([("t.csv", Self.csv)], into: scratch())
    let (b, rb) = try ingest([("t.ndjson", Self.json)], into: scratch())
    let (c, rc) = try ingest([("t.xml", Self.xml)], into: scratch())
    for r in ra + rb + rc {
      #expect(r.accounting.inserted == 3 && r.accounting.balances, "\(r.accounting)")
    }
    let expected = try rows(a)
    #expect(expected.count == 3)
    #expect(try rows(b) == expected)
    #expect(try rows(c) == expected)
  }
}

struct IncrementalTests {
  static func generic(_ lines: [String]) -> String {
    "id,subject,status,created_at,updated_at\n" + lines.joined(separator: "\n") + "\n"
  }

  /// Blank and whitespace-only lines are no records: skipped, counted once per file as a
  /// warning; a quoted field of spaces is a record (here rejected: it has no id).
  @Test func blankAndWhitespaceLinesAreSkippedAndCounted() throws {
    let text =
      "id,subject,status,created_at\n1,a,open,2026-03-01T08:00:00Z\n\n   \n\t\n"
      + "2,b,open,2026-03-01T09:00:00Z\r\n\r\n  \t  \n\"   \",c,open,2026-03-01T10:00:00Z\n"
    let (w, results) = try ingest([("blank.csv", text)], into: scratch())
    let r = try #require(results.first)
    #expect(r.accounting.read == 3 && r.accounting.inserted == 2 && r.accounting.rejected == 1)
    #expect(r.accounting.balances)
    #expect(
      r.warnings == [
        "blank.csv:3: 5 blank or whitespace-only line(s) skipped (the first at line 3)"
      ])
    #expect(try w.ticketCount() == 2)
    // A file without blank lines says nothing of them.
    let (_, clean) = try ingest(
      [("clean.csv", Self.generic(["1,a,open,2026-03-01T08:00:00Z,"]))], into: scratch())
    #expect(clean.first?.warnings == [])
  }

  /// An unknown XML element is said once per file, however many tickets carry it.
  @Test func anUnknownXMLElementIsSaidOncePerFile() throws {
    let ticket = { (id: Int) in
      "<ticket><nice-id>\(id)</nice-id><created-at>2026-03-02T08:00:00Z</created-at>"
        + "<mood>calm</mood></ticket>"
    }
    let xml = "<tickets>" + (1...3).map(ticket).joined() + "</tickets>\n"
    let (_, results) = try ingest([("t.xml", xml)], into: scratch())
    let r = try #require(results.first)
    #expect(r.accounting.inserted == 3)
    #expect(r.warnings.count == 1 && r.warnings[0].contains("unknown element 'mood'"))
  }

  @Test func unchangedFilesAreSkippedAndChangedOnesReloaded() throws {
    let dir = scratch()
    let w = try Warehouse(path: dir + "/w.sqlite")
    let path = dir + "/day.csv"
    try Self.generic(["1,a,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z"]).write(
      toFile: path, atomically: true, encoding: .utf8)
    func load() throws -> FileAccounting {
      let run = try w.beginRun(command: "t", pipeline: nil, startedAt: "t")
      return try TicketIngestor().load(
        path: path, name: "day.csv", format: nil, source: "s", zone: .utc, warehouse: w, runID: run
      ).accounting
    }
    #expect(try load().inserted == 1)
    let again = try load()
    #expect(again.skipped && again.read == 0)
    // Same content, new modification time: read again, nothing changes.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: path)
    let touched = try load()
    #expect(!touched.skipped && touched.unchanged == 1)
    // New content: loaded.
    try Self.generic([
      "1,a,solved,2026-03-01T08:00:00Z,2026-03-02T08:00:00Z",
      "2,b,open,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z",
    ])
    .write(toFile: path, atomically: true, encoding: .utf8)
    let changed = try load()
    #expect(changed.updated == 1 && changed.inserted == 1)
  }

  @Test func overlappingExportsEqualOneExportOfTheUnion() throws {
    let day1 = Self.generic([
      "1,a,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z",
      "2,b,open,2026-03-01T09:00:00Z,2026-03-01T09:00:00Z",
    ])
    let day2 = Self.generic([
      "2,b,solved,2026-03-01T09:00:00Z,2026-03-02T09:00:00Z",
      "3,c,new,2026-03-02T10:00:00Z,2026-03-02T10:00:00Z",
      "1,a,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z",
    ])
    let union = Self.generic([
      "1,a,open,2026-03-01T08:00:00Z,2026-03-01T08:00:00Z",
      "2,b,solved,2026-03-01T09:00:00Z,2026-03-02T09:00:00Z",
      "3,c,new,2026-03-02T10:00:00Z,2026-03-02T10:00:00Z",
    ])
    let (a, _) = try ingest([("day2.csv", day2), ("day1.csv", day1)], into: scratch())
    let (b, _) = try ingest([("day1.csv", day1), ("day2.csv", day2)], into: scratch())
    let (c, _) = try ingest([("all.csv", union)], into: scratch())
    #expect(try a.ticketsFingerprint() == c.ticketsFingerprint())
    #expect(try b.ticketsFingerprint() == c.ticketsFingerprint())
  }

  @Test func deletedMergedAndSpamTicketsAreKeptButLeftOutOfMetrics() throws {
    let (w, _) = try ingest(
      [
        (
          "z.ndjson",
          """
          {"id":1,"created_at":"2026-03-02T08:00:00Z","status":"open"}
          {"id":2,"created_at":"2026-03-02T08:00:00Z","status":"deleted"}
          {"id":3,"created_at":"2026-03-02T08:00:00Z","status":"closed","tags":["closed_by_merge"]}

          """
        )
      ], into: scratch())
    #expect(try w.ticketCount() == 3)
    #expect(try w.ticket(source: "s", id: "2")?.excluded == "deleted")
    #expect(try w.ticketColumns().count == 1)
  }

  @Test func aDocumentThatFailsLeavesNothingBehind() throws {
    let (w, r) = try ingest(
      [
        (
          "bad.xml",
          "<tickets><ticket><nice-id>1</nice-id><created-at>2026-03-02T08:00:00Z</created-at></ticket>\n<ticket><oops></ticket></tickets>"
        )
      ], into: scratch())
    #expect(r[0].accounting.failed != nil && r[0].accounting.read == 0)
    #expect(try w.ticketCount() == 0)
    #expect(r[0].errors.first?.contains("bad.xml:2") == true)
  }
}

struct KnowledgeBaseTests {
  @Test func searchRanksTitleMatchesFirstAndFollowsUpdates() throws {
    let dir = scratch()
    let articles = """
      {"articles":[
        {"id":1,"title":"Requesting a refund","body":"<p>Open billing to ask for your money back.</p>","label_names":["billing"],"updated_at":"2026-01-01T00:00:00Z"},
        {"id":2,"title":"Shipping times","body":"<p>A refund is possible when a parcel is lost.</p>","label_names":["shipping"],"updated_at":"2026-01-01T00:00:00Z"},
        {"id":3,"title":"Passwords","body":"<p>Reset it.</p>","label_names":["login"],"updated_at":"2026-01-01T00:00:00Z"}]}
      """
    let (w, r) = try ingest([("kb.json", articles)], into: dir)
    #expect(r[0].accounting.inserted == 3)
    let hits = try w.searchArticles("refund")
    #expect(hits.map(\.id) == ["1", "2"])
    #expect(hits[0].score > hits[1].score)
    // A newer version of article 3 is indexed; the old text is gone from the index.
    let run = try w.beginRun(command: "t", pipeline: nil, startedAt: "t")
    try """
    {"articles":[{"id":3,"title":"Passwords and refunds","body":"<p>Reset it.</p>","updated_at":"2026-02-01T00:00:00Z"}]}
    """.write(toFile: dir + "/kb2.json", atomically: true, encoding: .utf8)
    let u = try TicketIngestor().load(
      path: dir + "/kb2.json", name: "kb2.json", format: nil, source: "s", zone: .utc, warehouse: w,
      runID: run)
    #expect(u.accounting.updated == 1)
    #expect(try w.searchArticles("refunds").map(\.id).first == "3")
    #expect(try w.searchArticles("passwords").count == 1)
    #expect(try w.searchArticles("").isEmpty)
  }
}
