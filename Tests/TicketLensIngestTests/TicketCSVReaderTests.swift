import Testing

@testable import TicketLensIngest
@testable import TicketLensModel

func readTickets(
  _ text: String, format: TicketFormat? = nil, zone: ZoneRules = .utc
) throws -> (TicketBatch, TicketCSVReader) {
  let f = MappedFile(path: "in.csv", contents: Array(text.utf8))
  let r = try TicketCSVReader(file: f, format: format, source: "s", zone: zone, parallelism: 1)
  return (readAll(r), r)
}

/// Every chunk of `reader`, in order, as one batch.
func readAll(_ reader: any ChunkedRecordReader) -> RecordBatch {
  var all = RecordBatch()
  for i in 0..<reader.chunkCount {
    let b = reader.batch(i)
    all.tickets += b.tickets
    all.lines += b.lines
    all.issues += b.issues
    all.read += b.read
  }
  return all
}

struct GenericTicketCSVTests {
  static let header =
    "id,subject,description,status,priority,channel,requester_id,requester_email,assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,replies,satisfaction\n"

  @Test func mapsEveryColumn() throws {
    let text =
      Self.header
      + "42,\"Charged twice, need refund\",\"Hi,\nrefund please\",Solved,High,Mail,7,d@example.org,381,billing,billing refund vip,2026-03-02T08:14:05Z,2026-03-03T15:40:12Z,2026-03-02T09:01:00Z,2026-03-03T10:02:47Z,1,2,good\n"
    let (b, _) = try readTickets(text)
    #expect(b.issues.isEmpty)
    let t = try #require(b.tickets.first)
    #expect(t.id == "42")
    #expect(t.source == "s")
    #expect(t.subject == "Charged twice, need refund")
    #expect(t.description == "Hi,\nrefund please")
    #expect(t.status == .solved)
    #expect(t.statusRaw == "Solved")
    #expect(t.priority == .high)
    #expect(t.channel == "email")
    #expect(t.requesterID == "7")
    #expect(t.requesterEmail == "d@example.org")
    #expect(t.assignee == "381")
    #expect(t.group == "billing")
    #expect(t.tags == ["billing", "refund", "vip"])
    #expect(t.createdAt.iso8601 == "2026-03-02T08:14:05Z")
    #expect(t.updatedAt?.iso8601 == "2026-03-03T15:40:12Z")
    #expect(t.firstReplyAt?.iso8601 == "2026-03-02T09:01:00Z")
    #expect(t.solvedAt?.iso8601 == "2026-03-03T10:02:47Z")
    #expect(t.reopens == 1)
    #expect(t.replies == 2)
    #expect(t.satisfaction == .good)
    #expect(b.lines == [2])
  }

  @Test func emptyCellsAreNull() throws {
    let (b, _) = try readTickets(Self.header + "1,,,,,,,,,,,2026-03-02T08:14:05Z,,,,,,\n")
    let t = try #require(b.tickets.first)
    #expect(t.subject == nil && t.status == nil && t.priority == nil && t.firstReplyAt == nil)
    #expect(t.reopens == nil && t.tags.isEmpty && t.satisfaction == nil)
  }

  @Test(
    arguments: [
      ("1,s,d,open,high,web,,,,,,31/02/2026,,,,,,", "bad_timestamp", "created_at", 2),
      ("1,s,d,open,P1,web,,,,,,2026-03-02T08:14:05Z,,,,,,", "bad_value", "priority", 2),
      ("1,s,d,weird,high,web,,,,,,2026-03-02T08:14:05Z,,,,,,", "bad_value", "status", 2),
      ("1,s,d,open,high,web,,,,,,2026-03-02T08:14:05Z,,,,x,,", "bad_number", "reopens", 2),
      // 25 digits: rejected, not an overflow (the fuzzer's timestamp finding, here for counts).
      (
        "1,s,d,open,high,web,,,,,,2026-03-02T08:14:05Z,,,,9999999999999999999999999,,",
        "bad_number", "reopens", 2
      ),
      ("1,s,d,open,high,web,,,,,,2026-03-02T08:14:05Z,,,,,,meh", "bad_value", "satisfaction", 2),
      (",s,d,open,high,web,,,,,,2026-03-02T08:14:05Z,,,,,,", "missing_value", "id", 2),
      ("1,s,d,open,high,web,,,,,,,,,,,,", "missing_value", "created_at", 2),
      ("1,s,d,open", "ragged_row", nil, 2),
    ] as [(String, String, String?, Int)])
  func rejectsBadRecordsNamingFieldAndLine(row: String, code: String, field: String?, line: Int)
    throws
  {
    let (b, _) = try readTickets(
      Self.header + row + "\n2,ok,,open,,,,,,,,2026-03-02T08:14:05Z,,,,,,\n")
    #expect(b.read == 2)
    #expect(b.tickets.map(\.id) == ["2"])
    let issue = try #require(b.issues.first)
    #expect(issue.code.rawValue == code)
    #expect(issue.location.field == field)
    #expect(issue.location.line == line)
    #expect(issue.location.file == "in.csv")
    #expect(issue.raw == row)
  }

