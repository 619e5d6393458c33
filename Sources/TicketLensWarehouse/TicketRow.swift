import TicketLensModel

/// How a `Ticket` maps to a row of the `tickets` table.
enum TicketRow {
  static let columns = [
    "source", "id", "subject", "description", "status", "status_raw", "priority", "channel",
    "requester_id", "requester_email", "requester_name", "assignee", "group_name", "organization",
    "ticket_type", "tags", "created_at", "updated_at", "first_reply_at", "solved_at", "reopens",
    "replies", "satisfaction", "satisfaction_score", "custom_fields",
    "vendor_first_reply_minutes", "vendor_first_reply_business_minutes",
    "vendor_first_resolution_minutes", "vendor_first_resolution_business_minutes",
    "vendor_full_resolution_minutes", "vendor_full_resolution_business_minutes",
    "vendor_agent_wait_minutes", "vendor_agent_wait_business_minutes",
    "vendor_requester_wait_minutes", "vendor_requester_wait_business_minutes",
    "vendor_on_hold_minutes", "vendor_on_hold_business_minutes", "requester_wait_minutes",
    "agent_wait_minutes", "on_hold_minutes", "excluded", "escalated_at",
  ]

  static let columnList = columns.joined(separator: ", ")

  /// Parameter numbers of the encoded columns, in `EncodedRows.append(_: Ticket)` order. The
  /// last text parameter (41, `excluded`) and all reals belong to `TableSpec.tickets`'s
  /// `extraColumns` (the shorter upsert, for batches without them, binds sixteen fewer); the
  /// reals are the twelve vendor columns, then our derived waits.
  static let layout = RowLayout(
    texts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 23, 25, 41],
    ints: [17, 18, 19, 20, 21, 22, 24, 42], reals: Array(26...40), extraTexts: 1, sentiment: 43,
    load: 45)

  static func decode(_ s: Statement) -> Ticket {
    var t = Ticket(
      source: s.text(0) ?? "", id: s.text(1) ?? "", createdAt: Instant(milliseconds: s.int64(16)))
    t.subject = s.text(2)
    t.description = s.text(3)
    t.status = s.text(4).flatMap(TicketStatus.init(rawValue:))
    t.statusRaw = s.text(5)
    t.priority = s.text(6).flatMap(TicketPriority.init(rawValue:))
    t.channel = s.text(7)
    t.requesterID = s.text(8)
    t.requesterEmail = s.text(9)
    t.requesterName = s.text(10)
    t.assignee = s.text(11)
    t.group = s.text(12)
    t.organization = s.text(13)
    t.ticketType = s.text(14)
    t.tags = (s.text(15) ?? "").split(separator: " ").map(String.init)
    t.updatedAt = s.optionalInt64(17).map(Instant.init(milliseconds:))
    t.firstReplyAt = s.optionalInt64(18).map(Instant.init(milliseconds:))
    t.solvedAt = s.optionalInt64(19).map(Instant.init(milliseconds:))
    t.reopens = s.optionalInt64(20).map(Int.init)
    t.replies = s.optionalInt64(21).map(Int.init)
    t.satisfaction = s.text(22).flatMap(Satisfaction.init(rawValue:))
    t.satisfactionScore = s.optionalInt64(23).map(Int.init)
    t.vendorMinutes.firstReply = s.optionalDouble(25)
    t.vendorMinutes.firstReplyBusiness = s.optionalDouble(26)
    t.vendorMinutes.firstResolution = s.optionalDouble(27)
    t.vendorMinutes.firstResolutionBusiness = s.optionalDouble(28)
    t.vendorMinutes.fullResolution = s.optionalDouble(29)
    t.vendorMinutes.fullResolutionBusiness = s.optionalDouble(30)
    t.vendorMinutes.agentWait = s.optionalDouble(31)
    t.vendorMinutes.agentWaitBusiness = s.optionalDouble(32)
    t.vendorMinutes.requesterWait = s.optionalDouble(33)
    t.vendorMinutes.requesterWaitBusiness = s.optionalDouble(34)
    t.vendorMinutes.onHold = s.optionalDouble(35)
    t.vendorMinutes.onHoldBusiness = s.optionalDouble(36)
    t.requesterWaitMinutes = s.optionalDouble(37)
    t.agentWaitMinutes = s.optionalDouble(38)
    t.onHoldMinutes = s.optionalDouble(39)
    t.excluded = s.text(40)
    t.escalatedAt = s.optionalInt64(41).map(Instant.init(milliseconds:))
    return t
  }

  /// Appends custom fields as a JSON object `{"title": "value", …}` (later titles win on repeats).
  static func appendCustomFieldsJSON(_ fields: [CustomField], to out: inout [UInt8]) {
    out.append(0x7B)
    for (k, f) in fields.enumerated() {
      if k > 0 { out.append(0x2C) }
      appendJSONString(f.name, to: &out)
      out.append(0x3A)
      appendJSONString(f.value, to: &out)
    }
    out.append(0x7D)
  }
}

