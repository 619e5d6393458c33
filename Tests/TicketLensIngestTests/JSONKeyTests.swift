import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel
import TicketLensTestSupport

/// No JSON field is dropped without a word: keys a format neither reads nor documents are
/// warned about once per file (path, line for NDJSON, "did you mean"), and a ticket file whose
/// keys fit another format is read as that one, saying so.
struct JSONKeyTests {
  static func open(_ text: String, name: String, format: InputFormat? = nil) throws
    -> any ChunkedRecordReader
  {
    let path = Scratch.file(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try InputOpener.open(
      path: path, name: name, format: format, source: "s", zone: .utc, parallelism: 1
    ).reader
  }

  /// The issue's case: `{"tickets": [...]}` with the generic field names.
  static let generic = """
    {"tickets": [
     {"id": "1", "subject": "Refund", "status": "solved", "channel": "email", "created_at": "2026-03-01T08:00:00Z", "updated_at": "2026-03-02T08:00:00Z", "first_reply_at": "2026-03-01T09:00:00Z", "solved_at": "2026-03-02T08:00:00Z", "reopens": 1, "replies": 3, "satisfaction": "good", "assignee_id": "7", "group_id": "9"},
     {"id": "2", "subject": "Login", "status": "open", "channel": "web", "created_at": "2026-03-01T10:00:00Z", "replies": 0, "subjct": "typo", "colour": "red"}
    ]}
    """

  @Test func genericFieldNamesAreReadAsGenericJSONAndSaySo() throws {
    let reader = try Self.open(Self.generic, name: "tickets.json")
    #expect(reader.formatName == "generic-json")
    let first = try #require(reader.warnings.first)
    #expect(first.code == .formatRedetected && first.severity == .warning)
    #expect(
      first.message.contains("read as generic-json") && first.message.contains("zendesk-json"))
    let b = reader.batch(0)
    #expect(b.read == 2 && b.tickets.count == 2 && b.issues.isEmpty)
    let t = b.tickets[0]
    #expect(t.channel == "email" && t.assignee == "7" && t.group == "9")
    #expect(t.firstReplyAt?.iso8601 == "2026-03-01T09:00:00Z")
    #expect(t.solvedAt?.iso8601 == "2026-03-02T08:00:00Z")
    #expect(t.reopens == 1 && t.replies == 3 && t.satisfaction == .good)
    // Keys no format reads: one warning each, with the path of the first record holding it.
    let unknown = reader.warnings.filter { $0.code == .unknownColumn }
    #expect(unknown.map(\.location.field) == ["$.tickets[1].subjct", "$.tickets[1].colour"])
    #expect(unknown[0].message.hasSuffix("did you mean 'subject'?"))
    #expect(!unknown[1].message.contains("did you mean"))
  }

  @Test func aForcedFormatIsKeptAndEveryKeyItDropsIsNamed() throws {
    let reader = try Self.open(Self.generic, name: "tickets.json", format: .zendeskJSON)
    #expect(reader.formatName == "zendesk-json")
    let named = Dictionary(
      reader.warnings.map { ($0.location.field ?? "", $0.message) }, uniquingKeysWith: { a, _ in a }
    )
    for key in ["channel", "first_reply_at", "solved_at", "reopens", "replies", "satisfaction"] {
      let m = try #require(named["$.tickets[0].\(key)"], "\(key)")
      #expect(m.contains("it is a field of generic-json"), "\(m)")
    }
    #expect(named["$.tickets[0].assignee_id"] == nil && named["$.tickets[0].subject"] == nil)
  }

  @Test func ndjsonWarningsNameTheLine() throws {
    let text = """
      {"id":1,"created_at":"2026-03-02T08:00:00Z","status":"open","via":{"channel":"email"}}
      {"id":2,"created_at":"2026-03-02T09:00:00Z","status":"open","priorty":"high"}

      """
    let reader = try Self.open(text, name: "export.ndjson")
    #expect(reader.formatName == "zendesk-json")
    #expect(reader.warnings.count == 1)
    let w = try #require(reader.warnings.first)
    #expect(w.location.line == 2 && w.location.field == "$.priorty")
    #expect(w.message.hasSuffix("did you mean 'priority'?"))
  }

  /// Our own sample exports use only keys their formats read or document.
  @Test func sampleExportsWarnOfNothing() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-data")
    for name in [
      "freshdesk_tickets.json", "help_center_articles.json", "intercom_conversations.json",
      "zendesk_chats.json", "chats.ndjson", "zendesk/ticket_metrics.json", "zendesk/tickets.ndjson",
    ] {
      let reader = try InputOpener.open(
        path: dir.appendingPathComponent(name).path, name: name, format: nil, source: "s",
        zone: .utc, parallelism: 1
      ).reader
      #expect(reader.warnings.isEmpty, "\(name): \(reader.warnings.map(\.description))")
    }
  }

  @Test func nearestKeyNeedsAFewEditsAndALongEnoughName() {
    #expect(KeySample.nearest("subjct", in: ["subject", "status"]) == "subject")
    #expect(KeySample.nearest("ix", in: ["id"]) == nil)
    #expect(KeySample.nearest("colour", in: ["color", "status"]) == "color")
    #expect(KeySample.nearest("organisation", in: ["organization_id"]) == nil)
    #expect(KeySample.distance(Array("kitten".utf8), Array("sitting".utf8)) == 3)
  }
}
