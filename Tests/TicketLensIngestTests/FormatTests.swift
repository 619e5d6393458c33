import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel
import TicketLensTestSupport

/// Reads a whole in-memory file with the reader `InputOpener` picks (or `format`).
func readAll(
  _ text: String, name: String = "in.json", format: InputFormat? = nil, zone: ZoneRules = .utc
)
  throws -> RecordBatch
{
  let path = Scratch.file(name)
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return try readFile(path, name: name, format: format, zone: zone)
}

func readFile(
  _ path: String, name: String, format: InputFormat? = nil, zone: ZoneRules = .utc,
  mapping: FieldMapping? = nil, kind: RecordKind = .tickets
) throws -> RecordBatch {
  let opened = try InputOpener.open(
    path: path, name: name, format: format, source: "s", zone: zone, parallelism: 1,
    mapping: mapping, kind: kind)
  return readBatches(opened.reader)
}

/// Every chunk of a reader, in order, as one batch.
func readBatches(_ reader: any ChunkedRecordReader) -> RecordBatch {
  var all = RecordBatch()
  for i in 0..<reader.chunkCount {
    let b = reader.batch(i)
    all.tickets += b.tickets
    all.chats += b.chats
    all.articles += b.articles
    all.searchTerms += b.searchTerms
    all.ticketMetrics += b.ticketMetrics
    all.issues += b.issues
    all.read += b.read
  }
  return all
}

struct ZendeskJSONTests {
  static let ndjson = """
    {"ticket":{"id":1,"created_at":"2026-03-02T08:00:00Z","updated_at":"2026-03-03T10:00:00Z","subject":"Charged twice","status":"solved","priority":"high","requester_id":7,"submitter_id":7,"assignee_id":50,"group_id":9,"via":{"channel":"email"},"tags":["billing","vip"],"custom_fields":[{"id":360011112222,"value":"refund"},{"id":360011113333,"value":null}],"satisfaction_rating":{"score":"good"},"comments":[{"author_id":7,"public":true,"created_at":"2026-03-02T08:00:00Z"},{"author_id":50,"public":false,"created_at":"2026-03-02T08:10:00Z"},{"author_id":50,"public":true,"created_at":"2026-03-02T08:47:00Z"},{"author_id":7,"public":true,"created_at":"2026-03-02T09:00:00Z"},{"author_id":51,"public":true,"created_at":"2026-03-02T10:00:00Z"}],"audits":[{"created_at":"2026-03-02T08:47:00Z","events":[{"type":"Change","field_name":"status","value":"pending"}]},{"created_at":"2026-03-02T09:00:00Z","events":[{"type":"Change","field_name":"status","value":"open"}]},{"created_at":"2026-03-03T10:00:00Z","events":[{"type":"Comment","public":true},{"type":"Change","field_name":"status","value":"solved"}]}],"metric_set":{"reopens":0,"replies":2,"reply_time_in_minutes":{"calendar":47,"business":46}}}}
    {"id":2,"created_at":"2026-03-02T09:00:00Z","status":"deleted","via":{"channel":4}}
    {"id":3,"created_at":"yesterday"}
    {"id":4, "created_at":
    {"id":5,"created_at":"2026-03-02T09:00:00Z","status":"open","submitter_id":50,"requester_id":7,"tags":["closed_by_merge"],"comments":[{"author_id":50,"public":true,"created_at":"2026-03-02T09:00:00Z"},{"author_id":50,"public":true,"created_at":"2026-03-02T09:30:00Z"}]}

    """

