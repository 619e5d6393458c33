import TicketLensModel

/// A field that could not be mapped: its name and why.
struct FieldProblem: Error {
  var code: IngestIssue.Code
  var field: String
  var message: String
}

/// Maps JSON records of one format to TicketLens records.
struct JSONMapper: Sendable {
  let format: JSONFormat
  let source: String
  let file: String
  let parser: TimestampParser
  /// For mapped NDJSON: TicketLens field → source key, and value maps.
  var rename: [String: String] = [:]
  var valueMaps: [String: [String: String]] = [:]

  /// A member by TicketLens field name (through the mapping), present and not null.
  func get(_ v: JSONValue, _ key: String) -> JSONValue? { v.value(rename[key] ?? key) }

  /// `raw` (the record's text, kept with a reject) is only built for a record that fails.
  func map(
    _ v: JSONValue, side: JSONValue?, place: RecordPlace, raw: @autoclosure () -> String,
    into out: inout RecordBatch
  ) {
    out.read += 1
    do throws(FieldProblem) {
      guard v.kind == .object else {
        throw FieldProblem(code: .unreadable, field: "", message: "the record is not a JSON object")
      }
      try checkTypes(v)
      switch format {
      case .zendeskJSON: out.tickets.append(try zendeskTicket(v, side: side))
      case .freshdeskJSON: out.tickets.append(try freshdeskTicket(v))
      case .zendeskTicketMetrics: out.ticketMetrics.append(try ticketMetrics(v))
      case .zendeskChat: out.chats.append(try zendeskChat(v))
      case .intercom: out.chats.append(try intercomConversation(v))
      case .genericChat: out.chats.append(try genericChat(v))
      case .helpCenter: out.articles.append(try article(v))
      case .mappedTickets, .genericTickets: out.tickets.append(try genericTicket(v))
      }
      out.lines.append(place.line)
    } catch {
      let field = error.field.isEmpty ? place.path : place.field(error.field)
      let name = error.field.isEmpty ? nil : field
      out.issues.append(
        IngestIssue(
          error.code, at: InputLocation(file: file, line: place.line, field: name ?? place.path),
          error.field.isEmpty ? error.message : "\(field): \(error.message)", raw: raw()))
    }
  }

  // MARK: - Field helpers

  /// Fields read as text in each format: an object or array there is rejected (it would
  /// otherwise be stored as nothing), naming the field and what was found.
  static let textFields: [JSONFormat: [String]] = {
    let ticket = [
      "id", "subject", "description", "status", "priority", "type", "requester_id",
      "requester_email", "assignee_id", "group_id", "organization_id", "channel",
      "satisfaction",
    ]
    return [
      .zendeskJSON: ticket + ["raw_subject"], .freshdeskJSON: ["id", "subject", "description"],
      .mappedTickets: ticket, .genericTickets: ticket,
      .genericChat: ["id", "type", "visitor_id", "agent_id", "group", "ticket_id"],
    ]
  }()

  /// Fields read as whole numbers: a non-number (other than a numeric string) is rejected.
  static let numberFields: [JSONFormat: [String]] = [
    .mappedTickets: ["reopens", "replies"], .genericTickets: ["reopens", "replies"],
    .zendeskJSON: ["reopens", "replies"],
  ]

  static func kindName(_ v: JSONValue) -> String {
    switch v.kind {
    case .object: "an object"
    case .array: "an array"
    case .true, .false: "a boolean"
    case .number: "a number"
    case .string: "a string"
    default: "null"
    }
  }

  func checkTypes(_ v: JSONValue) throws(FieldProblem) {
    if let key = v.duplicateKey {
      throw FieldProblem(
        code: .duplicateKey, field: key,
        message: "the key appears twice in the record; which value is meant cannot be told")
    }
    for key in Self.textFields[format] ?? [] {
      guard let x = get(v, key), x.kind == .object || x.kind == .array else { continue }
      throw FieldProblem(
        code: .badType, field: rename[key] ?? key,
        message: "expected text, found \(Self.kindName(x))")
    }
    for key in Self.numberFields[format] ?? [] {
      guard let x = get(v, key), x.kind != .number, x.kind != .string else { continue }
      throw FieldProblem(
        code: .badType, field: rename[key] ?? key,
        message: "expected a whole number, found \(Self.kindName(x))")
    }
  }

