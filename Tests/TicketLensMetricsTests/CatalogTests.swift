import Testing

@testable import TicketLensMetrics
@testable import TicketLensModel
@testable import TicketLensWarehouse

/// Hand-built tickets for catalog tests; minutes from 2026-03-02T00:00:00Z (a Monday).
struct T {
  var created: Int64
  var reply: Int64? = nil
  var solved: Int64? = nil
  var status = "open"
  var priority: String? = "normal"
  var reopens: Int32 = 0
  var replies: Int32 = 1
  var sat: Int8 = 0
  var requester: String? = nil
  var tags: [String] = []
  var escalated: Int64? = nil
  var group: String? = nil
}

let base: Int64 = 1_772_409_600_000  // 2026-03-02T00:00:00Z
func ms(_ minutes: Int64) -> Int64 { base + minutes * 60_000 }

func ticketColumns(_ ts: [T]) -> TicketColumns {
  var c = columns(
    created: ts.map { ms($0.created) }, reply: ts.map { $0.reply.map(ms) },
    dims: [
      "status": ts.map(\.status), "priority": ts.map(\.priority), "requester": ts.map(\.requester),
      "group": ts.map(\.group),
    ])
  c.escalatedAt = ts.map { $0.escalated.map(ms) ?? TicketColumns.null }
  c.solvedAt = ts.map { $0.solved.map(ms) ?? TicketColumns.null }
  c.reopens = ts.map(\.reopens)
  c.replies = ts.map(\.replies)
  c.satisfaction = ts.map(\.sat)
  var tags = EncodedMultiColumn()
  for t in ts {
    for tag in t.tags {
      if let i = tags.values.firstIndex(of: tag) {
        tags.codes.append(Int32(i))
      } else {
        tags.values.append(tag)
        tags.codes.append(Int32(tags.values.count - 1))
      }
    }
    tags.offsets.append(Int32(tags.codes.count))
  }
  c.tags = tags
  return c
}

func run(
  _ metric: MetricDefinition, _ ts: [T], by: [String] = [], grain: Grain? = nil,
  asOf: Int64 = 10_000,
  sla: SLAPolicy? = nil, schedule: BusinessSchedule? = nil, business: Bool = false,
  stats: [Statistic] = [.count, .median], escalation: EscalationRule = EscalationRule()
)
  throws -> [[Cell]]
{
  var q = MetricQuery(metric: metric)
  q.by = by
  q.grain = grain
  q.stats = stats
  q.business = business
  var d = MetricData(tickets: ticketColumns(ts), asOf: Instant(milliseconds: ms(asOf)))
  d.sla = sla
  d.schedule = schedule
  d.escalation = escalation
  return try MetricEngine(threads: 2, shardSize: 2).run(q, data: d).rows
}

struct TicketCatalogTests {
  @Test func solvedCountsGoByEventDate() throws {
    let rows = try run(
      Catalog.ticketsSolved,
      [T(created: 0, solved: 60), T(created: 0, solved: 1500), T(created: 10)],
      grain: .day)
    #expect(rows == [[.text("2026-03-02"), .int(1)], [.text("2026-03-03"), .int(1)]])
  }