extension EncodedRows {
  mutating func append(_ t: Ticket) {
    put(t.source)
    put(t.id)
    put(t.subject)
    put(t.description)
    put(t.status?.rawValue)
    put(t.statusRaw)
    put(t.priority?.rawValue)
    put(t.channel)
    put(t.requesterID)
    put(t.requesterEmail)
    put(t.requesterName)
    put(t.assignee)
    put(t.group)
    put(t.organization)
    put(t.ticketType)
    putTags(t.tags)
    put(t.satisfaction?.rawValue)
    if t.customFields.isEmpty {
      putNull()
    } else {
      putBytes { TicketRow.appendCustomFieldsJSON(t.customFields, to: &$0) }
    }
    put(t.excluded)
    if t.excluded != nil { hasExtras = true }
    putInt(t.createdAt.milliseconds)
    putInt(t.updatedAt?.milliseconds)
    putInt(t.firstReplyAt?.milliseconds)
    putInt(t.solvedAt?.milliseconds)
    putInt(t.reopens.map(Int64.init))
    putInt(t.replies.map(Int64.init))
    putInt(t.satisfactionScore.map(Int64.init))
    putInt(t.escalatedAt?.milliseconds)
    // One call each (an array of them was an allocation per ticket).
    let v = t.vendorMinutes
    putReal(v.firstReply)
    putReal(v.firstReplyBusiness)
    putReal(v.firstResolution)
    putReal(v.firstResolutionBusiness)
    putReal(v.fullResolution)
    putReal(v.fullResolutionBusiness)
    putReal(v.agentWait)
    putReal(v.agentWaitBusiness)
    putReal(v.requesterWait)
    putReal(v.requesterWaitBusiness)
    putReal(v.onHold)
    putReal(v.onHoldBusiness)
    putReal(t.requesterWaitMinutes)
    putReal(t.agentWaitMinutes)
    putReal(t.onHoldMinutes)
    endRow(id: t.id)
  }
}

/// Appends `s` as a JSON string literal to a byte buffer.
public func appendJSONString(_ s: String, to out: inout [UInt8]) {
  out.append(0x22)
  var s = s
  s.withUTF8 { buf in
    // Runs without a byte to escape are copied whole.
    var run = 0
    for i in 0..<buf.count {
      let b = buf[i]
      guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[run..<i]))
      switch b {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
      case 0x0D: out.append(contentsOf: [0x5C, 0x72])
      case 0x09: out.append(contentsOf: [0x5C, 0x74])
      default:
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, h[Int(b >> 4)], h[Int(b & 15)]])
      }
      run = i + 1
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[run...]))
  }
  out.append(0x22)
}

/// Appends the decimal digits of `v` (no allocation).
public func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
  if v < 0 { out.append(0x2D) }
  var m = v.magnitude
  var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, filled from the end
  var n = 0
  withUnsafeMutableBytes(of: &digits) { d in
    repeat {
      d[23 - n] = UInt8(truncatingIfNeeded: m % 10) + 0x30
      m /= 10
      n += 1
    } while m > 0
    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
  }
}

extension String {
  fileprivate func padding(_ n: Int) -> String {
    count >= n ? self : self + String(repeating: "0", count: n - count)
  }
  fileprivate var reversedString: String { String(reversed()) }
}