  @Test func mapsTicketsCommentsAuditsAndMetrics() throws {
    let b = try readAll(Self.ndjson, name: "export.ndjson")
    #expect(b.read == 5)
    #expect(b.tickets.map(\.id) == ["1", "2", "5"])
    let t = b.tickets[0]
    #expect(t.subject == "Charged twice" && t.status == .solved && t.priority == .high)
    #expect(t.channel == "email" && t.requesterID == "7" && t.assignee == "50" && t.group == "9")
    #expect(t.tags == ["billing", "vip"])
    #expect(t.customFields == [CustomField(name: "360011112222", value: "refund")])
    #expect(t.satisfaction == .good)
    // First public agent reply: 08:47 (the 08:10 note is private; the requester's don't count).
    #expect(t.firstReplyAt?.iso8601 == "2026-03-02T08:47:00Z")
    #expect(t.replies == 2)  // from the comments: 08:47 and 10:00
    #expect(t.vendorMinutes.firstReply == 47 && t.vendorMinutes.firstReplyBusiness == 46)
    // Status history: new 08:00–08:47, pending 08:47–09:00, open 09:00–next day 10:00.
    #expect(t.agentWaitMinutes == 13)
    #expect(t.requesterWaitMinutes == 1547.0)
    #expect(t.onHoldMinutes == 0)
    #expect(t.solvedAt?.iso8601 == "2026-03-03T10:00:00Z")
    #expect(b.tickets[1].excluded == "deleted" && b.tickets[1].channel == "email")
    // The submitting agent's opening comment is not a reply; the second one is.
    #expect(b.tickets[2].firstReplyAt?.iso8601 == "2026-03-02T09:30:00Z")
    #expect(b.tickets[2].excluded == "merged")
    // Bad records: a bad timestamp (with its JSON path) and a line that is not JSON.
    #expect(b.issues.count == 2)
    #expect(b.issues[0].location.line == 3 && b.issues[0].location.field == "$.created_at")
    #expect(b.issues[0].code == .badTimestamp)
    // The raw text kept with a reject (built only for rejects) is the record's line.
    #expect(b.issues[0].raw == #"{"id":3,"created_at":"yesterday"}"#)
    #expect(b.issues[1].location.line == 4 && b.issues[1].message.contains("not well-formed JSON"))
    #expect(b.issues[1].raw == "{\"id\":4, \"created_at\":")
  }

  @Test func readsTheAPIPageShapeWithSideLoadedMetrics() throws {
    let page = """
      {"tickets":[{"id":10,"created_at":"2026-03-02T08:00:00Z"},{"id":11,"created_at":"2026-02-30T08:00:00Z"}],
       "metric_sets":[{"ticket_id":10,"reply_time_in_minutes":{"calendar":12,"business":null},"replies":1}],
       "end_of_stream":true}
      """
    let b = try readAll(page, name: "page.json")
    #expect(b.tickets.map(\.id) == ["10"])
    #expect(b.tickets[0].vendorMinutes.firstReply == 12 && b.tickets[0].replies == 1)
    #expect(b.issues.first?.location.field == "$.tickets[1].created_at")
    #expect(b.issues.first?.location.line == 1)
  }

  @Test func aTruncatedDocumentFailsTheFileWithItsPosition() {
    #expect {
      _ = try readAll(
        "{\"tickets\":[{\"id\":1,\n\"created_at\":\"2026-03-02T08:00:00Z\"", name: "cut.json",
        format: .zendeskJSON)
    } throws: { error in
      let e = error as? IngestIssue
      return e?.severity == .file && e?.location.line == 2
        && (e?.message.contains("line 2") ?? false)
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() throws {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: IngestIssue.self) {
      _ = try readAll("{\"tickets\":\(deep)}", name: "deep.json", format: .zendeskJSON)
    }
    let line =
      "{\"id\":1,\"created_at\":\"2026-03-02T08:00:00Z\",\"x\":" + deep
      + "}\n{\"id\":2,\"created_at\":\"2026-03-02T08:00:00Z\"}\n"
    let b = try readAll(line, name: "deep.ndjson", format: .zendeskJSON)
    #expect(b.tickets.map(\.id) == ["2"])
    #expect(b.issues.first?.message.contains("nesting deeper") == true)
  }

  @Test func ticketMetricsAreReadOnTheirOwn() throws {
    let b = try readAll(
      """
      {"ticket_metrics":[{"id":1,"ticket_id":48213,"updated_at":"2026-03-03T15:40:12Z","reopens":0,"replies":2,
      "reply_time_in_minutes":{"calendar":47,"business":47},"full_resolution_time_in_minutes":{"calendar":1548,"business":588}}]}
      """, name: "metrics.json")
    #expect(b.ticketMetrics.count == 1)
    #expect(
      b.ticketMetrics[0].ticketID == "48213"
        && b.ticketMetrics[0].vendorMinutes.fullResolutionBusiness == 588)
  }

  @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
    let b = try readAll(
      "{\"tickets\":[{\"id\":1,\"created_at\":\"2026-03-02T08:00:00Z\",\"subject\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}]}",
      name: "esc.json")
    #expect(b.tickets.first?.subject == "a\"b\\c\n\u{e9}\u{1F600}")
  }
}

