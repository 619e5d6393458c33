import Foundation
import Testing

/// Broken and hostile exports, each with its own fixture: the record is rejected (or the file
/// failed) with a message naming its place, and read = loaded + superseded + rejected holds.
struct HostileInputTests {
  struct Outcome {
    var read = 0
    var inserted = 0
    var updated = 0
    var unchanged = 0
    var superseded = 0
    var rejected = 0
    var errors: [String] = []
  }

  /// Ingests one fixture into a fresh warehouse and returns its accounting.
  static func ingest(_ name: String, _ bytes: [UInt8], format: String? = "generic-csv") throws
    -> Outcome
  {
    let dir = CLI.temporaryDirectory()
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
    let r = try CLI.run(
      ["ingest", dir + "/" + name, "--warehouse", dir + "/w.sqlite", "--json", "--no-sentiment"]
        + (format.map { ["--format", $0] } ?? []))
    let line = try #require(r.stdout.split(separator: "\n").first, "\(r.stderr)")
    let o = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    var out = Outcome()
    out.read = o["read"] as? Int ?? -1
    out.inserted = o["inserted"] as? Int ?? -1
    out.updated = o["updated"] as? Int ?? -1
    out.unchanged = o["unchanged"] as? Int ?? -1
    out.superseded = o["superseded"] as? Int ?? -1
    out.rejected = o["rejected"] as? Int ?? -1
    out.errors = o["errors"] as? [String] ?? []
    // Nothing lost, nothing invented.
    #expect(
      out.read == out.inserted + out.updated + out.unchanged + out.superseded + out.rejected,
      "\(name): \(out)")
    return out
  }

  /// Known JSON fields of the wrong type: text given as an object or array, a count given as an
  /// array, are rejected naming the JSON path and what was found (they used to be stored as
  /// nothing); tags given as one string are split as the CSV exports' are.
  @Test func wrongJSONTypesAreRejectedNamingThePath() throws {
    let page = """
      {"tickets": [
      {"id": 1, "subject": {"text": "hi"}, "status": "open", "created_at": "2026-03-01T10:00:00Z"},
      {"id": 2, "subject": "ok", "status": "open", "created_at": "2026-03-01T10:00:00Z", "tags": "vip billing"},
      {"id": 3, "subject": ["x"], "status": "open", "created_at": "2026-03-01T10:00:00Z"}
      ]}
      """
    let o = try Self.ingest("page.json", Array(page.utf8), format: nil)
    #expect(o.read == 3 && o.inserted == 1 && o.rejected == 2, "\(o)")
    #expect(
      o.errors.contains { $0.contains("$.tickets[0].subject: expected text, found an object") })
    #expect(
      o.errors.contains { $0.contains("$.tickets[2].subject: expected text, found an array") })
    let dir = CLI.temporaryDirectory()
    try page.write(toFile: dir + "/page.json", atomically: true, encoding: .utf8)
    let records = try CLI.run(["inspect", dir + "/page.json"])
    #expect(records.stdout.contains("\"tags\":[\"vip\",\"billing\"]"), "\(records.stdout)")
    // A generic chat whose agent id is an object.
    let chat = """
      {"id": "c1", "started_at": "2026-03-01T10:00:00Z", "agent_id": {"id": 7}, "messages": []}
      {"id": "c2", "started_at": "2026-03-01T10:00:00Z", "agent_id": "7", "messages": []}

      """
    let c = try Self.ingest("chats.ndjson", Array(chat.utf8), format: "generic-chat")
    #expect(c.read == 2 && c.inserted == 1 && c.rejected == 1, "\(c)")
    #expect(c.errors.contains { $0.contains("agent_id: expected text, found an object") }, "\(c)")
    // A key twice in one record: which value is meant cannot be told, so the record is rejected.
    let twice = """
      {"tickets": [
      {"id": 1, "subject": "a", "id": 2, "status": "open", "created_at": "2026-03-01T10:00:00Z"},
      {"id": 3, "subject": "b", "status": "open", "created_at": "2026-03-01T10:00:00Z"}
      ]}
      """
    let d = try Self.ingest("twice.json", Array(twice.utf8), format: nil)
    #expect(d.read == 2 && d.inserted == 1 && d.rejected == 1, "\(d)")
    #expect(d.errors.contains { $0.contains("$.tickets[0].id: the key appears twice") }, "\(d)")
  }

  static let header = Array("id,subject,created_at\n".utf8)
  static func row(_ id: String, _ subject: String) -> [UInt8] {
    Array("\(id),\(subject),2026-03-02T08:00:00Z\n".utf8)
  }

  @Test func brokenRecordsAreRejectedWithTheirPlace() throws {
    // (file, bytes, inserted, rejected, message)
    let cases: [(String, [UInt8], Int, Int, String)] = [
      (
        "truncated.csv", Self.header + Self.row("1", "a") + Array("2,\"never closed,2026".utf8),
        1, 1, "truncated.csv:3: unterminated quoted field opened on line 3"
      ),
      (
        "ragged.csv", Self.header + Array("1,a\n".utf8) + Self.row("2", "b"), 1, 1,
        "ragged.csv:2: ragged row: 2 fields where the header has 3"
      ),
      (
        "utf8.csv",
        Self.header + Self.row("1", "ok") + Array("2,bad \u{1}".utf8) + [0xC3, 0x28]
          + Array(",2026-03-02T08:00:00Z\n".utf8), 1, 1,
        "utf8.csv:3: invalid UTF-8 in field 2"
      ),
      (
        "latin1.csv",
        Self.header + Array("1,caf".utf8) + [0xE9] + Array(",2026-03-02T08:00:00Z\n".utf8),
        0, 1, "latin1.csv:2: invalid UTF-8 in field 2 at byte offset 27 (byte 0xE9)"
      ),
      (
        "nul.csv",
        Self.header + Array("1,a".utf8) + [0] + Array("b,2026-03-02T08:00:00Z\n".utf8)
          + Self.row("2", "b"), 1, 1, "nul.csv:2: NUL byte in field 2 at byte offset 25"
      ),
      (
        "far.csv", Self.header + Array("1,a,0001-01-01T00:00:00Z\n2,b,9999-12-31T23:59:59Z\n".utf8),
        0, 2,
        "far.csv:2 [created_at]: created_at: '0001-01-01T00:00:00Z' is outside the years 1970–2099"
      ),
      (
        "negative.csv",
        Array("id,created_at,reopens\n1,2026-03-02T08:00:00Z,-1\n2,2026-03-02T08:00:00Z,1\n".utf8),
        1, 1, "negative.csv:2 [reopens]: reopens: '-1' is not a whole number"
      ),
      (
        "huge-field.csv",
        Self.header + Self.row("1", String(repeating: "x", count: 17 << 20))
          + Self.row("2", "ok"), 1, 1,
        "huge-field.csv:2: field 2 holds 17825792 bytes, more than the 16 MiB a field may hold"
      ),
    ]
    for (name, bytes, inserted, rejected, message) in cases {
      let o = try Self.ingest(name, bytes)
      #expect(o.inserted == inserted && o.rejected == rejected, "\(name): \(o)")
      #expect(o.errors.contains { $0.contains("/" + message) }, "\(name): \(o.errors)")
    }
  }

  @Test func aFiveMegabyteFieldIsKept() throws {
    let o = try Self.ingest(
      "five.csv", Self.header + Self.row("1", String(repeating: "y", count: 5_000_000)))
    #expect(o.inserted == 1 && o.errors.isEmpty)
  }

  @Test func duplicatesAreSupersededNotLost() throws {
    let o = try Self.ingest(
      "dup.csv",
      Self.header
        + Array(
          "1,old,2026-03-02T08:00:00Z\n1,new,2026-03-02T08:00:00Z\n2,b,2026-03-02T08:00:00Z\n".utf8)
    )
    #expect(o.read == 3 && o.inserted == 2 && o.superseded == 1)
  }

  @Test func structuralGarbageFailsTheFileWithItsPlace() throws {
    let deepJSON =
      "{\"tickets\":" + String(repeating: "[", count: 10_000)
      + String(repeating: "]", count: 10_000) + "}"
    let deepXML =
      "<tickets>" + String(repeating: "<ticket>", count: 10_000)
      + String(repeating: "</ticket>", count: 10_000) + "</tickets>"
    let cases: [(String, String, String?, String)] = [
      ("deep.json", deepJSON, nil, "deep.json:1 [column 267]: not well-formed JSON"),
      (
        "cut.json", "{\"tickets\":[{\"id\":1,\"created_at\":\"2026-03-02T08:00:00Z\"},{\"id\":2,",
        nil, "cut.json:1 [column 66]: not well-formed JSON at line 1, column 66"
      ),
      ("deep.xml", deepXML, "zendesk-xml", "deep.xml:1: not well-formed XML at line 1"),
      ("empty.csv", "", "generic-csv", "empty.csv: the file is empty"),
      (
        "no-id.csv", "subject,created_at\na,2026-03-02T08:00:00Z\n", "generic-csv",
        "no-id.csv:1 [id]: required column 'id' is missing"
      ),
    ]
    for (name, text, format, message) in cases {
      let o = try Self.ingest(name, Array(text.utf8), format: format)
      // A file failing on its header says how many records it held: read and rejected.
      let held = name == "no-id.csv" ? 1 : 0
      #expect(o.read == held && o.rejected == held && o.inserted == 0, "\(name): \(o)")
      #expect(o.errors.contains { $0.contains("/" + message) }, "\(name): \(o.errors)")
    }
  }

  /// A file failing on its header (a missing or duplicate column) counts its records as read and
  /// rejected, and its message says how many (quoted line breaks are one record).
  @Test func aFileFailingOnItsHeaderCountsWhatItHeld() throws {
    let missing = try Self.ingest(
      "missing.csv",
      Array(
        "ticket,subject,created_at\n1,a,2026-03-01T10:00:00Z\n2,\"b\nc\",2026-03-01T10:00:00Z\n3,c,2026-03-01T10:00:00Z\n"
          .utf8))
    #expect(missing.read == 3 && missing.rejected == 3, "\(missing)")
    #expect(
      missing.errors.contains {
        $0.contains("is missing (format generic-csv); none of its 3 records were loaded")
      }, "\(missing)")
    let twice = try Self.ingest(
      "twice.csv", Array("id,subject,Subject,created_at\n1,a,b,2026-03-01T10:00:00Z\n".utf8))
    #expect(twice.read == 1 && twice.rejected == 1, "\(twice)")
    #expect(twice.errors.contains { $0.contains("none of its 1 record was loaded") }, "\(twice)")
  }

  @Test func headerOnlyAndUnknownColumnsLoadWhatThereIs() throws {
    let header = try Self.ingest("header.csv", Self.header)
    #expect(header.read == 0 && header.errors.isEmpty)
    let unknown = try Self.ingest(
      "unknown.csv", Array("id,subject,created_at,mood\n1,a,2026-03-02T08:00:00Z,happy\n".utf8))
    #expect(unknown.read == 1 && unknown.inserted == 1)
  }
}