  /// Tags: an array of strings, or (coerced, as the CSV exports write them) one string of
  /// tags separated by spaces, commas or semicolons.
  func tags(_ v: JSONValue) -> [String] {
    guard let x = get(v, "tags") else { return [] }
    if x.kind == .array { return x.elements.compactMap(\.string) }
    return TicketCSVReader.splitTags(x.string ?? "")
  }

  func text(_ v: JSONValue, _ key: String) -> String? {
    guard var s = get(v, key)?.string, !s.isEmpty else { return nil }
    if let m = valueMaps[key]?[s] { s = m }
    return s
  }

  func required(_ v: JSONValue, _ key: String) throws(FieldProblem) -> String {
    guard let s = text(v, key) else {
      throw FieldProblem(code: .missingValue, field: key, message: "missing")
    }
    return s
  }

  func instant(_ v: JSONValue, _ key: String) throws(FieldProblem) -> Instant? {
    guard let x = get(v, key) else { return nil }
    guard x.kind == .string || x.kind == .number, case .success(let i) = parser.parse(x.raw) else {
      throw FieldProblem(
        code: .badTimestamp, field: key,
        message: "'\(String((x.string ?? "?").prefix(40)))' is not a timestamp")
    }
    return i
  }

  func requiredInstant(_ v: JSONValue, _ key: String) throws(FieldProblem) -> Instant {
    guard let i = try instant(v, key) else {
      throw FieldProblem(code: .missingValue, field: key, message: "missing")
    }
    return i
  }

  func int(_ v: JSONValue, _ key: String) throws(FieldProblem) -> Int? {
    guard let x = get(v, key) else { return nil }
    guard let i = x.int64 else {
      throw FieldProblem(
        code: .badNumber, field: key, message: "'\(x.string ?? "?")' is not a whole number")
    }
    return Int(i)
  }

  func minutes(_ v: JSONValue, _ key: String) -> (Double?, Double?) {
    guard let m = v.value(key) else { return (nil, nil) }
    return (m.value("calendar")?.double, m.value("business")?.double)
  }

  // MARK: - Zendesk tickets

  static let viaIDs: [Int64: String] = [
    0: "web", 4: "email", 5: "api", 8: "rule", 17: "web", 19: "merge", 29: "chat", 30: "phone",
    33: "phone", 34: "phone", 35: "phone", 44: "web",
  ]

