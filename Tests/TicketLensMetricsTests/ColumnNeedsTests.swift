import Testing

@testable import TicketLensMetrics
@testable import TicketLensModel
@testable import TicketLensWarehouse

/// `MetricEngine.columns(for:)` must name every column a query reads: a query loads only those
/// (`ticketlens export`, the benchmark suite). Each query of every metric runs on columns with
/// every value filled in, and again with every column it does not name scrambled (rows
/// reversed); the tables must be equal.
struct ColumnNeedsTests {
  /// Random tickets and chats with every column filled (nulls mixed in).
  static func data(tickets n: Int, chats m: Int, seed: UInt64 = 11) -> MetricData {
    var state = seed
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    func chance(_ percent: Int) -> Bool { next(100) < percent }
    let base: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    let minute: Int64 = 60_000
    func later(_ from: Int64, _ minutes: Int, nullPercent: Int) -> Int64 {
      chance(nullPercent) ? TicketColumns.null : from + Int64(next(minutes)) * minute
    }
    func minutes(nullPercent: Int) -> Double {
      chance(nullPercent) ? .nan : chance(5) ? -1 : Double(next(5000))
    }
    func encoded(_ values: [String], rows: Int, nullPercent: Int = 10) -> EncodedColumn {
      EncodedColumn(
        codes: (0..<rows).map { _ in chance(nullPercent) ? -1 : Int32(next(values.count)) },
        values: values)
    }
    func tags(_ values: [String], rows: Int) -> EncodedMultiColumn {
      var t = EncodedMultiColumn()
      t.values = values
      for _ in 0..<rows {
        for code in Set((0..<next(4)).map { _ in Int32(next(values.count)) }).sorted() {
          t.codes.append(code)
        }
        t.offsets.append(Int32(t.codes.count))
      }
      return t
    }
    var t = TicketColumns()
    t.count = n
    for _ in 0..<n {
      let created = base + Int64(next(60 * 1440)) * minute
      t.createdAt.append(created)
      t.updatedAt.append(created + Int64(next(20 * 1440)) * minute)
      t.firstReplyAt.append(later(created, 3000, nullPercent: 15))
      t.solvedAt.append(later(created, 15000, nullPercent: 25))
      t.escalatedAt.append(later(created, 4000, nullPercent: 75))
      t.requesterWait.append(minutes(nullPercent: 30))
      t.agentWait.append(minutes(nullPercent: 30))
      t.onHold.append(minutes(nullPercent: 30))
      t.reopens.append(Int32(next(5) - 1))
      t.replies.append(Int32(next(7) - 1))
      t.satisfaction.append(Int8(next(5)))
    }
    t.vendor = TicketColumns.VendorMinute.allCases.map { _ in
      (0..<n).map { _ in minutes(nullPercent: 40) }
    }
    let values: [String: [String]] = [
      "status": ["new", "open", "pending", "solved", "closed"],
      "priority": ["low", "normal", "high", "urgent"],
      "group": ["support", "billing", "tier2"],
      "requester": (0..<60).map { "r\($0)" },
    ]
    for (name, _) in TicketColumns.dimensionSources {
      t.dimensions[name] = encoded(values[name] ?? ["a", "b", "c"], rows: n)
    }
    t.tags = tags(["escalated", "billing", "tier2", "bug", "vip"], rows: n)

    var c = ChatColumns()
    c.count = m
    for _ in 0..<m {
      let started = base + Int64(next(60 * 1440)) * minute
      c.startedAt.append(started)
      c.firstAgentAt.append(later(started, 30, nullPercent: 20))
      c.endedAt.append(later(started, 90, nullPercent: 10))
      c.missed.append(Int8(next(3) - 1))
      c.offline.append(chance(10))
      c.satisfaction.append(Int8(next(3)))
      c.agentMessages.append(Int32(next(10)))
      c.visitorMessages.append(Int32(next(10)))
      c.messages.append(c.agentMessages.last! + c.visitorMessages.last!)
    }
    for (name, _) in ChatColumns.dimensionSources {
      c.dimensions[name] = encoded(
        name == "requester" ? values["requester"]! : ["a", "b"], rows: m)
    }
    c.tags = tags(["vip", "bug"], rows: m)

    var d = MetricData(tickets: t, chats: c, asOf: Instant(milliseconds: base + 70 * 1440 * minute))
    d.schedule = BusinessSchedule.weekdays("office", zone: .utc, start: 9 * 60, end: 17 * 60)
    d.sla = SLAPolicy(
      name: "sla", firstReply: [.urgent: 60, .high: 240], resolution: [.urgent: 600, .low: 9000])
    d.escalation = EscalationRule(groups: ["tier2"])
    return d
  }

