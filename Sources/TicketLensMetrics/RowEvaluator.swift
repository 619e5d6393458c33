import TicketLensModel
import TicketLensWarehouse

/// What each metric reads from a row.
enum RowEvaluator {
  /// The columns `make` reads for a metric (besides the cohort and the grouping and filter
  /// dimensions): keep in step with `make` — a test runs every metric with the other columns
  /// scrambled.
  static func columns(_ q: MetricQuery) -> ColumnSelection {
    typealias V = TicketColumns.VendorMinute
    /// A duration from two instants, else the vendor's minutes (calendar and business).
    func span(_ from: TicketColumn, _ to: TicketColumn, _ vendor: V, _ business: V)
      -> Set<TicketColumn>
    {
      [from, to, .vendor(vendor), .vendor(business)]
    }
    switch q.metric.id {
    case Catalog.firstReplyTime.id:
      return ColumnSelection(
        tickets: span(.createdAt, .firstReplyAt, .firstReply, .firstReplyBusiness))
    case Catalog.firstResolutionTime.id:
      return ColumnSelection(
        tickets: span(.createdAt, .solvedAt, .firstResolution, .firstResolutionBusiness).union([
          .reopens
        ]))
    case Catalog.backlog.id:
      return ColumnSelection(tickets: [.createdAt, .solvedAt])
    case Catalog.fullResolutionTime.id:
      return ColumnSelection(
        tickets: span(.createdAt, .solvedAt, .fullResolution, .fullResolutionBusiness))
    case Catalog.requesterWaitTime.id:
      return ColumnSelection(
        tickets: [.requesterWait, .vendor(.requesterWait), .vendor(.requesterWaitBusiness)])
    case Catalog.agentWaitTime.id:
      return ColumnSelection(
        tickets: [.agentWait, .vendor(.agentWait), .vendor(.agentWaitBusiness)])
    case Catalog.onHoldTime.id:
      return ColumnSelection(tickets: [.onHold, .vendor(.onHold), .vendor(.onHoldBusiness)])
    case Catalog.reopenRate.id:
      return ColumnSelection(tickets: [.reopens])
    case Catalog.oneTouchRate.id, Catalog.repliesPerTicket.id:
      return ColumnSelection(tickets: [.dimension("status"), .replies])
    case Catalog.slaFirstReply.id:
      return ColumnSelection(
        tickets: span(.createdAt, .firstReplyAt, .firstReply, .firstReplyBusiness).union([
          .dimension("priority")
        ]))
    case Catalog.slaResolution.id:
      return ColumnSelection(
        tickets: span(.createdAt, .solvedAt, .fullResolution, .fullResolutionBusiness).union([
          .dimension("priority")
        ]))
    case Catalog.csat.id:
      return ColumnSelection(tickets: [.satisfaction])
    case Catalog.escalationRate.id:
      return ColumnSelection(tickets: [.escalatedAt, .tags, .dimension("group")])
    case Catalog.timeToEscalation.id:
      return ColumnSelection(tickets: [.createdAt, .escalatedAt])
    case Catalog.repeatContactRate.id:
      return ColumnSelection(tickets: [.createdAt, .dimension("requester")])
    case Catalog.chats.id:
      return ColumnSelection(chats: [.offline])
    case Catalog.chatWaitTime.id:
      return ColumnSelection(chats: [.offline, .startedAt, .firstAgentAt])
    case Catalog.missedChatRate.id:
      return ColumnSelection(chats: [.offline, .missed])
    case Catalog.chatDuration.id, Catalog.agentConcurrency.id:
      return ColumnSelection(chats: [.offline, .startedAt, .endedAt])
    case Catalog.chatMessages.id:
      return ColumnSelection(chats: [.offline, .messages, .agentMessages, .visitorMessages])
    case Catalog.chatCSAT.id:
      return ColumnSelection(chats: [.offline, .satisfaction])
    default:
      // Counts read nothing but the cohort.
      return ColumnSelection()
    }
  }