  func zendeskTicket(_ v: JSONValue, side: JSONValue?) throws(FieldProblem) -> Ticket {
    let id = try required(v, "id")
    var t = Ticket(source: source, id: id, createdAt: try requiredInstant(v, "created_at"))
    t.updatedAt = try instant(v, "updated_at")
    t.subject = text(v, "subject") ?? text(v, "raw_subject")
    t.description = text(v, "description")
    if let s = text(v, "status") {
      guard let st = TicketStatus(normalizing: s) else {
        throw FieldProblem(
          code: .badEnum, field: "status", message: "'\(s)' is not a Zendesk status")
      }
      t.status = st
      t.statusRaw = s
      if st == .deleted { t.excluded = "deleted" }
    }
    if let p = text(v, "priority") {
      guard let pr = TicketPriority(normalizing: p) else {
        throw FieldProblem(
          code: .badEnum, field: "priority", message: "'\(p)' is not a Zendesk priority")
      }
      t.priority = pr
    }
    t.ticketType = text(v, "type")
    if let via = v.value("via")?.value("channel") {
      if via.kind == .number, let n = via.int64 {
        t.channel = Self.viaIDs[n] ?? "via_\(n)"
      } else if let s = via.string {
        t.channel = ChannelName.normalize(s)
      }
    }
    t.requesterID = text(v, "requester_id")
    t.assignee = text(v, "assignee_id")
    t.group = text(v, "group_id")
    t.organization = text(v, "organization_id")
    t.tags = tags(v)
    if t.tags.contains("closed_by_merge") && t.excluded == nil { t.excluded = "merged" }
    for f in v.value("custom_fields")?.elements ?? [] {
      guard let fid = f.value("id")?.string, let val = f.value("value") else { continue }
      let s =
        val.kind == .array
        ? val.elements.compactMap(\.string).joined(separator: " ") : (val.string ?? "")
      if !s.isEmpty { t.customFields.append(CustomField(name: fid, value: s)) }
    }
    if let score = v.value("satisfaction_rating")?.value("score")?.string {
      t.satisfaction = Satisfaction(normalizing: score)
    }
    // Vendor metrics: nested (metric_set / metric_sets[0]) or side-loaded.
    let metrics = v.value("metric_set") ?? v.value("metric_sets")?.elements.first ?? side
    if let m = metrics {
      applyMetrics(m, to: &t.vendorMinutes)
      t.reopens = try int(m, "reopens")
      t.replies = try int(m, "replies")
      t.solvedAt = try instant(m, "solved_at")
    }
    // Comments: the first public agent reply, and public agent replies.
    let requester = t.requesterID
    let submitter = text(v, "submitter_id")
    if let comments = v.value("comments")?.elements, !comments.isEmpty {
      var first: Instant? = nil
      var replies = 0
      for (k, c) in comments.enumerated() {
        let author = text(c, "author_id")
        let isPublic = c.value("public")?.bool ?? c.value("is_public")?.bool ?? true
        guard isPublic, author != nil, author != requester else { continue }
        // The ticket's own opening comment by the agent who submitted it is not a reply.
        if k == 0 && author == submitter { continue }
        replies += 1
        if let at = try instant(c, "created_at"), first.map({ at < $0 }) ?? true { first = at }
      }
      t.firstReplyAt = first
      t.replies = replies
    }
    // Audits: the status history, and the first escalation (priority raised or an escalation
    // tag added).
    if let audits = v.value("audits")?.elements, !audits.isEmpty {
      var changes: [StatusHistory.Change] = []
      for a in audits {
        guard let at = try instant(a, "created_at") else { continue }
        for e in a.value("events")?.elements ?? [] where Self.escalates(e) {
          if t.escalatedAt.map({ at < $0 }) ?? true { t.escalatedAt = at }
        }
        for e in a.value("events")?.elements ?? [] {
          guard text(e, "field_name") == "status", let value = text(e, "value"),
            let st = TicketStatus(normalizing: value)
          else { continue }
          changes.append(StatusHistory.Change(at: at, status: st))
        }
      }
      if let d = StatusHistory.durations(created: t.createdAt, changes: changes) {
        t.requesterWaitMinutes = d.requesterWait
        t.agentWaitMinutes = d.agentWait
        t.onHoldMinutes = d.onHold
      }
      if t.solvedAt == nil, let last = changes.filter({ $0.status.isSolved }).map(\.at).max() {
        t.solvedAt = last
      }
      t.reopens =
        t.reopens
        ?? zip(changes.sorted { $0.at < $1.at }, changes.sorted { $0.at < $1.at }.dropFirst())
        .filter { $0.0.status == .solved && $0.1.status == .open }.count
    }
    return t
  }

  func applyMetrics(_ m: JSONValue, to d: inout VendorDurations) {
    (d.firstReply, d.firstReplyBusiness) = minutes(m, "reply_time_in_minutes")
    (d.firstResolution, d.firstResolutionBusiness) = minutes(m, "first_resolution_time_in_minutes")
    (d.fullResolution, d.fullResolutionBusiness) = minutes(m, "full_resolution_time_in_minutes")
    (d.agentWait, d.agentWaitBusiness) = minutes(m, "agent_wait_time_in_minutes")
    (d.requesterWait, d.requesterWaitBusiness) = minutes(m, "requester_wait_time_in_minutes")
    (d.onHold, d.onHoldBusiness) = minutes(m, "on_hold_time_in_minutes")
  }

  func ticketMetrics(_ v: JSONValue) throws(FieldProblem) -> TicketMetrics {
    var m = TicketMetrics(source: source, ticketID: try required(v, "ticket_id"))
    m.updatedAt = try instant(v, "updated_at")
    m.solvedAt = try instant(v, "solved_at")
    m.reopens = try int(v, "reopens")
    m.replies = try int(v, "replies")
    applyMetrics(v, to: &m.vendorMinutes)
    return m
  }