struct ZendeskXMLTests {
  static let xml = """
    <?xml version="1.0" encoding="UTF-8"?>
    <tickets type="array">
      <ticket>
        <nice-id type="integer">48213</nice-id>
        <subject>Charged twice, need refund</subject>
        <description>Hi, my card was charged twice for order 7781.&#13;
    Can you refund one?</description>
        <status-id type="integer">3</status-id>
        <priority-id type="integer">3</priority-id>
        <requester-id type="integer">3912200144</requester-id>
        <assignee-id type="integer" nil="true"/>
        <current-tags>billing refund vip</current-tags>
        <created-at type="datetime">2026-03-02T08:14:05Z</created-at>
        <comments type="array">
          <comment>
            <author-id type="integer">3912200144</author-id>
            <is-public type="boolean">true</is-public>
            <created-at type="datetime">2026-03-02T08:14:05Z</created-at>
            <value>Hi, my card was charged twice</value>
          </comment>
          <comment>
            <author-id type="integer">381234567</author-id>
            <is-public type="boolean">true</is-public>
            <created-at type="datetime">2026-03-02T09:01:05Z</created-at>
            <value>Sorry, refunding now.</value>
          </comment>
        </comments>
        <ticket-field-entries type="array">
          <ticket-field-entry>
            <ticket-field-id type="integer">360011112222</ticket-field-id>
            <value>refund</value>
          </ticket-field-entry>
        </ticket-field-entries>
      </ticket>
      <ticket>
        <nice-id type="integer">48214</nice-id>
        <status-id type="integer">9</status-id>
        <created-at type="datetime">2026-03-02T08:14:05Z</created-at>
      </ticket>
    </tickets>

    """

  @Test func mapsTheLegacyElements() throws {
    let b = try readAll(Self.xml, name: "export.xml")
    #expect(b.read == 2)
    let t = try #require(b.tickets.first)
    #expect(t.id == "48213" && t.status == .solved && t.priority == .high)
    #expect(t.description == "Hi, my card was charged twice for order 7781.\r\nCan you refund one?")
    #expect(t.assignee == nil && t.requesterID == "3912200144")
    #expect(t.tags == ["billing", "refund", "vip"])
    #expect(t.firstReplyAt?.iso8601 == "2026-03-02T09:01:05Z" && t.replies == 1)
    #expect(t.customFields == [CustomField(name: "360011112222", value: "refund")])
    let issue = try #require(b.issues.first)
    #expect(issue.code == .badEnum)
    #expect(issue.location.field == "/tickets/ticket[2]/status-id")
    #expect(issue.location.line == 35)
  }

  @Test func malformedXMLFailsTheFileWithItsLine() throws {
    let b = try readAll(
      "<tickets>\n<ticket><nice-id>1</nice-id>\n<subject>x</subjec>\n</ticket></tickets>",
      name: "bad.xml")
    let issue = try #require(b.issues.first)
    #expect(issue.severity == .file && issue.location.line == 3)
  }