  @Test func backlogIsOpenAtTheEndOfEachDay() throws {
    // Day 0: A, B created; A solved day 0. Day 1: C created, B solved. Day 2: nothing. As of day 2.
    let ts = [T(created: 60, solved: 120), T(created: 100, solved: 1500), T(created: 1600)]
    let rows = try run(Catalog.backlog, ts, grain: .day, asOf: 2 * 1440 + 60)
    #expect(
      rows == [
        [.text("2026-03-02"), .int(1)], [.text("2026-03-03"), .int(1)],
        [.text("2026-03-04"), .int(1)],
      ])
    // Without a grain the backlog is daily too (its rows had an empty period label before;
    // found by comparing with the Spark SQL of the same query).
    #expect(try run(Catalog.backlog, ts, asOf: 2 * 1440 + 60) == rows)
    let weekly = try run(Catalog.backlog, ts, grain: .week, asOf: 2 * 1440 + 60)
    #expect(weekly == [[.text("2026-03-02"), .int(1)]])
    // By tag, a ticket is open under each of its tags (untagged under "none"; every group has
    // a row for every day); this read past the end of the grouping codes before.
    let tagged = [
      T(created: 60, solved: 1500, tags: ["billing", "vip"]), T(created: 100, tags: ["vip"]),
      T(created: 1600),
    ]
    let byTag = try run(Catalog.backlog, tagged, by: ["tag"], grain: .day, asOf: 1440 + 1000)
    #expect(
      byTag == [
        [.text("2026-03-02"), .text("billing"), .int(1)],
        [.text("2026-03-02"), .text("none"), .int(0)],
        [.text("2026-03-02"), .text("vip"), .int(2)],
        [.text("2026-03-03"), .text("billing"), .int(0)],
        [.text("2026-03-03"), .text("none"), .int(1)],
        [.text("2026-03-03"), .text("vip"), .int(1)],
      ])
  }

  @Test func ratesCountNumeratorAndDenominator() throws {
    let ts = [
      T(created: 0, status: "solved", reopens: 1, replies: 1, sat: 1),
      T(created: 0, status: "closed", reopens: 0, replies: 3, sat: 2),
      T(created: 0, status: "open", reopens: 0, replies: 0, sat: 3),
      T(created: 0, status: "solved", reopens: -1, replies: -1, sat: 1),
    ]
    #expect(try run(Catalog.reopenRate, ts) == [[.int(3), .int(1), .real(1.0 / 3)]])
    #expect(try run(Catalog.oneTouchRate, ts) == [[.int(2), .int(1), .real(0.5)]])
    #expect(try run(Catalog.csat, ts) == [[.int(3), .int(2), .real(2.0 / 3)]])
    #expect(
      try run(Catalog.repliesPerTicket, ts, stats: [.count, .mean]) == [[.int(2), .real(2)]])
  }

  @Test func slaBreachesIncludeOverdueUnrepliedTicketsButNotUndecidedOnes() throws {
    let sla = SLAPolicy(name: "t", firstReply: [.urgent: 60, .normal: 240])
    let ts = [
      T(created: 0, reply: 30, priority: "urgent"),  // in time
      T(created: 0, reply: 90, priority: "urgent"),  // breached
      T(created: 9_000, priority: "urgent"),  // unreplied, 1000 min old at as-of: breached
      T(created: 9_990, priority: "urgent"),  // unreplied, 10 min old: undecided
      T(created: 0, reply: 240, priority: "normal"),  // exactly on target: not breached
      T(created: 0, reply: 5, priority: "low"),  // no target: not eligible
    ]
    let rows = try run(Catalog.slaFirstReply, ts, by: ["priority"], sla: sla)
    #expect(
      rows == [
        [.text("normal"), .int(1), .int(0), .real(0)],
        [.text("urgent"), .int(3), .int(2), .real(2.0 / 3)],
      ])
    #expect(throws: MetricQueryError.self) { try run(Catalog.slaFirstReply, ts) }
  }

  @Test func businessTimeUsesTheSchedule() throws {
    let utcOffice = BusinessSchedule.weekdays("o", zone: .utc, start: 9 * 60, end: 17 * 60)
    // Created Monday 08:00Z, replied 10:00Z: 120 calendar minutes, 60 business minutes.
    let ts = [T(created: 8 * 60, reply: 10 * 60)]
    #expect(try run(Catalog.firstReplyTime, ts) == [[.int(1), .real(120)]])
    #expect(
      try run(Catalog.firstReplyTime, ts, schedule: utcOffice, business: true) == [
        [.int(1), .real(60)]
      ])
    #expect(throws: MetricQueryError.self) { try run(Catalog.firstReplyTime, ts, business: true) }
    #expect(throws: MetricQueryError.self) {
      try run(Catalog.ticketsCreated, ts, schedule: utcOffice, business: true)
    }
  }

  @Test func repeatContactsLookSevenDaysBack() throws {
    let ts = [
      T(created: 0, requester: "a"), T(created: 3 * 1440, requester: "a"),  // repeat
      T(created: 20 * 1440, requester: "a"),  // 17 days later: not a repeat
      T(created: 1, requester: "b"), T(created: 2, requester: nil), T(created: 3, requester: nil),
    ]
    #expect(try run(Catalog.repeatContactRate, ts) == [[.int(6), .int(1), .real(1.0 / 6)]])
  }

  @Test func tagsCountOncePerTagAndEscalationsByTag() throws {
    let ts = [
      T(created: 0, tags: ["billing", "vip"]), T(created: 0, tags: ["billing", "escalated"]),
      T(created: 0),
    ]
    #expect(
      try run(Catalog.ticketsCreated, ts, by: ["tag"]) == [
        [.text("billing"), .int(2)], [.text("escalated"), .int(1)], [.text("none"), .int(1)],
        [.text("vip"), .int(1)],
      ])
    #expect(try run(Catalog.escalationRate, ts) == [[.int(3), .int(1), .real(1.0 / 3)]])
  }

  @Test func hourOfWeekBucketsByWeekdayAndHour() throws {
    // Monday 09:30Z and Sunday 23:59Z.
    let rows = try run(
      Catalog.ticketsCreated, [T(created: 9 * 60 + 30), T(created: 6 * 1440 + 23 * 60 + 59)],
      grain: .hourOfWeek)
    #expect(rows == [[.text("Mon 09"), .int(1)], [.text("Sun 23"), .int(1)]])
  }

  @Test func rateAndValueMetricsAreIdenticalForAnyThreadCount() throws {
    let cols = MetricEngineTests.generated(100_000)
    var c = cols
    c.reopens = (0..<c.count).map { Int32($0 % 3 == 0 ? 1 : 0) }
    c.replies = (0..<c.count).map { Int32($0 % 5) }
    for metric in [Catalog.reopenRate, Catalog.repliesPerTicket, Catalog.backlog] {
      var q = MetricQuery(metric: metric)
      q.by = ["channel"]
      q.grain = metric.kind == .backlog ? .week : nil
      q.stats = [.count, .mean, .median]
      let d = MetricData(
        tickets: c, asOf: Instant(milliseconds: 1_767_225_600_000 + 90 * 86_400_000))
      let one = try MetricEngine(threads: 1, shardSize: 1024).run(q, data: d)
      let many = try MetricEngine(threads: 4, shardSize: 1024).run(q, data: d)
      #expect(one == many)
    }
  }
}

