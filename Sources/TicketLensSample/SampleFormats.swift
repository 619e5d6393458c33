import Dispatch
import TicketLensModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One generated chat before it is written in some export format.
struct SampleChat {
  var id: Int
  var topic: Int
  var visitor: Int
  var agent: Int?
  var started: Int64
  var firstAgent: Int64?
  var ended: Int64
  var missed: Bool
  var rating: String?
  var offline: Bool
  var messages: [(agent: Bool, at: Int64, text: String)]
}

extension SampleGenerator {
  func chat(_ i: Int, count: Int) -> SampleChat {
    var r = RandomSource(seed: options.seed &* 0x5851_F42D_4C95_7F2D ^ UInt64(i) &* 0xC2B2_AE35)
    let u = (Double(i) + r.unit()) / Double(max(1, count)) * cumulative[cumulative.count - 1]
    var lo = 0
    var hi = cumulative.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
    }
    let started = startSecond + Int64(lo) * 3600 + Int64(r.int(0..<3600))
    let topicIndex = r.weighted(Topics.all.map(\.weight))
    let topic = Topics.all[topicIndex]
    let offline = r.chance(0.04)
    let missed = !offline && r.chance(0.08)
    let agent: Int? =
      (offline || missed) ? nil : r.zipf(Self.agentNames.count, s: 1.1, table: agentTable)
    let wait = Int64(r.logNormal(median: 40, sigma: 0.9)) + 1
    let duration = Int64(r.logNormal(median: 480, sigma: 0.8)) + 30
    var messages: [(Bool, Int64, String)] = []
    var t = started
    messages.append(
      (false, t, r.pick(topic.subjects).replacingOccurrences("{x}", r.pick(topic.fillers))))
    if let _ = agent {
      t += wait
      messages.append(
        (
          true, t,
          r.pick([
            "Hi! Let me look into that.", "Thanks for waiting, checking now.",
            "Hello, happy to help.",
          ])
        ))
      let turns = 1 + r.int(0..<5)
      for k in 0..<turns {
        t += max(5, duration / Int64(turns * 2 + 1))
        let fromAgent = k % 2 == 1
        messages.append(
          (
            fromAgent, t,
            fromAgent
              ? r.pick([
                "Done, anything else?", "I have updated it for you.",
                "Could you confirm the order number?",
              ])
              : r.pick(topic.sentences).replacingOccurrences("{x}", r.pick(topic.fillers))
          ))
      }
    }
    let rating: String? =
      agent == nil ? nil : ["good", "bad", nil, nil][r.weighted([55, 10, 20, 15])]
    return SampleChat(
      id: 500_000 + i, topic: topicIndex,
      visitor: r.zipf(requesterTable.count, s: 0.9, table: requesterTable),
      agent: agent, started: started, firstAgent: agent == nil ? nil : started + wait,
      ended: max(t, started + 30), missed: missed, rating: rating, offline: offline,
      messages: messages)
  }

  /// Writes `count` records in `format` to `path`, in parallel chunks, and returns the count.
  @discardableResult
  public func write(_ format: SampleJSONFormat, count: Int, to path: String, zone: ZoneRules = .utc)
    throws(SampleError) -> Int
  {
    let chunk = 8192
    let chunks = max(1, (count + chunk - 1) / chunk)
    let parts = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: chunks)
    parts.initialize(repeating: [])
    defer {
      parts.deinitialize()
      parts.deallocate()
    }
    let box = PartsBox(parts)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      var out: [UInt8] = []
      out.reserveCapacity(chunk * 600)
      for i in (c * chunk)..<min(count, (c + 1) * chunk) {
        let text = self.record(format, i, count: count, zone: zone)
        if format.isDocument && i > 0 { out.append(contentsOf: ",\n".utf8) }
        out.append(contentsOf: text.utf8)
        if !format.isDocument { out.append(0x0A) }
      }
      box.buffer[c] = out
    }
    guard let f = fopen(path, "wb") else {
      throw SampleError(message: "\(path): cannot create: \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var ok = true
    let (head, tail) = format.frame
    ok = fputs(head, f) >= 0
    for c in 0..<chunks where ok {
      ok =
        parts[c].isEmpty
        || parts[c].withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) == $0.count }
    }
    ok = ok && fputs(tail, f) >= 0
    guard ok else { throw SampleError(message: "\(path): write failed") }
    return count
  }

  func record(_ format: SampleJSONFormat, _ i: Int, count: Int, zone: ZoneRules) -> String {
    switch format {
    case .zendeskNDJSON: return zendeskTicketJSON(ticket(i), wrapped: true)
    case .zendeskTicketMetrics: return zendeskMetricsJSON(ticket(i))
    case .zendeskXML: return zendeskTicketXML(ticket(i))
    case .freshdeskJSON: return freshdeskJSON(ticket(i))
    case .zendeskChat: return zendeskChatJSON(chat(i, count: count))
    case .intercom: return intercomJSON(chat(i, count: count))
    case .genericChat: return genericChatJSON(chat(i, count: count))
    }
  }

  // MARK: - Tickets

  func iso(_ s: Int64) -> String { Instant(seconds: s).iso8601 }
  func q(_ s: String) -> String { JSONQuote.quote(s) }

  func zendeskTicketJSON(_ t: SampleTicket, wrapped: Bool) -> String {
    let requester = 5_000_000 + t.requester
    let agent = t.assignee.map { 381_234_500 + $0 }
    var comments = [
      "{\"id\":\(t.id * 10),\"author_id\":\(requester),\"public\":true,\"created_at\":\(q(iso(t.created))),\"body\":\(q(t.description))}"
    ]
    if let fr = t.firstReply, let agent {
      comments.append(
        "{\"id\":\(t.id * 10 + 1),\"author_id\":\(agent),\"public\":false,\"created_at\":\(q(iso(max(t.created, fr - 60)))),\"body\":\"internal note\"}"
      )
      comments.append(
        "{\"id\":\(t.id * 10 + 2),\"author_id\":\(agent),\"public\":true,\"created_at\":\(q(iso(fr))),\"body\":\"Thanks, looking into it.\"}"
      )
    }
    var audits: [String] = []
    func change(_ at: Int64, _ status: String) {
      audits.append(
        "{\"created_at\":\(q(iso(at))),\"events\":[{\"type\":\"Change\",\"field_name\":\"status\",\"value\":\(q(status))}]}"
      )
    }
    if let fr = t.firstReply {
      change(fr, "pending")
      if let solved = t.solved {
        change(fr + (solved - fr) / 3, "open")
        change(solved, "solved")
      } else if t.status != "pending" {
        change(fr + 600, t.status)
      }
    } else if t.status == "open" {
      change(t.created + 60, "open")
    }
    if let at = t.escalated {
      let before = t.tags.filter { $0 != "escalated" }.map(q).joined(separator: ",")
      audits.append(
        "{\"created_at\":\(q(iso(at))),\"events\":[{\"type\":\"Change\",\"field_name\":\"tags\",\"value\":[\(t.tags.map(q).joined(separator: ","))],\"previous_value\":[\(before)]}]}"
      )
    }
    let status = t.status == "closed" ? "closed" : t.status
    let metric =
      t.solved.map { s in
        "\"metric_set\":{\"reopens\":\(t.reopens),\"replies\":\(t.replies),\"solved_at\":\(q(iso(s))),\"reply_time_in_minutes\":{\"calendar\":\(t.firstReply.map { String(($0 - t.created) / 60) } ?? "null"),\"business\":null},\"full_resolution_time_in_minutes\":{\"calendar\":\((s - t.created) / 60),\"business\":null}},"
      } ?? ""
    let body =
      "{\"id\":\(t.id),\"created_at\":\(q(iso(t.created))),\"updated_at\":\(q(iso(t.updated))),\"type\":\"incident\","
      + "\"subject\":\(q(t.subject)),\"description\":\(q(t.description)),\"priority\":\(t.priority.map(q) ?? "null"),"
      + "\"status\":\(q(status)),\"requester_id\":\(requester),\"submitter_id\":\(requester),"
      + "\"assignee_id\":\(agent.map(String.init) ?? "null"),\"group_id\":\(t.group.map(q) ?? "null"),"
      + "\"via\":{\"channel\":\(q(t.channel == "phone" ? "voice" : t.channel ?? "web"))},"
      + "\"tags\":[\(t.tags.map(q).joined(separator: ","))],"
      + "\"satisfaction_rating\":\(t.satisfaction.map { "{\"score\":\(q($0))}" } ?? "null"),\(metric)"
      + "\"comments\":[\(comments.joined(separator: ","))],\"audits\":[\(audits.joined(separator: ","))]}"
    return wrapped ? "{\"ticket\":\(body)}" : body
  }

  func zendeskMetricsJSON(_ t: SampleTicket) -> String {
    let reply = t.firstReply.map { String(($0 - t.created) / 60) } ?? "null"
    let full = t.solved.map { String(($0 - t.created) / 60) } ?? "null"
    return
      "{\"id\":\(t.id + 33_000_000),\"ticket_id\":\(t.id),\"created_at\":\(q(iso(t.created))),\"updated_at\":\(q(iso(t.updated))),"
      + "\"reopens\":\(t.reopens),\"replies\":\(t.replies),"
      + "\"reply_time_in_minutes\":{\"calendar\":\(reply),\"business\":null},"
      + "\"full_resolution_time_in_minutes\":{\"calendar\":\(full),\"business\":null}}"
  }

  func zendeskTicketXML(_ t: SampleTicket) -> String {
    func el(_ name: String, _ value: String?, type: String? = nil) -> String {
      let attr = type.map { " type=\"\($0)\"" } ?? ""
      guard let value else { return "    <\(name)\(attr) nil=\"true\"/>\n" }
      return "    <\(name)\(attr)>\(XMLEscape.text(value))</\(name)>\n"
    }
    let statusID =
      ["new": "0", "open": "1", "pending": "2", "hold": "1", "solved": "3", "closed": "4"][t.status]
      ?? "1"
    let priorityID =
      t.priority.map { ["low": "1", "normal": "2", "high": "3", "urgent": "4"][$0]! } ?? "0"
    let requester = 5_000_000 + t.requester
    var comments =
      "    <comments type=\"array\">\n      <comment>\n        <author-id type=\"integer\">\(requester)</author-id>\n        <is-public type=\"boolean\">true</is-public>\n        <created-at type=\"datetime\">\(iso(t.created))</created-at>\n        <value>\(XMLEscape.text(t.description))</value>\n      </comment>\n"
    if let fr = t.firstReply, let a = t.assignee {
      comments +=
        "      <comment>\n        <author-id type=\"integer\">\(381_234_500 + a)</author-id>\n        <is-public type=\"boolean\">true</is-public>\n        <created-at type=\"datetime\">\(iso(fr))</created-at>\n        <value>Thanks, looking into it.</value>\n      </comment>\n"
    }
    comments += "    </comments>\n"
    return "  <ticket>\n" + el("nice-id", String(t.id), type: "integer") + el("subject", t.subject)
      + el("description", t.description) + el("status-id", statusID, type: "integer")
      + el("priority-id", priorityID, type: "integer")
      + el("requester-id", String(requester), type: "integer")
      + el("submitter-id", String(requester), type: "integer")
      + el("assignee-id", t.assignee.map { String(381_234_500 + $0) }, type: "integer")
      + el("group-id", t.group) + el("current-tags", t.tags.joined(separator: " "))
      + el(
        "via-id",
        ["email": "4", "web": "0", "chat": "29", "phone": "30", "api": "5"][t.channel ?? "web"]
          ?? "0", type: "integer")
      + el("created-at", iso(t.created), type: "datetime")
      + el("updated-at", iso(t.updated), type: "datetime")
      + el("solved-at", t.solved.map(iso), type: "datetime") + comments + "  </ticket>"
  }

  func freshdeskJSON(_ t: SampleTicket) -> String {
    let status =
      ["new": 2, "open": 2, "pending": 3, "hold": 3, "solved": 4, "closed": 5][t.status] ?? 2
    let priority = t.priority.map { ["low": 1, "normal": 2, "high": 3, "urgent": 4][$0]! }
    let source = ["email": 1, "web": 2, "phone": 3, "chat": 7, "api": 2][t.channel ?? "web"] ?? 2
    return
      "{\"id\":\(t.id),\"subject\":\(q(t.subject)),\"description\":\(q("<div>" + XMLEscape.text(t.description).replacingOccurrences("\n", "<br>") + "</div>")),"
      + "\"description_text\":\(q(t.description)),\"status\":\(status),\"priority\":\(priority.map(String.init) ?? "1"),"
      + "\"source\":\(source),\"type\":\"Question\",\"requester_id\":\(43_000_000 + t.requester),"
      + "\"responder_id\":\(t.assignee.map { String(43_000_100 + $0) } ?? "null"),\"group_id\":\(t.group.map(q) ?? "null"),"
      + "\"company_id\":null,\"tags\":[\(t.tags.map(q).joined(separator: ","))],\"spam\":false,"
      + "\"fr_escalated\":false,\"is_escalated\":false,\"created_at\":\(q(iso(t.created))),\"updated_at\":\(q(iso(t.updated))),"
      + "\"custom_fields\":{\"cf_contact_reason\":\(t.contactReason.map(q) ?? "null")},"
      + "\"stats\":{\"first_responded_at\":\(t.firstReply.map { q(iso($0)) } ?? "null"),\"resolved_at\":\(t.solved.map { q(iso($0)) } ?? "null"),\"closed_at\":null}}"
  }

  // MARK: - Chats

  func zendeskChatJSON(_ c: SampleChat) -> String {
    let history = c.messages.map { m in
      let nick = m.agent ? "agent:\(381_234_500 + (c.agent ?? 0))" : "visitor:\(c.visitor).v"
      return
        "{\"type\":\"chat.msg\",\"timestamp\":\(q(iso(m.at))),\"nick\":\(q(nick)),\"msg\":\(q(m.text))}"
    }
    let agentIDs = c.agent.map { "[\(q(String(381_234_500 + $0)))]" } ?? "[]"
    let agentNames = c.agent.map { "[\(q(Self.agentNames[$0]))]" } ?? "[]"
    return
      "{\"id\":\(q("\(c.id).chat")),\"type\":\(q(c.offline ? "offline_msg" : "chat")),\"timestamp\":\(q(iso(c.started))),"
      + "\"end_timestamp\":\(q(iso(c.ended))),\"missed\":\(c.missed),\"department_name\":\(q(Topics.all[c.topic].group.capitalized)),"
      + "\"agent_ids\":\(agentIDs),\"agent_names\":\(agentNames),\"tags\":[\(q(Topics.all[c.topic].name))],"
      + "\"rating\":\(c.rating.map(q) ?? "null"),\"visitor\":{\"id\":\(q("\(c.visitor).v")),\"name\":\(q("Customer \(c.visitor)")),\"email\":\(q("customer\(c.visitor)@example.org"))},"
      + (c.offline
        ? "\"message\":\(q(c.messages[0].text)),\"history\":[]}"
        : "\"history\":[\(history.joined(separator: ","))]}")
  }

  func intercomJSON(_ c: SampleChat) -> String {
    let parts = c.messages.dropFirst().enumerated().map { k, m in
      "{\"type\":\"conversation_part\",\"id\":\(q(String(c.id * 100 + k))),\"part_type\":\"comment\",\"body\":\(q("<p>" + XMLEscape.text(m.text) + "</p>")),"
        + "\"created_at\":\(m.at),\"author\":{\"type\":\(q(m.agent ? "admin" : "user")),\"id\":\(q(m.agent ? String(814_860 + (c.agent ?? 0)) : "u\(c.visitor)"))}}"
    }
    let closed = !c.missed || c.ended < asOf
    return
      "{\"type\":\"conversation\",\"id\":\(q(String(1_911_000_000 + c.id))),\"created_at\":\(c.started),\"updated_at\":\(c.ended),"
      + "\"state\":\(q(closed ? "closed" : "open")),\"open\":\(!closed),\"admin_assignee_id\":\(c.agent.map { String(814_860 + $0) } ?? "null"),"
      + "\"team_assignee_id\":\(q(Topics.all[c.topic].group)),"
      + "\"source\":{\"type\":\"conversation\",\"body\":\(q("<p>" + XMLEscape.text(c.messages[0].text) + "</p>")),\"author\":{\"type\":\"user\",\"id\":\(q("u\(c.visitor)")),\"name\":\(q("Customer \(c.visitor)"))}},"
      + "\"tags\":{\"type\":\"tag.list\",\"tags\":[{\"type\":\"tag\",\"name\":\(q(Topics.all[c.topic].name))}]},"
      + "\"conversation_rating\":\(c.rating.map { "{\"rating\":\($0 == "good" ? 5 : 2)}" } ?? "null"),"
      + "\"statistics\":{\"first_admin_reply_at\":\(c.firstAgent.map(String.init) ?? "null"),\"last_close_at\":\(closed ? String(c.ended) : "null")},"
      + "\"conversation_parts\":{\"type\":\"conversation_part.list\",\"total_count\":\(parts.count),\"conversation_parts\":[\(parts.joined(separator: ","))]}}"
  }

  func genericChatJSON(_ c: SampleChat) -> String {
    let messages = c.messages.map { m in
      "{\"author\":\(q(m.agent ? "agent" : "visitor")),\"at\":\(q(iso(m.at))),\"text\":\(q(m.text))}"
    }
    return
      "{\"id\":\(q("c\(c.id)")),\"type\":\(q(c.offline ? "offline_msg" : "chat")),\"visitor_id\":\(q("v\(c.visitor)")),"
      + "\"agent_id\":\(c.agent.map { q(String(381_234_500 + $0)) } ?? "null"),\"started_at\":\(q(iso(c.started))),"
      + "\"first_agent_message_at\":\(c.firstAgent.map { q(iso($0)) } ?? "null"),\"ended_at\":\(q(iso(c.ended))),"
      + "\"missed\":\(c.missed),\"rating\":\(c.rating.map(q) ?? "null"),\"messages\":[\(messages.joined(separator: ","))]}"
  }
}