  @Test func billionLaughsIsRefusedWithoutExpansion() throws {
    var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
    for k in 1...9 {
      doc +=
        "<!ENTITY lol\(k) \"" + String(repeating: "&lol\(k == 1 ? "" : String(k - 1));", count: 10)
        + "\">\n"
    }
    doc +=
      "]>\n<tickets><ticket><nice-id>1</nice-id><subject>&lol9;</subject><created-at>2026-03-02T08:14:05Z</created-at></ticket></tickets>\n"
    #expect {
      _ = try readAll(doc, name: "lol.xml")
    } throws: { error in
      (error as? IngestIssue)?.message.contains("declares entities") == true
    }
  }

  @Test func externalEntitiesAreNeverFetched() throws {
    // A local file with a secret, and a loopback listener that must see no connection.
    let secret = Scratch.file("secret")
    try "TOP-SECRET".write(toFile: secret, atomically: true, encoding: .utf8)
    let listener = try LoopbackListener()
    for target in ["file://\(secret)", "http://127.0.0.1:\(listener.port)/x"] {
      let doc = """
        <?xml version="1.0"?>
        <!DOCTYPE tickets [<!ENTITY xxe SYSTEM "\(target)">]>
        <tickets><ticket><nice-id>1</nice-id><subject>&xxe;</subject><created-at>2026-03-02T08:14:05Z</created-at></ticket></tickets>
        """
      #expect(throws: IngestIssue.self) { _ = try readAll(doc, name: "xxe.xml") }
      // Even with the DOCTYPE check bypassed, the reader does not substitute entities.
      let plain = doc.replacingOccurrences(of: "<!DOCTYPE", with: "<!DOCTYPE").data(using: .utf8)!
      let f = MappedFile(path: "xxe.xml", contents: [UInt8](plain))
      let reader = XMLTicketReader.unchecked(file: f)
      let b = reader.batch(0)
      #expect(b.tickets.allSatisfy { !($0.subject ?? "").contains("TOP-SECRET") })
    }
    #expect(listener.connections() == 0)
  }

  @Test func anExternalDTDIsRefused() {
    let doc =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets SYSTEM \"http://127.0.0.1:9/t.dtd\">\n<tickets/>"
    #expect(throws: IngestIssue.self) { _ = try readAll(doc, name: "dtd.xml") }
  }
}

/// A TCP listener on 127.0.0.1 that counts connection attempts (for the XXE test).
final class LoopbackListener {
  let fd: Int32
  let port: UInt16

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    _ = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    listen(fd, 8)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    self.fd = fd
    port = UInt16(bigEndian: addr.sin_port)
  }

  func connections() -> Int {
    var n = 0
    while true {
      let c = accept(fd, nil, nil)
      if c < 0 { break }
      close(c)
      n += 1
    }
    return n
  }

  deinit { close(fd) }
}

struct FreshdeskTests {
  @Test func mapsIntegerCodesAndFlagsSpam() throws {
    let b = try readAll(
      """
      [{"id":9021,"subject":"Charged twice","description":"<div>Hi<br>refund</div>","status":4,"priority":3,"source":1,
        "type":"Refund","requester_id":43001234567,"responder_id":43000111222,"group_id":43000000333,"tags":["billing"],
        "spam":false,"fr_escalated":false,"created_at":"2026-03-02T08:14:05Z","updated_at":"2026-03-03T15:40:12Z",
        "custom_fields":{"cf_contact_reason":"Refund","cf_none":null},
        "stats":{"first_responded_at":"2026-03-02T09:01:00Z","resolved_at":"2026-03-03T10:02:47Z","closed_at":null}},
       {"id":9022,"status":2,"priority":9,"created_at":"2026-03-02T08:14:05Z","fr_escalated":false},
       {"id":9023,"status":5,"priority":1,"source":7,"spam":true,"created_at":"2026-03-02T08:14:05Z","fr_escalated":false}]
      """, name: "freshdesk.json")
    #expect(b.tickets.map(\.id) == ["9021", "9023"])
    let t = b.tickets[0]
    #expect(
      t.status == .solved && t.priority == .high && t.channel == "email"
        && t.assignee == "43000111222")
    #expect(t.description == "Hi\nrefund")
    #expect(
      t.firstReplyAt?.iso8601 == "2026-03-02T09:01:00Z"
        && t.solvedAt?.iso8601 == "2026-03-03T10:02:47Z")
    #expect(t.customFields == [CustomField(name: "cf_contact_reason", value: "Refund")])
    #expect(
      b.tickets[1].excluded == "spam" && b.tickets[1].channel == "chat"
        && b.tickets[1].status == .closed)
    #expect(b.issues.first?.location.field == "$[1].priority")
  }

  @Test func readsTheUIExportCSV() throws {
    let b = try readAll(
      """
      Ticket ID,Subject,Status,Priority,Source,Agent,Group,Created time,Resolved time,Initial response time,Tags,Email,First response time (in hrs)
      77,Where is my order,Resolved,Medium,Portal,Ana Souza,Logistics,2026-03-02 08:00:00,2026-03-02 12:00:00,2026-03-02 08:30:00,"shipping,late",a@example.org,0.5

      """, name: "fd.csv")
    let t = try #require(b.tickets.first)
    #expect(t.id == "77" && t.status == .solved && t.priority == .normal && t.channel == "web")
    #expect(
      t.assignee == "Ana Souza" && t.tags == ["shipping", "late"]
        && t.requesterEmail == "a@example.org")
    #expect(t.firstReplyAt?.iso8601 == "2026-03-02T08:30:00Z")
    #expect(t.vendorMinutes.firstReply == 30)
  }
}