struct ChatCatalogTests {
  /// started (min), first agent (min), ended (min), missed, offline, satisfaction, messages (agent, visitor).
  static func chats() -> ChatColumns {
    let rows: [(Int64, Int64?, Int64?, Int8, Bool, Int8, Int32, Int32, String?)] = [
      (0, 1, 10, 0, false, 1, 2, 3, "a1"),
      (5, 7, 20, 0, false, 2, 4, 4, "a1"),
      (30, nil, 31, 1, false, 0, 0, 1, nil),
      (40, nil, nil, -1, true, 0, 0, 1, nil),  // offline message: left out
    ]
    var c = ChatColumns()
    c.count = rows.count
    c.startedAt = rows.map { ms($0.0) }
    c.firstAgentAt = rows.map { $0.1.map(ms) ?? TicketColumns.null }
    c.endedAt = rows.map { $0.2.map(ms) ?? TicketColumns.null }
    c.missed = rows.map(\.3)
    c.offline = rows.map(\.4)
    c.satisfaction = rows.map(\.5)
    c.agentMessages = rows.map(\.6)
    c.visitorMessages = rows.map(\.7)
    c.messages = rows.map { $0.6 + $0.7 }
    c.dimensions["assignee"] = EncodedColumn(
      codes: rows.map { $0.8 == nil ? -1 : 0 }, values: ["a1"])
    for name in ["group", "requester", "source"] {
      c.dimensions[name] = EncodedColumn(codes: Array(repeating: -1, count: rows.count), values: [])
    }
    c.tags.offsets = Array(repeating: 0, count: rows.count + 1)
    return c
  }

  func run(
    _ m: MetricDefinition, by: [String] = [], filters: [(String, String)] = [],
    stats: [Statistic] = [.count, .mean]
  )
    throws -> [[Cell]]
  {
    var q = MetricQuery(metric: m)
    q.by = by
    q.filters = filters.map { (dimension: $0.0, value: $0.1) }
    q.stats = stats
    var d = MetricData(
      tickets: TicketColumns(), chats: Self.chats(), asOf: Instant(milliseconds: ms(100)))
    d.tickets.dimensions = [:]
    return try MetricEngine(threads: 2).run(q, data: d).rows
  }

  @Test func chatMetricsLeaveOfflineMessagesOut() throws {
    #expect(try run(Catalog.chats) == [[.int(3)]])
    #expect(try run(Catalog.chatWaitTime) == [[.int(2), .real(1.5)]])
    #expect(try run(Catalog.missedChatRate) == [[.int(3), .int(1), .real(1.0 / 3)]])
    #expect(try run(Catalog.chatCSAT) == [[.int(2), .int(1), .real(0.5)]])
    #expect(try run(Catalog.chatDuration) == [[.int(3), .real((10.0 + 15 + 1) / 3)]])
    #expect(try run(Catalog.chatMessages, filters: [("author", "agent")]) == [[.int(3), .real(2)]])
    #expect(try run(Catalog.chatMessages) == [[.int(3), .real((5.0 + 8 + 1) / 3)]])
    #expect(throws: MetricQueryError.self) { try run(Catalog.chats, by: ["priority"]) }
  }

