import TicketLensModel

/// Formats generated tickets as CSV records of one export format.
struct SampleWriter {
  let format: SampleFormat
  let zone: ZoneRules
  var bytes: [UInt8] = []

  init(format: SampleFormat, zone: ZoneRules) {
    self.format = format
    self.zone = zone
    bytes.reserveCapacity(1 << 22)
  }

  static func header(_ f: SampleFormat) -> String {
    switch f {
    case .genericCSV:
      return "id,subject,description,status,priority,channel,requester_id,requester_email,"
        + "assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,"
        + "replies,satisfaction,escalated_at"
    case .zendeskCSV:
      return "Summation column,Id,Requester,Requester id,Requester external id,Requester email,"
        + "Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,"
        + "Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,"
        + "Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies,"
        + "First reply time in minutes,First reply time in minutes within business hours,"
        + "First resolution time in minutes,First resolution time in minutes within business hours,"
        + "Full resolution time in minutes,Full resolution time in minutes within business hours,"
        + "Agent wait time in minutes,Agent wait time in minutes within business hours,"
        + "Requester wait time in minutes,Requester wait time in minutes within business hours,"
        + "On hold time in minutes,On hold time in minutes within business hours,"
        + "Contact Reason [list]"
    }
  }

  /// Appends the ticket (and, for some, an older version first); returns records written.
  mutating func append(_ t: SampleTicket) -> Int {
    var written = 0
    if t.olderVersion {
      var old = t
      old.status = "open"
      old.solved = nil
      old.satisfaction = nil
      old.updated = t.created + 60
      old.firstReply = nil
      old.replies = 0
      old.reopens = 0
      old.dirty = 0
      old.escalated = nil
      old.tags = old.tags.filter { $0 != "escalated" }
      record(old)
      written += 1
    }
    record(t)
    return written + 1
  }

  mutating func record(_ t: SampleTicket) {
    switch format {
    case .genericCSV: generic(t)
    case .zendeskCSV: zendesk(t)
    }
  }

  mutating func generic(_ t: SampleTicket) {
    var cells: [String] = [
      String(t.id), t.subject, t.description, t.status, t.priority ?? "", t.channel ?? "",
      String(t.requester + 5_000_000), "customer\(t.requester)@example.org",
      t.assignee.map { String(381_234_500 + $0) } ?? "", t.group ?? "",
      t.tags.joined(separator: " "), iso(t.created), iso(t.updated), t.firstReply.map(iso) ?? "",
      t.solved.map(iso) ?? "", String(t.reopens), String(t.replies), t.satisfaction ?? "",
      t.escalated.map(iso) ?? "",
    ]
    switch t.dirty {
    case 1: cells[11] = "31/02/2026 10:00"
    case 2: cells[4] = "P1"
    case 3: cells.removeLast(2)
    default: break
    }
    line(cells)
  }

  mutating func zendesk(_ t: SampleTicket) {
    let via = ["email": "Mail", "web": "Web Form", "chat": "Chat", "phone": "Voice", "api": "API"]
    let agent = t.assignee.map { SampleGenerator.agentNames[$0] } ?? ""
    let minutes = { (from: Int64, to: Int64?) -> String in to.map { String(($0 - from) / 60) } ?? ""
    }
    let full = t.solved.map { ($0 - t.created) / 60 }
    let agentWait = full.map { $0 / 5 }
    let reason = t.contactReason?.capitalized ?? ""
    let sat: String = {
      switch t.satisfaction {
      case "good": "Good"
      case "bad": "Bad"
      case "offered": "Offered"
      case "unoffered": "Not Offered"
      default: "Not Offered"
      }
    }()
    var cells: [String] = [
      "1", String(t.id), "Customer \(t.requester)", String(t.requester + 5_000_000), "",
      "customer\(t.requester)@example.org", "example.org", "Customer \(t.requester)", agent,
      t.group.map { $0.capitalized } ?? "", t.subject, t.tags.joined(separator: " "),
      t.status == "hold" ? "hold" : t.status,
      t.priority.map { $0 == "normal" ? "Normal" : $0.capitalized } ?? "-",
      via[t.channel ?? ""] ?? "", "incident", local(t.created), local(t.updated),
      t.assignee != nil ? local(t.firstReply ?? t.created) : "", "", "",
      t.assignee != nil ? local(t.firstReply ?? t.created) : "", t.solved.map(local) ?? "",
      full.map { String(($0 + 30) / 60) } ?? "", sat, "1", t.assignee != nil ? "1" : "0",
      String(t.reopens), String(t.replies), minutes(t.created, t.firstReply), "",
      full.map(String.init) ?? "", "", full.map(String.init) ?? "", "",
      agentWait.map(String.init) ?? "", "", full.map { String($0 - $0 / 5) } ?? "", "",
      t.solved != nil ? "0" : "", "", reason,
    ]
    switch t.dirty {
    case 1: cells[16] = "2026-02-30 10:00:00"
    case 2: cells[13] = "P1"
    case 3: cells.removeLast(3)
    default: break
    }
    line(cells)
  }

  mutating func line(_ cells: [String]) {
    for (k, c) in cells.enumerated() {
      if k > 0 { bytes.append(UInt8(ascii: ",")) }
      if c.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
        bytes.append(0x22)
        for b in c.utf8 {
          if b == 0x22 { bytes.append(0x22) }
          bytes.append(b)
        }
        bytes.append(0x22)
      } else {
        bytes.append(contentsOf: c.utf8)
      }
    }
    bytes.append(0x0A)
  }

  func iso(_ s: Int64) -> String { Instant(seconds: s).iso8601 }

  /// Zoneless wall-clock time in the account zone: `YYYY-MM-DD HH:MM:SS`.
  func local(_ s: Int64) -> String {
    let l = zone.localSecond(fromUTC: s)
    let iso = Instant(seconds: l).iso8601
    return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
  }
}

extension String {
  var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