struct ChatFormatTests {
  @Test func zendeskChatKeepsOfflineMessagesAndReadsHistory() throws {
    let b = try readAll(
      """
      {"chats":[
      {"id":"2603.1","type":"chat","timestamp":"2026-03-05T14:02:11Z","end_timestamp":"2026-03-05T14:11:40Z","missed":false,
       "department_name":"Billing","agent_ids":["381234567"],"agent_names":["Priya N"],"tags":["refund"],"rating":"good",
       "zendesk_ticket_id":48290,"visitor":{"id":"10234.QwErTy","name":"Dana","email":"dana@example.org"},
       "response_time":{"first":38},
       "history":[{"type":"chat.msg","timestamp":"2026-03-05T14:02:11Z","nick":"visitor:10234.QwErTy","msg":"Hi, I was charged twice"},
                  {"type":"chat.memberjoin","timestamp":"2026-03-05T14:02:44Z","nick":"agent:381234567"},
                  {"type":"chat.msg","timestamp":"2026-03-05T14:02:49Z","nick":"agent:381234567","msg":"Sorry about that"}]},
      {"id":"2603.2","type":"offline_msg","timestamp":"2026-03-05T23:00:00Z","message":"Call me back","visitor":{"id":"v2"}}
      ]}
      """, name: "chats.json")
    #expect(b.chats.count == 2)
    let c = b.chats[0]
    #expect(
      c.type == "chat" && c.group == "Billing" && c.agentID == "381234567"
        && c.satisfaction == .good)
    #expect(c.ticketID == "48290" && c.visitorEmail == "dana@example.org")
    #expect(c.messages.map(\.author) == [.visitor, .agent])
    #expect(c.firstAgentMessageAt?.iso8601 == "2026-03-05T14:02:49Z")
    #expect(c.missed == false)
    let o = b.chats[1]
    #expect(o.type == "offline_msg" && o.messages.first?.text == "Call me back" && o.missed == nil)
  }

  @Test func intercomUsesEpochSecondsAndSkipsNotes() throws {
    let b = try readAll(
      """
      {"type":"conversation.list","conversations":[{"type":"conversation","id":"1911149811","created_at":1772719331,"updated_at":1772723020,
       "state":"closed","admin_assignee_id":814860,"team_assignee_id":5017691,
       "source":{"type":"conversation","body":"<p>Hi, I was charged twice</p>","author":{"type":"user","id":"u1","name":"Dana"}},
       "tags":{"type":"tag.list","tags":[{"type":"tag","id":"7522907","name":"refund"}]},
       "conversation_rating":{"rating":5},
       "statistics":{"first_admin_reply_at":1772719369,"last_close_at":1772722981},
       "conversation_parts":{"type":"conversation_part.list","conversation_parts":[
         {"part_type":"note","body":"<p>internal</p>","created_at":1772719360,"author":{"type":"admin","id":"814860"}},
         {"part_type":"comment","body":"<p>Sorry &amp; checking</p>","created_at":1772719369,"author":{"type":"admin","id":"814860"}}]}},
       {"type":"conversation","id":"2","created_at":1772719331,"state":"open","source":{"body":"hello","author":{"type":"lead","id":"l"}}}]}
      """, name: "intercom.json")
    let c = try #require(b.chats.first)
    #expect(c.startedAt.iso8601 == "2026-03-05T14:02:11Z")
    #expect(c.firstAgentMessageAt?.iso8601 == "2026-03-05T14:02:49Z")
    #expect(c.messages.map(\.text) == ["Hi, I was charged twice", "Sorry & checking"])
    #expect(c.satisfaction == .good && c.rating == 5 && c.tags == ["refund"] && c.missed == false)
    #expect(b.chats[1].missed == nil)
  }

  @Test func genericChatDerivesFromMessages() throws {
    let b = try readAll(
      """
      {"id":"c1","visitor_id":"v1","started_at":"2026-03-05T10:00:00Z","rating":4,"messages":[{"author":"visitor","at":"2026-03-05T10:00:00Z","text":"hi"},{"author":"agent","at":"2026-03-05T10:00:40Z","text":"hello"},{"author":"visitor","at":"2026-03-05T10:05:00Z","text":"thanks"}]}
      {"id":"c2","visitor_id":"v2","started_at":"2026-03-05T11:00:00Z","messages":[{"author":"visitor","at":"2026-03-05T11:00:00Z","text":"anyone?"}]}
      {"id":"c3","started_at":"2026-03-05T11:00:00Z","missed":"maybe"}

      """, name: "chats.ndjson")
    #expect(b.chats.count == 2)
    #expect(b.chats[0].firstAgentMessageAt?.iso8601 == "2026-03-05T10:00:40Z")
    #expect(b.chats[0].endedAt?.iso8601 == "2026-03-05T10:05:00Z")
    #expect(b.chats[0].missed == false && b.chats[0].satisfaction == .good)
    #expect(b.chats[1].missed == true)
    #expect(b.issues.first?.location.line == 3 && b.issues.first?.location.field == "$.missed")
  }
}