  static func make(_ q: MetricQuery, _ d: MetricData, author: String?) throws(MetricQueryError)
    -> Evaluator
  {
    let t = PinnedTickets(d.tickets)
    let c = PinnedChats(d.chats)
    let null = TicketColumns.null
    let business = q.business
    let schedule = d.schedule
    typealias V = TicketColumns.VendorMinute

    /// A duration in ms between two instants, in calendar or business time.
    @Sendable func span(_ from: Int64, _ to: Int64, _ sched: BusinessSchedule?) -> Double? {
      guard from != null, to != null, to >= from else { return nil }
      if let sched {
        return sched.minutes(from: Instant(milliseconds: from), to: Instant(milliseconds: to))
          * 60_000
      }
      return Double(to - from)
    }
    /// The vendor's minutes as ms, nil when absent or negative.
    @Sendable func vendor(_ m: V, _ r: Int) -> Double? {
      let v = t.vendor[m.rawValue][r]
      return v.isNaN || v < 0 ? nil : v * 60_000
    }
    @Sendable func derived(_ a: Pinned<Double>, _ r: Int) -> Double? {
      let v = a[r]
      return v.isNaN || v < 0 ? nil : v * 60_000
    }
    let sched = business ? schedule : nil
    /// Whether a row's status is solved or closed (the one-touch and replies metrics).
    func solvedCheck() -> @Sendable (Int) -> Bool {
      guard let status = d.tickets.dimensions["status"] else { return { _ in false } }
      let codes = Pinned(status.codes)
      let solved: [Bool] = status.values.map { $0 == "solved" || $0 == "closed" }
      return { r in
        let code = codes[r]
        return code >= 0 && solved[Int(code)]
      }
    }
    /// Escalation instants; columns built by hand (tests) may leave them out: none then.
    func escalatedAt() -> Pinned<Int64> {
      d.tickets.escalatedAt.count == d.tickets.count
        ? t.escalatedAt : Pinned(Array(repeating: null, count: d.tickets.count))
    }

    @Sendable func firstReply(_ r: Int, _ s: BusinessSchedule?, vendorBusiness: Bool) -> Double? {
      if let x = span(t.createdAt[r], t.firstReplyAt[r], s) { return x }
      return vendor(vendorBusiness ? .firstReplyBusiness : .firstReply, r)
    }
    @Sendable func fullResolution(_ r: Int, _ s: BusinessSchedule?, vendorBusiness: Bool) -> Double?
    {
      if let x = span(t.createdAt[r], t.solvedAt[r], s) { return x }
      return vendor(vendorBusiness ? .fullResolutionBusiness : .fullResolution, r)
    }

    switch q.metric.id {
    case Catalog.ticketsCreated.id, Catalog.ticketsSolved.id:
      return { _ in .one }
    case Catalog.firstReplyTime.id:
      return { r in firstReply(r, sched, vendorBusiness: business).map(RowValue.number) }
    case Catalog.firstResolutionTime.id:
      return { r in
        if let v = vendor(business ? .firstResolutionBusiness : .firstResolution, r) {
          return .number(v)
        }
        guard t.reopens[r] == 0 else { return nil }
        return span(t.createdAt[r], t.solvedAt[r], sched).map(RowValue.number)
      }
    case Catalog.fullResolutionTime.id:
      return { r in fullResolution(r, sched, vendorBusiness: business).map(RowValue.number) }
    case Catalog.requesterWaitTime.id:
      return { r in
        (business
          ? vendor(.requesterWaitBusiness, r)
          : derived(t.requesterWait, r) ?? vendor(.requesterWait, r))
          .map(RowValue.number)
      }
    case Catalog.agentWaitTime.id:
      return { r in
        (business
          ? vendor(.agentWaitBusiness, r) : derived(t.agentWait, r) ?? vendor(.agentWait, r))
          .map(RowValue.number)
      }
    case Catalog.onHoldTime.id:
      return { r in
        (business ? vendor(.onHoldBusiness, r) : derived(t.onHold, r) ?? vendor(.onHold, r))
          .map(RowValue.number)
      }
    case Catalog.reopenRate.id:
      return { r in t.reopens[r] < 0 ? nil : .share(hit: t.reopens[r] >= 1) }
    case Catalog.oneTouchRate.id:
      let isSolved = solvedCheck()
      return { r in isSolved(r) && t.replies[r] >= 0 ? .share(hit: t.replies[r] <= 1) : nil }
    case Catalog.repliesPerTicket.id:
      let isSolved = solvedCheck()
      return { r in isSolved(r) && t.replies[r] >= 0 ? .number(Double(t.replies[r])) : nil }
    case Catalog.slaFirstReply.id, Catalog.slaResolution.id:
      guard let sla = d.sla else {
        throw MetricQueryError(
          "\(q.metric.id) needs SLA targets: --sla urgent=60,high=240 (and --sla-resolution), or a pipeline `sla:` policy"
        )
      }
      let firstReplySLA = q.metric.id == Catalog.slaFirstReply.id
      let targets = firstReplySLA ? sla.firstReply : sla.resolution
      let priority: EncodedColumn =
        d.tickets.dimensions["priority"]
        ?? EncodedColumn(codes: Array(repeating: -1, count: d.tickets.count))
      let priorityCodes = Pinned(priority.codes)
      let targetByCode: [Double?] = priority.values.map {
        TicketPriority(rawValue: $0).flatMap { targets[$0] }
      }
      let asOf = d.asOf.milliseconds
      let policySchedule = sla.schedule
      return { r in
        let code = priorityCodes[r]
        guard code >= 0, let target = targetByCode[Int(code)] else { return nil }
        let limit = target * 60_000
        let done =
          firstReplySLA
          ? firstReply(r, policySchedule, vendorBusiness: policySchedule != nil)
          : fullResolution(r, policySchedule, vendorBusiness: policySchedule != nil)
        if let done { return .share(hit: done > limit) }
        // Not replied (resolved) yet: breached once the clock passed the target, else undecided.
        guard let elapsed = span(t.createdAt[r], asOf, policySchedule), elapsed > limit else {
          return nil
        }
        return .share(hit: true)
      }
    case Catalog.csat.id:
      return { r in
        let s = t.satisfaction[r]
        return s == 1 || s == 2 ? .share(hit: s == 1) : nil
      }
    case Catalog.escalationRate.id:
      let tags = d.tickets.tags
      let marks = Set(
        d.escalation.tags.compactMap { tags.values.firstIndex(of: $0).map(Int32.init) })
      let group = d.tickets.dimensions["group"] ?? EncodedColumn()
      let tier2 = Set(
        d.escalation.groups.compactMap { group.values.firstIndex(of: $0).map(Int32.init) })
      let escalated = escalatedAt()
      return { r in
        .share(
          hit: escalated[r] != null || (!tier2.isEmpty && tier2.contains(group.codes[r]))
            || tags.values(r).contains { marks.contains($0) })
      }
    case Catalog.timeToEscalation.id:
      let escalated = escalatedAt()
      return { r in span(t.createdAt[r], escalated[r], sched).map(RowValue.number) }
    case Catalog.repeatContactRate.id:
      let repeats = Pinned(RepeatContacts.flags(d.tickets))
      return { r in .share(hit: repeats[r]) }
    case Catalog.chats.id:
      return { r in c.offline[r] ? nil : .one }
    case Catalog.chatWaitTime.id:
      return { r in
        c.offline[r] ? nil : span(c.startedAt[r], c.firstAgentAt[r], sched).map(RowValue.number)
      }
    case Catalog.missedChatRate.id:
      return { r in c.offline[r] || c.missed[r] < 0 ? nil : .share(hit: c.missed[r] == 1) }
    case Catalog.chatDuration.id:
      return { r in
        c.offline[r] ? nil : span(c.startedAt[r], c.endedAt[r], nil).map(RowValue.number)
      }
    case Catalog.chatMessages.id:
      let side: Pinned<Int32>
      switch author {
      case nil: side = c.messages
      case "agent": side = c.agentMessages
      case "visitor": side = c.visitorMessages
      default: throw MetricQueryError("author must be agent or visitor")
      }
      return { r in c.offline[r] ? nil : .number(Double(side[r])) }
    case Catalog.chatCSAT.id:
      return { r in
        let s = c.satisfaction[r]
        return !c.offline[r] && (s == 1 || s == 2) ? .share(hit: s == 1) : nil
      }
    default:
      throw MetricQueryError("\(q.metric.id) is computed by its own path")
    }
  }
}

