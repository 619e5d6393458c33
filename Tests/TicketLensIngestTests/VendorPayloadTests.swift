import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel

/// Real API payloads that others wrote (`VendorPayloads/README.md`: sources and licences), each
/// detected and read with every field TicketLens maps checked value by value against the same
/// payload read by Foundation's JSON parser — and no key left unexplained (no warning).
struct VendorPayloadTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("VendorPayloads")

  /// The payload read by Foundation, and by TicketLens (format detected).
  static func load(_ name: String) throws -> (
    raw: Any, batch: RecordBatch, reader: any ChunkedRecordReader
  ) {
    let path = folder.appendingPathComponent(name).path
    let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    let reader = try InputOpener.open(
      path: path, name: name, format: nil, source: "s", zone: .utc, parallelism: 1
    ).reader
    return (raw, readBatches(reader), reader)
  }

  /// A JSON value as TicketLens keeps an id or a text: strings as they are, numbers in decimal.
  static func text(_ v: Any?) -> String? {
    switch v {
    case let s as String: s
    case let n as NSNumber: n.stringValue
    default: nil
    }
  }

  static func instant(_ v: Any?) -> String? {
    if let s = v as? String { return s }
    if let n = v as? NSNumber {
      return Instant(milliseconds: n.int64Value * 1000).iso8601
    }
    return nil
  }

  @Test(arguments: [
    "zendesk_tickets_recent_zendesk_api_client_rb.json", "zendesk_tickets_go_zendesk.json",
  ])
  func zendeskTickets(name: String) throws {
    let (raw, b, reader) = try Self.load(name)
    #expect(reader.formatName == "zendesk-json" && reader.warnings.isEmpty, "\(reader.warnings)")
    let records = try #require((raw as? [String: Any])?["tickets"] as? [[String: Any]])
    #expect(b.read == records.count && b.issues.isEmpty && b.tickets.count == records.count)
    for (r, t) in zip(records, b.tickets) {
      #expect(t.id == Self.text(r["id"]))
      #expect(t.createdAt.iso8601 == Self.instant(r["created_at"]))
      #expect(t.updatedAt?.iso8601 == Self.instant(r["updated_at"]))
      #expect(t.subject == Self.text(r["subject"]))
      #expect(t.description == Self.text(r["description"]))
      #expect(t.status == TicketStatus(normalizing: Self.text(r["status"]) ?? ""))
      #expect(t.statusRaw == Self.text(r["status"]))
      #expect(t.priority == Self.text(r["priority"]).flatMap(TicketPriority.init(normalizing:)))
      #expect(t.ticketType == Self.text(r["type"]))
      #expect(t.channel == Self.text((r["via"] as? [String: Any])?["channel"]))
      #expect(t.requesterID == Self.text(r["requester_id"]))
      #expect(t.assignee == Self.text(r["assignee_id"]))
      #expect(t.group == Self.text(r["group_id"]))
      #expect(t.organization == Self.text(r["organization_id"]))
      #expect(t.tags == (r["tags"] as? [String] ?? []))
      let fields = (r["custom_fields"] as? [[String: Any]] ?? []).compactMap { f -> CustomField? in
        guard let id = Self.text(f["id"]), let v = Self.text(f["value"]) else { return nil }
        return CustomField(name: id, value: v)
      }
      #expect(t.customFields == fields)
      let score = Self.text((r["satisfaction_rating"] as? [String: Any])?["score"])
      #expect(t.satisfaction == score.flatMap(Satisfaction.init(normalizing:)))
      #expect(t.excluded == nil)
    }
    // What the payloads hold, so that the checks above are not vacuous.
    #expect(b.tickets.contains { $0.assignee != nil && $0.group != nil && $0.channel != nil })
  }

  @Test func zendeskTicketMetric() throws {
    let (raw, b, reader) = try Self.load("zendesk_ticket_metric_zendesk_api_client_rb.json")
    #expect(reader.formatName == "zendesk-ticket-metrics" && reader.warnings.isEmpty)
    let r = try #require((raw as? [String: Any])?["ticket_metric"] as? [String: Any])
    let m = try #require(b.ticketMetrics.first)
    #expect(b.read == 1 && b.issues.isEmpty)
    #expect(m.ticketID == Self.text(r["ticket_id"]))
    #expect(m.updatedAt?.iso8601 == Self.instant(r["updated_at"]))
    #expect(m.solvedAt?.iso8601 == Self.instant(r["solved_at"]))
    #expect(m.reopens == (r["reopens"] as? Int) && m.replies == 555)
    func pair(_ key: String) -> [Double?] {
      let p = r[key] as? [String: Any]
      return [p?["calendar"] as? Double, p?["business"] as? Double]
    }
    let d = m.vendorMinutes
    #expect([d.firstReply, d.firstReplyBusiness] == pair("reply_time_in_minutes"))
    #expect(
      [d.firstResolution, d.firstResolutionBusiness] == pair("first_resolution_time_in_minutes"))
    #expect(
      [d.fullResolution, d.fullResolutionBusiness] == pair("full_resolution_time_in_minutes"))
    #expect([d.agentWait, d.agentWaitBusiness] == pair("agent_wait_time_in_minutes"))
    #expect([d.requesterWait, d.requesterWaitBusiness] == pair("requester_wait_time_in_minutes"))
    #expect([d.onHold, d.onHoldBusiness] == pair("on_hold_time_in_minutes"))
    #expect(d.firstReply == 2 && d.requesterWait == 0)
  }

  @Test func zendeskChatOfflineMessage() throws {
    let (raw, b, reader) = try Self.load("zendesk_chat_chats_incremental_airbyte.json")
    #expect(reader.formatName == "zendesk-chat" && reader.warnings.isEmpty, "\(reader.warnings)")
    let r = try #require(((raw as? [String: Any])?["chats"] as? [[String: Any]])?.first)
    let c = try #require(b.chats.first)
    #expect(b.read == 1 && b.issues.isEmpty)
    let visitor = r["visitor"] as? [String: Any]
    #expect(c.id == Self.text(r["id"]) && c.type == "offline_msg")
    #expect(c.startedAt.iso8601 == Self.instant(r["timestamp"]))
    #expect(c.updatedAt?.iso8601 == Self.instant(r["update_timestamp"]))
    #expect(
      c.visitorID == Self.text(visitor?["id"]) && c.visitorName == Self.text(visitor?["name"]))
    #expect(c.visitorEmail == Self.text(visitor?["email"]))
    #expect(c.group == nil && c.ticketID == nil && c.tags.isEmpty)
    #expect(c.messages.map(\.text) == [Self.text(r["message"])])
    #expect(c.messages.map(\.author) == [.visitor])
  }

  @Test func freshdeskTicket() throws {
    let (raw, b, reader) = try Self.load("freshdesk_ticket_python_freshdesk.json")
    #expect(reader.formatName == "freshdesk-json" && reader.warnings.isEmpty, "\(reader.warnings)")
    let r = try #require(raw as? [String: Any])
    let t = try #require(b.tickets.first)
    #expect(b.read == 1 && b.issues.isEmpty)
    #expect(t.id == Self.text(r["id"]))
    #expect(t.createdAt.iso8601 == Self.instant(r["created_at"]))
    #expect(t.updatedAt?.iso8601 == Self.instant(r["updated_at"]))
    #expect(
      t.subject == Self.text(r["subject"]) && t.description == Self.text(r["description_text"]))
    // Freshdesk's codes: status 2 open, priority 1 low, source 2 portal (web).
    #expect(r["status"] as? Int == 2 && t.status == .open)
    #expect(r["priority"] as? Int == 1 && t.priority == .low)
    #expect(r["source"] as? Int == 2 && t.channel == "web")
    #expect(t.ticketType == Self.text(r["type"]))
    #expect(
      t.requesterID == Self.text(r["requester_id"]) && t.assignee == Self.text(r["responder_id"]))
    #expect(t.group == nil && t.organization == nil && t.requesterEmail == nil)
    #expect(t.tags == (r["tags"] as? [String]))
    #expect(t.customFields.isEmpty)  // every custom field is null
    let stats = r["stats"] as? [String: Any]
    #expect(t.firstReplyAt?.iso8601 == Self.instant(stats?["first_responded_at"]))
    #expect(t.solvedAt?.iso8601 == Self.instant(stats?["resolved_at"]))
    #expect(t.excluded == nil)
  }

  @Test(arguments: [
    "intercom_conversation_openapi_2.15.json", "intercom_conversation_intercom_java.json",
    "intercom_conversations_list_intercom_go.json",
  ])
  func intercomConversations(name: String) throws {
    let (raw, b, reader) = try Self.load(name)
    #expect(reader.formatName == "intercom" && reader.warnings.isEmpty, "\(reader.warnings)")
    let object = try #require(raw as? [String: Any])
    let r = (object["conversations"] as? [[String: Any]])?.first ?? object
    let c = try #require(b.chats.first)
    #expect(b.read == 1 && b.issues.isEmpty)
    #expect(c.id == Self.text(r["id"]) && c.type == "conversation")
    #expect(c.startedAt.iso8601 == Self.instant(r["created_at"]))
    #expect(c.updatedAt?.iso8601 == Self.instant(r["updated_at"]))
    #expect(c.agentID == Self.text(r["admin_assignee_id"]))
    #expect(c.group == Self.text(r["team_assignee_id"]))
    // The opening message and who wrote it; the customer is the opener unless a teammate opened.
    let opening = (r["source"] ?? r["conversation_message"]) as? [String: Any]
    let opener = opening?["author"] as? [String: Any]
    let byTeam = ["admin", "bot"].contains(Self.text(opener?["type"]) ?? "")
    let contacts = (r["contacts"] as? [String: Any])?["contacts"] as? [[String: Any]]
    let customer = byTeam ? (contacts?.first ?? r["user"] as? [String: Any]) : opener
    #expect(c.visitorID == Self.text(customer?["id"]))
    #expect(c.visitorID != Self.text(opener?["id"]) || !byTeam)
    let parts =
      ((r["conversation_parts"] as? [String: Any])?["conversation_parts"] as? [[String: Any]]) ?? []
    let withBody = parts.filter {
      Self.text($0["body"]) != nil && Self.text($0["part_type"]) != "note"
    }
    #expect(c.messages.count == 1 + withBody.count)
    #expect(c.messages.first?.author == (byTeam ? .agent : .visitor))
    #expect(c.messages.first?.at == c.startedAt)
    for (p, m) in zip(withBody, c.messages.dropFirst()) {
      #expect(m.at.iso8601 == Self.instant(p["created_at"]))
      let type = Self.text((p["author"] as? [String: Any])?["type"])
      #expect(m.author == (type == "admin" ? .agent : type == "bot" ? .bot : .visitor))
      #expect(!m.text.contains("<p>") && !m.text.isEmpty)
    }
    let tags = ((r["tags"] as? [String: Any])?["tags"] as? [[String: Any]])?.compactMap {
      Self.text($0["name"])
    }
    #expect(c.tags == (tags ?? []))
  }
}