struct KnowledgeBaseFormatTests {
  @Test func helpCenterBodiesBecomeTextSafely() throws {
    let b = try readAll(
      """
      {"articles":[{"id":360045678901,"title":"Requesting a refund","body":"<p>If you were charged twice, open <strong>Billing &gt; Payments</strong>.</p><script>alert(1)</script><ul><li>One</li><li>Two &#x2713;</li></ul>",
        "label_names":["refund","billing"],"section_id":360008765432,"draft":false,"updated_at":"2026-01-22T09:30:11Z"}]}
      """, name: "articles.json")
    let a = try #require(b.articles.first)
    #expect(a.body == "If you were charged twice, open Billing > Payments.\nOne\nTwo \u{2713}")
    #expect(a.labels == ["refund", "billing"] && a.section == "360008765432")
  }

  @Test func markdownFrontMatter() throws {
    let b = try readAll(
      "---\ntitle: \"Reset your password\"\nlabels:\n  - login\n  - password\nupdated_at: 2026-01-01T00:00:00Z\n---\n# Ignored heading\nUse the **reset** [link](https://x).\n",
      name: "reset.md")
    let a = try #require(b.articles.first)
    #expect(a.title == "Reset your password" && a.labels == ["login", "password"])
    #expect(a.body.contains("Use the reset link."))
    #expect(a.updatedAt?.iso8601 == "2026-01-01T00:00:00Z")
  }

  @Test func searchTermsByKeyword() throws {
    let b = try readAll(
      "date,search_term,locale,searches,results,clicks,tickets_created\n2026-03-02,refund double charge,en-us,41,0,0,6\n2026-03-02,x,en-us,many,1,1,1\n",
      name: "terms.csv")
    #expect(b.searchTerms.count == 1)
    #expect(
      b.searchTerms[0].query == "refund double charge" && b.searchTerms[0].searches == 41
        && b.searchTerms[0].results == 0)
    #expect(b.issues.first?.location.line == 3 && b.issues.first?.location.field == "searches")
  }
}

struct DetectionTests {
  static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("sample-data").path