  // MARK: - Freshdesk

  func freshdeskTicket(_ v: JSONValue) throws(FieldProblem) -> Ticket {
    var t = Ticket(
      source: source, id: try required(v, "id"), createdAt: try requiredInstant(v, "created_at"))
    t.updatedAt = try instant(v, "updated_at")
    t.subject = text(v, "subject")
    t.description = text(v, "description_text") ?? text(v, "description").map(HTMLStripper.text)
    if let s = try int(v, "status") {
      t.statusRaw = String(s)
      switch s {
      case 2: t.status = .open
      case 3: t.status = .waitingOnCustomer
      case 4: t.status = .solved
      case 5: t.status = .closed
      default: t.status = .open  // custom statuses are open-like; the raw code is kept
      }
    }
    if let p = try int(v, "priority") {
      guard (1...4).contains(p) else {
        throw FieldProblem(
          code: .badEnum, field: "priority", message: "\(p) is not a Freshdesk priority (1–4)")
      }
      t.priority = [.low, .normal, .high, .urgent][p - 1]
    }
    if let src = try int(v, "source") {
      t.channel =
        [1: "email", 2: "web", 3: "phone", 7: "chat", 9: "web", 10: "email"][src] ?? "source_\(src)"
    }
    t.ticketType = text(v, "type")
    t.requesterID = text(v, "requester_id")
    t.requesterEmail = text(v, "email")
    t.requesterName = text(v, "name")
    t.assignee = text(v, "responder_id")
    t.group = text(v, "group_id")
    t.organization = text(v, "company_id")
    t.tags = tags(v)
    for (k, val) in v.value("custom_fields")?.members ?? [] {
      if let s = val.string, !s.isEmpty { t.customFields.append(CustomField(name: k, value: s)) }
    }
    if let stats = v.value("stats") {
      t.firstReplyAt = try instant(stats, "first_responded_at")
      let resolved = try instant(stats, "resolved_at")
      let closed = try instant(stats, "closed_at")
      t.solvedAt = resolved ?? closed
    }
    if v.value("spam")?.bool == true { t.excluded = "spam" }
    if v.value("deleted")?.bool == true { t.excluded = "deleted" }
    return t
  }

  // MARK: - Chats

  func zendeskChat(_ v: JSONValue) throws(FieldProblem) -> Chat {
    var c = Chat(
      source: source, id: try required(v, "id"), startedAt: try requiredInstant(v, "timestamp"))
    c.type = text(v, "type") ?? "chat"
    c.endedAt = try instant(v, "end_timestamp")
    c.updatedAt = try instant(v, "update_timestamp")
    c.missed = v.value("missed")?.bool
    c.group = text(v, "department_name")
    c.agentID = v.value("agent_ids")?.elements.first?.string
    c.agentName = v.value("agent_names")?.elements.first?.string
    if let r = text(v, "rating") { c.satisfaction = Satisfaction(normalizing: r) }
    c.ticketID = text(v, "zendesk_ticket_id")
    c.tags = tags(v)
    if let visitor = v.value("visitor") {
      c.visitorID = text(visitor, "id")
      c.visitorName = text(visitor, "name")
      c.visitorEmail = text(visitor, "email")
    }
    for (k, h) in (v.value("history")?.elements ?? []).enumerated() {
      guard text(h, "type") == "chat.msg", let msg = h.value("msg")?.string else { continue }
      guard let at = try instant(h, "timestamp") else { continue }
      _ = k
      let nick = text(h, "nick") ?? ""
      let author: ChatMessage.Author =
        nick.hasPrefix("agent:") ? .agent : nick.hasPrefix("visitor:") ? .visitor : .system
      c.messages.append(ChatMessage(author: author, at: at, text: msg))
    }
    if c.type == "offline_msg", let m = text(v, "message") {
      c.messages.append(ChatMessage(author: .visitor, at: c.startedAt, text: m))
    }
    if let first = v.value("response_time")?.value("first")?.double, c.firstAgentMessageAt == nil {
      c.firstAgentMessageAt = Instant(milliseconds: c.startedAt.milliseconds + Int64(first * 1000))
    }
    c.deriveFromMessages()
    return c
  }