  @Test func concurrencyIsTimeWeightedWhileBusy() throws {
    // a1: chats 0–10 and 5–20 overlap: 25 chat-minutes over 20 busy minutes = 1.25.
    let rows = try run(Catalog.agentConcurrency, by: ["assignee"])
    #expect(rows.first == [.text("a1"), .real(1.25)])
  }
}

struct EscalationMetricTests {
  @Test func escalatedByTagGroupOrRecordedInstant() throws {
    let ts = [
      T(created: 0, tags: ["vip", "escalated"]), T(created: 0, group: "tier2"),
      T(created: 0, escalated: 90, group: "billing"), T(created: 0, group: "billing"),
      T(created: 0, tags: ["tier2"]),
    ]
    // Default rule: escalation tags and instants; no tier-2 groups.
    #expect(try run(Catalog.escalationRate, ts) == [[.int(5), .int(3), .real(3.0 / 5)]])
    let rule = EscalationRule(tags: ["escalated"], groups: ["tier2"])
    #expect(
      try run(Catalog.escalationRate, ts, escalation: rule) == [[.int(5), .int(3), .real(3.0 / 5)]]
    )
    #expect(
      try run(Catalog.escalationRate, ts, by: ["group"], escalation: rule) == [
        [.text("billing"), .int(2), .int(1), .real(0.5)],
        [.text("none"), .int(2), .int(1), .real(0.5)],
        [.text("tier2"), .int(1), .int(1), .real(1)],
      ])
  }

  @Test func timeToEscalationRunsFromCreationToTheFirstEscalation() throws {
    let ts = [
      T(created: 0, escalated: 90), T(created: 30, escalated: 630),
      // Escalated "before" creation (bad data) and never escalated: no duration.
      T(created: 100, escalated: 50), T(created: 0),
    ]
    #expect(
      try run(Catalog.timeToEscalation, ts, stats: [.count, .median, .mean]) == [
        [.int(2), .real(345), .real(345)]
      ])
    // Business time: Monday 2026-03-02 09:00–17:00; created 08:00, escalated 10:30 → 90 min.
    let office = BusinessSchedule.weekdays("office", zone: .utc, start: 540, end: 1020)
    #expect(
      try run(
        Catalog.timeToEscalation, [T(created: 480, escalated: 630)], schedule: office,
        business: true, stats: [.count, .median]) == [[.int(1), .real(90)]])
  }
}

struct DistributionAndVendorTests {
  /// `leN` on a duration metric counts the tickets at most N units, as whole numbers, beside the
  /// other statistics; with a grouping, per group.
  @Test func durationBracketsAreCounts() throws {
    let ts = [
      T(created: 0, reply: 30, priority: "high"), T(created: 0, reply: 60, priority: "high"),
      T(created: 0, reply: 61, priority: "low"), T(created: 0, reply: 300, priority: "low"),
      T(created: 0),
    ]
    #expect(
      try run(Catalog.firstReplyTime, ts, stats: [.count, .atMost(60), .atMost(240)]) == [
        [.int(4), .int(2), .int(3)]
      ])
    #expect(
      try run(Catalog.firstReplyTime, ts, by: ["priority"], stats: [.atMost(60)]) == [
        [.text("high"), .int(2)], [.text("low"), .int(0)],
      ])
    var q = MetricQuery(metric: Catalog.firstReplyTime)
    q.stats = [.count, .atMost(1)]
    q.unit = .hours
    let table = try MetricEngine().run(q, on: ticketColumns(ts))
    #expect(table.columns == ["count", "le1_hours"])
  }

  @Test func vendorAgreementComparesOurMinutesWithTheExportsPerSource() {
    var c = ticketColumns([
      T(created: 0, reply: 10), T(created: 0, reply: 15), T(created: 0, reply: 20),
      T(created: 0, reply: 5), T(created: 0),
    ])
    // The export's first reply minutes: 10.5 (agrees), 10 (off by 5), none, 5 (agrees), 7 (we
    // have no reply to compare with).
    c.vendor[TicketColumns.VendorMinute.firstReply.rawValue] = [10.5, 10, .nan, 5, 7]
    var source = EncodedColumn()
    source.values = ["a", "b"]
    source.codes = [0, 0, 0, 1, 1]
    c.dimensions["source"] = source
    let table = VendorAgreement.table(MetricData(tickets: c, asOf: Instant(milliseconds: ms(100))))
    #expect(
      table.rows == [
        [
          .text("a"), .text("first_reply"), .int(2), .int(1), .int(1), .real(0.5), .real(2.75),
          .real(5),
        ],
        [
          .text("b"), .text("first_reply"), .int(1), .int(1), .int(0), .real(0), .real(0), .real(0),
        ],
      ])
  }
}