  @Test(arguments: [
    ("tickets.csv", InputFormat.genericCSV), ("zendesk_tickets.csv", .zendeskCSV),
    ("zendesk/tickets.ndjson", .zendeskJSON),
    ("zendesk/ticket_metrics.json", .zendeskTicketMetrics),
    ("zendesk_tickets.xml", .zendeskXML), ("freshdesk_tickets.json", .freshdeskJSON),
    ("freshdesk_tickets.csv", .freshdeskCSV), ("chats.ndjson", .genericChat),
    ("zendesk_chats.json", .zendeskChat), ("intercom_conversations.json", .intercom),
    ("help_center_articles.json", .helpCenter), ("kb/delivery-times.md", .kbMarkdown),
    ("search_terms.csv", .searchTermsCSV),
  ])
  func detectsEverySampleFormat(file: String, expected: InputFormat) throws {
    let f = try MappedFile(path: Self.sample + "/" + file)
    #expect(InputFormat.sniff(name: file, bytes: f.bytes) == expected)
  }

  @Test func readsGzipTransparently() throws {
    let dir = Scratch.folder("gz")
    let source = Self.sample + "/chats.ndjson"
    try FileManager.default.copyItem(atPath: source, toPath: dir + "/chats.ndjson")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-k", dir + "/chats.ndjson"]
    try p.run()
    p.waitUntilExit()
    let plain = try readFile(dir + "/chats.ndjson", name: "chats.ndjson")
    let gz = try readFile(dir + "/chats.ndjson.gz", name: "chats.ndjson.gz")
    #expect(gz.chats.count == plain.chats.count && gz.chats == plain.chats && !gz.chats.isEmpty)
    // A truncated .gz fails the file.
    let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/chats.ndjson.gz"))
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.ndjson.gz"))
    #expect(throws: IngestIssue.self) {
      _ = try readFile(dir + "/cut.ndjson.gz", name: "cut.ndjson.gz")
    }
  }

  @Test func mappedExportsUseTheColumnsAndValueMaps() throws {
    let path = Scratch.file("map.csv")
    try "Nr;Betreff;Zustand;Erstellt\n7;Rechnung fehlt;Offen;2026-03-02 08:00:00\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let mapping = FieldMapping(
      columns: ["Nr": "id", "Betreff": "subject", "Zustand": "status", "Erstellt": "created_at"],
      values: ["status": ["Offen": "open"]])
    let b = try readFile(path, name: "mapped.csv", mapping: mapping)
    #expect(
      b.tickets.first?.id == "7" && b.tickets.first?.status == .open
        && b.tickets.first?.subject == "Rechnung fehlt")
    let nd = Scratch.file("map.ndjson")
    try
      "{\"key\":\"a1\",\"opened\":\"2026-03-02T08:00:00Z\",\"who\":\"v9\"}\n{\"key\":\"a2\",\"opened\":\"2026-03-02T09:00:00Z\"}\n"
      .write(toFile: nd, atomically: true, encoding: .utf8)
    let chats = try readFile(
      nd, name: "c.ndjson",
      mapping: FieldMapping(columns: ["key": "id", "opened": "started_at", "who": "visitor_id"]),
      kind: .chats)
    #expect(chats.chats.map(\.id) == ["a1", "a2"] && chats.chats[0].visitorID == "v9")
  }
}

struct XMLChunkingTests {
  static func document(_ n: Int, badAt: Int? = nil) -> String {
    var s = "<?xml version=\"1.0\"?>\n<tickets type=\"array\">\n"
    for i in 0..<n {
      let status = i % 997 == 5 ? "9" : "1"
      s +=
        "  <ticket>\n    <nice-id type=\"integer\">\(i)</nice-id>\n    <subject>Subject \(i) &amp; more</subject>\n"
      s +=
        "    <description>Line one\nline two of \(i)</description>\n    <status-id>\(status)</status-id>\n"
      s += "    <created-at type=\"datetime\">2026-03-02T08:14:05Z</created-at>\n"
      s += i == badAt ? "    <subject>broken</subjet>\n" : ""
      s += "  </ticket>\n"
    }
    return s + "</tickets>\n"
  }