/// Repeat contacts: a ticket whose requester opened another ticket in the 7 days before it.
enum RepeatContacts {
  static let window: Int64 = 7 * 86_400_000

  static func flags(_ t: TicketColumns) -> [Bool] {
    var out = Array(repeating: false, count: t.count)
    guard let requester = t.dimensions["requester"] else { return out }
    // Rows grouped by requester with a counting sort over the codes (dense: 0 up to the number
    // of values), each group in row order: no dictionary of arrays (a million tickets have
    // hundreds of thousands of requesters).
    let codes = requester.codes
    var start = [Int](repeating: 0, count: requester.values.count + 1)
    for c in codes where c >= 0 { start[Int(c) + 1] += 1 }
    for i in 1..<start.count { start[i] += start[i - 1] }
    var next = start
    var rows = [Int](repeating: 0, count: start[start.count - 1])
    for r in 0..<t.count where codes[r] >= 0 {
      rows[next[Int(codes[r])]] = r
      next[Int(codes[r])] += 1
    }
    let created = t.createdAt
    for g in 0..<(start.count - 1) where start[g + 1] - start[g] > 1 {
      let sorted = rows[start[g]..<start[g + 1]].sorted { (created[$0], $0) < (created[$1], $1) }
      for k in 1..<sorted.count {
        out[sorted[k]] = created[sorted[k]] - created[sorted[k - 1]] <= window
      }
    }
    return out
  }
}