  @Test func missingRequiredColumnFailsTheFile() {
    #expect(throws: IngestIssue.self) {
      _ = try readTickets("id,subject\n1,x\n", format: .genericCSV)
    }
    do {
      _ = try readTickets("id,subject\n1,x\n", format: .genericCSV)
    } catch let error as IngestIssue {
      #expect(error.code == .missingColumn)
      #expect(error.message.contains("created_at"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func emptyFileFailsAndHeaderOnlyHasNoRecords() throws {
    #expect(throws: IngestIssue.self) { _ = try readTickets("") }
    let (b, _) = try readTickets(Self.header)
    #expect(b.read == 0)
  }

  @Test func unknownColumnsWarnAndAreIgnored() throws {
    let (b, r) = try readTickets("id,created_at,mood\n1,2026-03-02T08:14:05Z,happy\n")
    #expect(b.tickets.count == 1)
    #expect(r.warnings.map(\.code) == [.unknownColumn])
  }
}

struct ZendeskTicketCSVTests {
  static let sample = """
    Summation column,Id,Requester,Requester id,Requester external id,Requester email,Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies,First reply time in minutes,First reply time in minutes within business hours,First resolution time in minutes,First resolution time in minutes within business hours,Full resolution time in minutes,Full resolution time in minutes within business hours,Agent wait time in minutes,Agent wait time in minutes within business hours,Requester wait time in minutes,Requester wait time in minutes within business hours,On hold time in minutes,On hold time in minutes within business hours,Contact Reason [list]
    1,48213,Dana Reyes,3912200144,,dana@example.org,example.org,Dana Reyes,Priya N,Billing,"Charged twice, need refund",billing refund vip,solved,high,Mail,incident,2026-03-02 09:14:05 +0100,2026-03-03 16:40:12 +0100,2026-03-02 09:31:00 +0100,Example Org,,2026-03-02 09:31:00 +0100,2026-03-03 11:02:47 +0100,26,Good,1,1,0,2,47,47,1548,588,1548,588,195,195,1353,393,0,0,Refund
    1,48214,Sam Lee,3912200145,,sam@example.org,example.org,Sam Lee,,Support,Where is my order,"shipping,late",open,-,Web Form,question,3/2/2026 10:00,2026-03-02 10:05:00,,,,,,,Not Offered,0,0,0,0,,,,,,,,,,,,,

    """

  @Test func mapsTheDocumentedExample() throws {
    let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
    let (b, r) = try readTickets(Self.sample, zone: berlin)
    #expect(r.format == .zendeskCSV)
    #expect(b.issues.isEmpty)
    #expect(b.tickets.count == 2)
    let t = b.tickets[0]
    #expect(t.id == "48213")
    #expect(t.requesterName == "Dana Reyes")
    #expect(t.requesterID == "3912200144")
    #expect(t.assignee == "Priya N")
    #expect(t.group == "Billing")
    #expect(t.channel == "email")
    #expect(t.ticketType == "incident")
    #expect(t.organization == "Example Org")
    #expect(t.createdAt.iso8601 == "2026-03-02T08:14:05Z")
    #expect(t.solvedAt?.iso8601 == "2026-03-03T10:02:47Z")
    #expect(t.satisfaction == .good)
    #expect(t.vendorMinutes.firstReply == 47)
    #expect(t.vendorMinutes.fullResolutionBusiness == 588)
    #expect(t.vendorMinutes.requesterWait == 1353)
    #expect(t.customFields == [CustomField(name: "Contact Reason", value: "Refund")])
    let u = b.tickets[1]
    // Zoneless account-zone times, including the US form, are read in Europe/Berlin.
    #expect(u.createdAt.iso8601 == "2026-03-02T09:00:00Z")
    #expect(u.updatedAt?.iso8601 == "2026-03-02T09:05:00Z")
    #expect(u.priority == nil)
    #expect(u.tags == ["shipping", "late"])
    #expect(u.satisfaction == .unoffered)
    #expect(u.channel == "web")
    #expect(u.vendorMinutes.firstReply == nil)
  }

  @Test func sniffsTheFormatFromTheHeader() throws {
    let (_, r) = try readTickets(Self.sample)
    #expect(r.format == .zendeskCSV)
    let (_, g) = try readTickets(GenericTicketCSVTests.header)
    #expect(g.format == .genericCSV)
  }
}