  /// Reads like the ingestor: chunks in order, re-reading from a chunk that fails.
  func read(_ text: String, parallelism: Int) throws -> (RecordBatch, Int) {
    let f = MappedFile(path: "big.xml", contents: Array(text.utf8))
    let r = try XMLTicketReader(file: f, source: "s", parallelism: parallelism)
    var all = RecordBatch()
    for i in 0..<r.chunkCount {
      var b = r.batch(i)
      var stop = false
      if b.end != r.chunkEnd(i) {
        b = r.rest(from: i)
        stop = true
      }
      all.tickets += b.tickets
      all.issues += b.issues
      all.read += b.read
      if stop { break }
    }
    return (all, r.chunkCount)
  }

  @Test func parallelChunksGiveTheSequentialResult() throws {
    let text = Self.document(60_000)
    let (one, _) = try read(text, parallelism: 1)
    let (many, chunks) = try read(text, parallelism: 4)
    #expect(chunks > 1)
    #expect(many.tickets == one.tickets)
    #expect(many.issues == one.issues)
    #expect(many.tickets.count + many.issues.count == 60_000)
    #expect(one.issues.first?.location.field == "/tickets/ticket[6]/status-id")
    #expect(one.issues.first?.location.line == 8 * 5 + 3)
  }

  @Test func aMalformedChunkIsReportedWhereItIs() throws {
    let text = Self.document(60_000, badAt: 50_000)
    let (many, _) = try read(text, parallelism: 4)
    let failure = try #require(many.issues.first { $0.severity == .file })
    #expect(failure.location.line == 50_000 * 8 + 3 + 7)
  }
}

struct EscalationIngestTests {
  /// Zendesk audits: the first change that raised the priority or added an escalation tag.
  @Test func firstEscalatingAuditEventIsTheEscalationInstant() throws {
    func audit(_ at: String, _ event: String) -> String {
      "{\"created_at\":\"\(at)\",\"events\":[\(event)]}"
    }
    let lowered = audit(
      "2026-03-02T08:30:00Z",
      "{\"type\":\"Change\",\"field_name\":\"priority\",\"value\":\"low\",\"previous_value\":\"high\"}"
    )
    let raised = audit(
      "2026-03-02T11:00:00Z",
      "{\"type\":\"Change\",\"field_name\":\"priority\",\"value\":\"urgent\",\"previous_value\":\"normal\"}"
    )
    let tagged = audit(
      "2026-03-02T10:00:00Z",
      "{\"type\":\"Change\",\"field_name\":\"tags\",\"value\":[\"vip\",\"escalated\"],\"previous_value\":[\"vip\"]}"
    )
    let keptTag = audit(
      "2026-03-02T09:00:00Z",
      "{\"type\":\"Change\",\"field_name\":\"tags\",\"value\":\"escalated billing\",\"previous_value\":\"escalated\"}"
    )
    let lines = [
      "{\"id\":1,\"created_at\":\"2026-03-02T08:00:00Z\",\"audits\":[\(raised),\(lowered),\(tagged)]}",
      "{\"id\":2,\"created_at\":\"2026-03-02T08:00:00Z\",\"audits\":[\(lowered),\(keptTag)]}",
      "{\"id\":3,\"created_at\":\"2026-03-02T08:00:00Z\",\"audits\":[\(raised)]}",
    ]
    let b = try readAll(lines.joined(separator: "\n") + "\n", name: "zendesk.ndjson")
    #expect(b.issues.isEmpty, "\(b.issues)")
    #expect(
      b.tickets.map { $0.escalatedAt?.iso8601 } == [
        "2026-03-02T10:00:00Z", nil, "2026-03-02T11:00:00Z",
      ])
  }

  @Test func genericCSVReadsEscalatedAtAndRejectsABadOne() throws {
    let csv = """
      id,subject,created_at,escalated_at
      1,a,2026-03-02T08:00:00Z,2026-03-02T09:15:00Z
      2,b,2026-03-02T08:00:00Z,
      3,c,2026-03-02T08:00:00Z,soon

      """
    let b = try readAll(csv, name: "t.csv", format: .genericCSV)
    #expect(b.tickets.map { $0.escalatedAt?.iso8601 } == ["2026-03-02T09:15:00Z", nil])
    let issue = try #require(b.issues.first)
    #expect(issue.location.line == 4 && issue.location.field == "escalated_at")
    #expect(issue.message.contains("'soon' is not a timestamp"))
  }
}