/// Repeat-contact flags for other targets (customer views).
public enum RepeatContactsPublic {
  public static func flags(_ t: TicketColumns) -> [Bool] { RepeatContacts.flags(t) }
}

/// Pinned views of the ticket columns the evaluators read.
struct PinnedTickets: Sendable {
  let createdAt, firstReplyAt, solvedAt, escalatedAt: Pinned<Int64>
  let vendor: [Pinned<Double>]
  let requesterWait, agentWait, onHold: Pinned<Double>
  let reopens, replies: Pinned<Int32>
  let satisfaction: Pinned<Int8>

  init(_ t: TicketColumns) {
    createdAt = Pinned(t.createdAt)
    firstReplyAt = Pinned(t.firstReplyAt)
    solvedAt = Pinned(t.solvedAt)
    escalatedAt = Pinned(t.escalatedAt)
    vendor = t.vendor.map(Pinned.init)
    requesterWait = Pinned(t.requesterWait)
    agentWait = Pinned(t.agentWait)
    onHold = Pinned(t.onHold)
    reopens = Pinned(t.reopens)
    replies = Pinned(t.replies)
    satisfaction = Pinned(t.satisfaction)
  }
}

/// Pinned views of the chat columns the evaluators read.
struct PinnedChats: Sendable {
  let startedAt, firstAgentAt, endedAt: Pinned<Int64>
  let missed, satisfaction: Pinned<Int8>
  let offline: Pinned<Bool>
  let messages, agentMessages, visitorMessages: Pinned<Int32>

  init(_ c: ChatColumns) {
    startedAt = Pinned(c.startedAt)
    firstAgentAt = Pinned(c.firstAgentAt)
    endedAt = Pinned(c.endedAt)
    missed = Pinned(c.missed)
    satisfaction = Pinned(c.satisfaction)
    offline = Pinned(c.offline)
    messages = Pinned(c.messages)
    agentMessages = Pinned(c.agentMessages)
    visitorMessages = Pinned(c.visitorMessages)
  }
}