/// The JSON and XML formats the generator writes.
public enum SampleJSONFormat: String, Sendable, CaseIterable {
  case zendeskNDJSON = "zendesk-json"
  case zendeskTicketMetrics = "zendesk-ticket-metrics"
  case zendeskXML = "zendesk-xml"
  case freshdeskJSON = "freshdesk-json"
  case zendeskChat = "zendesk-chat"
  case intercom
  case genericChat = "generic-chat"

  /// One document (records separated by commas inside a frame) rather than NDJSON.
  var isDocument: Bool { self != .zendeskNDJSON && self != .genericChat && self != .zendeskXML }

  var frame: (String, String) {
    switch self {
    case .zendeskNDJSON, .genericChat: ("", "")
    case .zendeskXML:
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tickets type=\"array\">\n", "</tickets>\n")
    case .zendeskTicketMetrics: ("{\"ticket_metrics\":[\n", "\n],\"next_page\":null}\n")
    case .freshdeskJSON: ("[\n", "\n]\n")
    case .zendeskChat: ("{\"chats\":[\n", "\n],\"count\":0}\n")
    case .intercom: ("{\"type\":\"conversation.list\",\"conversations\":[\n", "\n]}\n")
    }
  }
}

enum JSONQuote {
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let h = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

enum XMLEscape {
  static func text(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\r": out += "&#13;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }
}