  /// The data with every column outside `keep` reversed (rows no longer line up).
  static func scrambled(_ d: MetricData, keeping keep: ColumnSelection) -> MetricData {
    var s = d
    s.loaded = keep
    for col in ColumnSelection.all.tickets where !keep.tickets.contains(col) {
      reverse(&s.tickets, col.slot)
    }
    for col in ColumnSelection.all.chats where !keep.chats.contains(col) {
      reverse(&s.chats, col.slot)
    }
    return s
  }

  static func reverse<Root>(_ root: inout Root, _ slot: ColumnSlot<Root>) {
    switch slot {
    case .instants(let k): root[keyPath: k].reverse()
    case .doubles(let k): root[keyPath: k].reverse()
    case .int32(let k): root[keyPath: k].reverse()
    case .int8(let k): root[keyPath: k].reverse()
    case .bools(let k): root[keyPath: k].reverse()
    case .encoded(let k, let name): root[keyPath: k][name]?.codes.reverse()
    case .multi(let k):
      let m = root[keyPath: k]
      var out = EncodedMultiColumn()
      out.values = m.values
      for r in stride(from: m.offsets.count - 2, through: 0, by: -1) {
        out.codes += m.values(r)
        out.offsets.append(Int32(out.codes.count))
      }
      root[keyPath: k] = out
    }
  }

  /// Every metric plain, by each of its dimensions, by day with a filter and a date range, in
  /// business time where it has that variant.
  static func queries() -> [MetricQuery] {
    var out: [MetricQuery] = []
    for m in Catalog.all {
      let dims = m.table == .chats ? GroupPlan.chatDimensions : Catalog.dimensions
      var plain = MetricQuery(metric: m)
      plain.stats = [.count, .mean, .median, .p90]
      out.append(plain)
      for d in dims {
        var q = plain
        q.by = [d]
        out.append(q)
      }
      var dated = plain
      dated.grain = .day
      dated.filters = [(m.table == .chats ? "assignee" : "channel", "a"), ("tag", "vip")]
      dated.from = CivilDate(year: 2026, month: 1, day: 10)
      dated.to = CivilDate(year: 2026, month: 2, day: 10)
      out.append(dated)
      if m.hasBusinessVariant {
        var b = plain
        b.business = true
        b.by = [m.table == .chats ? "group" : "priority"]
        out.append(b)
      }
      if m.id == Catalog.chatMessages.id {
        var a = plain
        a.filters = [("author", "agent")]
        out.append(a)
      }
    }
    return out
  }

  @Test func everyQueryNamesEveryColumnItReads() throws {
    let full = Self.data(tickets: 3000, chats: 2000)
    let engine = MetricEngine(threads: 2, shardSize: 512)
    var checked = 0
    for q in Self.queries() {
      let needed = MetricEngine.columns(for: q)
      let expected = try engine.run(q, data: full)
      let got = try engine.run(q, data: Self.scrambled(full, keeping: needed))
      #expect(got == expected, "\(q.metric.id) by \(q.by) filters \(q.filters.map(\.value))")
      checked += expected.rows.isEmpty ? 0 : 1
    }
    // The data must give the queries something to compute (an empty table proves nothing).
    #expect(checked > 200)
    // And scrambling must change results when a needed column is left out.
    var q = MetricQuery(metric: Catalog.firstResolutionTime)
    q.by = ["priority"]
    var lacking = MetricEngine.columns(for: q)
    lacking.tickets.remove(.reopens)
    let scrambled = Self.scrambled(full, keeping: lacking)
    #expect(
      try engine.run(q, data: full)
        != engine.run(
          q,
          data: {
            var d = scrambled; d.loaded = .all; return d
          }()))
  }

  @Test func aQueryWhoseColumnsWereNotLoadedIsRefused() throws {
    var d = Self.data(tickets: 100, chats: 100)
    var q = MetricQuery(metric: Catalog.csat)
    q.by = ["assignee"]
    d.loaded = ColumnSelection(tickets: [.createdAt, .dimension("assignee")])
    #expect {
      try MetricEngine().run(q, data: d)
    } throws: { error in
      "\(error)".contains("tickets.satisfaction")
    }
    d.loaded.tickets.insert(.satisfaction)
    #expect(try MetricEngine().run(q, data: d).rows.count == 4)  // a, b, c and none
  }
}