  func intercomConversation(_ v: JSONValue) throws(FieldProblem) -> Chat {
    var c = Chat(
      source: source, id: try required(v, "id"), startedAt: try requiredInstant(v, "created_at"))
    c.type = "conversation"
    c.updatedAt = try instant(v, "updated_at")
    c.agentID = text(v, "admin_assignee_id")
    c.group = text(v, "team_assignee_id")
    // The opening message (`source`; `conversation_message` before API 2.0). A conversation a
    // teammate or bot opened has its customer in `contacts` (`user` before 2.0), not there.
    let src = v.value("source") ?? v.value("conversation_message")
    let opener = src?.value("author").flatMap { text($0, "type") } ?? "user"
    let openedByTeam = opener == "admin" || opener == "bot"
    let customer =
      openedByTeam
      ? v.value("contacts")?.value("contacts")?.elements.first ?? v.value("user")
      : src?.value("author")
    if let customer {
      c.visitorID = text(customer, "id")
      c.visitorName = text(customer, "name")
      c.visitorEmail = text(customer, "email")
    }
    if let src, let body = text(src, "body") {
      c.messages.append(
        ChatMessage(
          author: openedByTeam ? (opener == "bot" ? .bot : .agent) : .visitor, at: c.startedAt,
          text: HTMLStripper.text(body)))
    }
    let parts =
      v.value("conversation_parts")?.value("conversation_parts")?.elements
      ?? v.value("conversation_parts")?.elements ?? []
    for p in parts {
      guard text(p, "part_type") != "note", let body = text(p, "body"),
        let at = try instant(p, "created_at")
      else { continue }
      let type = p.value("author").flatMap { text($0, "type") } ?? ""
      let author: ChatMessage.Author =
        type == "admin"
        ? .agent
        : type == "bot"
          ? .bot : (type == "user" || type == "lead" || type == "contact") ? .visitor : .system
      c.messages.append(ChatMessage(author: author, at: at, text: HTMLStripper.text(body)))
    }
    if let r = v.value("conversation_rating").flatMap({ try? int($0, "rating") }) {
      c.rating = r
      c.satisfaction = Satisfaction(normalizing: String(r))
    }
    c.tags = v.value("tags")?.value("tags")?.elements.compactMap { text($0, "name") } ?? []
    if let stats = v.value("statistics") {
      c.firstAgentMessageAt = try instant(stats, "first_admin_reply_at")
      c.endedAt = try instant(stats, "last_close_at")
    }
    let state = text(v, "state") ?? (v.value("open")?.bool == false ? "closed" : "open")
    c.deriveFromMessages()
    // Unanswered and still open is not missed yet; unanswered and closed is.
    c.missed = c.firstAgentMessageAt == nil ? (state == "closed" ? true : nil) : false
    return c
  }

  func genericChat(_ v: JSONValue) throws(FieldProblem) -> Chat {
    var c = Chat(
      source: source, id: try required(v, "id"), startedAt: try requiredInstant(v, "started_at"))
    c.type = text(v, "type") ?? "chat"
    c.visitorID = text(v, "visitor_id")
    c.agentID = text(v, "agent_id")
    c.group = text(v, "group")
    c.firstAgentMessageAt = try instant(v, "first_agent_message_at")
    c.endedAt = try instant(v, "ended_at")
    c.updatedAt = try instant(v, "updated_at")
    if let m = get(v, "missed") {
      guard let b = m.bool ?? (m.string == "true" ? true : m.string == "false" ? false : nil) else {
        throw FieldProblem(code: .badEnum, field: "missed", message: "must be true or false")
      }
      c.missed = b
    }
    if let r = get(v, "rating") {
      guard let s = r.string, let sat = Satisfaction(normalizing: s) else {
        throw FieldProblem(
          code: .badEnum, field: "rating", message: "'\(r.string ?? "?")' is not good, bad or 1–5")
      }
      c.satisfaction = sat
      if let n = r.int64 { c.rating = Int(n) }
    }
    c.ticketID = text(v, "ticket_id")
    for (k, m) in (get(v, "messages")?.elements ?? []).enumerated() {
      guard let a = text(m, "author"), let author = ChatMessage.Author(rawValue: a) else {
        throw FieldProblem(
          code: .badEnum, field: "messages[\(k)].author",
          message: "must be agent, visitor, bot or system")
      }
      guard let at = try instant(m, "at") else {
        throw FieldProblem(code: .missingValue, field: "messages[\(k)].at", message: "missing")
      }
      c.messages.append(ChatMessage(author: author, at: at, text: text(m, "text") ?? ""))
    }
    c.deriveFromMessages()
    return c
  }

  /// Tags that mark an escalation when a change event adds them (the metric's defaults).
  static let escalationTags: Set<String> = ["escalated", "escalation", "tier2"]

  /// Whether an audit event escalates: a `Change` that raises the priority, or that adds an
  /// escalation tag (`tags` as a list or a space-separated string).
  static func escalates(_ e: JSONValue) -> Bool {
    guard e.value("type")?.string == "Change", let field = e.value("field_name")?.string else {
      return false
    }
    func words(_ v: JSONValue?) -> Set<String> {
      guard let v else { return [] }
      if let s = v.string { return Set(s.split(separator: " ").map(String.init)) }
      return Set(v.elements.compactMap(\.string))
    }
    switch field {
    case "priority":
      let order: [TicketPriority] = [.low, .normal, .high, .urgent]
      guard let now = e.value("value")?.string.flatMap(TicketPriority.init(normalizing:)),
        let before = e.value("previous_value")?.string.flatMap(TicketPriority.init(normalizing:))
      else { return false }
      return order.firstIndex(of: now)! > order.firstIndex(of: before)!
    case "tags":
      let added = words(e.value("value")).subtracting(words(e.value("previous_value")))
      return !added.isDisjoint(with: escalationTags)
    default:
      return false
    }
  }

  // MARK: - Mapped generic tickets (NDJSON with the generic CSV's field names)

  func genericTicket(_ v: JSONValue) throws(FieldProblem) -> Ticket {
    var t = Ticket(
      source: source, id: try required(v, "id"), createdAt: try requiredInstant(v, "created_at"))
    t.updatedAt = try instant(v, "updated_at")
    t.firstReplyAt = try instant(v, "first_reply_at")
    t.solvedAt = try instant(v, "solved_at")
    t.escalatedAt = try instant(v, "escalated_at")
    t.subject = text(v, "subject")
    t.description = text(v, "description")
    if let s = text(v, "status") {
      guard let st = TicketStatus(normalizing: s) else {
        throw FieldProblem(
          code: .badEnum, field: rename["status"] ?? "status", message: "'\(s)' is not a status")
      }
      t.status = st
      t.statusRaw = s
    }
    if let p = text(v, "priority") {
      guard let pr = TicketPriority(normalizing: p) else {
        throw FieldProblem(
          code: .badEnum, field: rename["priority"] ?? "priority",
          message: "'\(p)' is not a priority")
      }
      t.priority = pr
    }
    t.channel = text(v, "channel").map(ChannelName.normalize)
    t.requesterID = text(v, "requester_id")
    t.requesterEmail = text(v, "requester_email")
    t.assignee = text(v, "assignee_id")
    t.group = text(v, "group_id")
    t.tags = tags(v)
    t.reopens = try int(v, "reopens")
    t.replies = try int(v, "replies")
    if let s = text(v, "satisfaction") { t.satisfaction = Satisfaction(normalizing: s) }
    return t
  }

  // MARK: - Articles

  func article(_ v: JSONValue) throws(FieldProblem) -> Article {
    var a = Article(
      source: source, id: try required(v, "id"), title: try required(v, "title"),
      body: text(v, "body").map(HTMLStripper.text) ?? "")
    a.labels = v.value("label_names")?.elements.compactMap(\.string) ?? []
    a.section = text(v, "section_id")
    a.locale = text(v, "locale")
    a.url = text(v, "html_url")
    a.draft = v.value("draft")?.bool ?? false
    a.createdAt = try instant(v, "created_at")
    let updated = try instant(v, "updated_at")
    let edited = try instant(v, "edited_at")
    a.updatedAt = updated ?? edited
    return a
  }
}
