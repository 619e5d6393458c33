import Testing

@testable import TicketLensMetrics
@testable import TicketLensModel
@testable import TicketLensWarehouse

/// Builds ticket columns directly (no warehouse) for engine tests.
func columns(
  created: [Int64], reply: [Int64?], vendor: [Double?]? = nil, dims: [String: [String?]]
) -> TicketColumns {
  var c = TicketColumns()
  c.count = created.count
  c.createdAt = created
  c.updatedAt = created
  c.solvedAt = created.map { _ in TicketColumns.null }
  c.firstReplyAt = reply.map { $0 ?? TicketColumns.null }
  let nan = created.map { _ in Double.nan }
  c.vendor = TicketColumns.VendorMinute.allCases.map { _ in nan }
  c.vendor[TicketColumns.VendorMinute.firstReply.rawValue] = (vendor ?? created.map { _ in nil })
    .map { $0 ?? .nan }
  c.requesterWait = nan
  c.agentWait = nan
  c.onHold = nan
  c.reopens = created.map { _ in -1 }
  c.replies = created.map { _ in -1 }
  c.satisfaction = created.map { _ in 0 }
  c.tags.offsets = Array(repeating: 0, count: created.count + 1)
  for (name, values) in dims {
    var e = EncodedColumn()
    var index: [String: Int32] = [:]
    for v in values {
      guard let v else {
        e.codes.append(-1)
        continue
      }
      if let k = index[v] {
        e.codes.append(k)
      } else {
        index[v] = Int32(e.values.count)
        e.codes.append(Int32(e.values.count))
        e.values.append(v)
      }
    }
    c.dimensions[name] = e
  }
  for (name, _) in TicketColumns.dimensionSources where c.dimensions[name] == nil {
    c.dimensions[name] = EncodedColumn(codes: created.map { _ in -1 }, values: [])
  }
  return c
}

/// A straightforward single-threaded reference implementation, independent of the engine.
enum Reference {
  static func quantile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    let h = Double(s.count - 1) * p
    let lo = Int(h)
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }
}

struct MetricEngineTests {
  static func generated(_ n: Int, seed: UInt64 = 7) -> TicketColumns {
    var state = seed
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 17
    }
    var created: [Int64] = []
    var reply: [Int64?] = []
    var channel: [String?] = []
    var assignee: [String?] = []
    let base: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    for _ in 0..<n {
      let c = base + Int64(next() % (90 * 86_400_000))
      created.append(c)
      reply.append(next() % 10 == 0 ? nil : c + Int64(next() % 10_000_000))
      channel.append(next() % 20 == 0 ? nil : ["email", "web", "chat", "phone"][Int(next() % 4)])
      assignee.append(next() % 7 == 0 ? nil : "agent\(next() % 25)")
    }
    return columns(
      created: created, reply: reply, dims: ["channel": channel, "assignee": assignee])
  }

  @Test func identicalOutputForOneTwoAndManyThreads() throws {
    let cols = Self.generated(200_000)
    var q = MetricQuery(metric: Catalog.firstReplyTime)
    q.by = ["assignee"]
    q.stats = [.count, .mean, .median, .p90, .percentile(99)]
    var c = MetricQuery(metric: Catalog.ticketsCreated)
    c.by = ["channel"]
    c.grain = .day
    for query in [q, c] {
      let one = try MetricEngine(threads: 1, shardSize: 4096).run(query, on: cols)
      let two = try MetricEngine(threads: 2, shardSize: 4096).run(query, on: cols)
      let many = try MetricEngine(threads: 8, shardSize: 4096).run(query, on: cols)
      #expect(one == two)
      #expect(one == many)
      #expect(!one.rows.isEmpty)
    }
  }

  @Test func firstReplyStatisticsMatchAReferenceImplementation() throws {
    let cols = Self.generated(50_000)
    var q = MetricQuery(metric: Catalog.firstReplyTime)
    q.by = ["assignee"]
    q.stats = [.count, .mean, .median, .p90]
    let table = try MetricEngine(threads: 2).run(q, on: cols)
    #expect(
      table.columns == ["assignee", "count", "mean_minutes", "median_minutes", "p90_minutes"])
    var groups: [String: [Double]] = [:]
    for i in 0..<cols.count where cols.firstReplyAt[i] != TicketColumns.null {
      let key = cols.dimensions["assignee"]!.value(i) ?? "none"
      groups[key, default: []].append(Double(cols.firstReplyAt[i] - cols.createdAt[i]) / 60_000)
    }
    #expect(table.rows.count == groups.count)
    #expect(
      table.rows.map { $0[0].formatted }
        == groups.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    for row in table.rows {
      let xs = try #require(groups[row[0].formatted])
      #expect(row[1] == .int(xs.count))
      guard case .real(let mean) = row[2], case .real(let median) = row[3],
        case .real(let p90) = row[4]
      else {
        Issue.record("non-real statistic")
        continue
      }
      #expect(abs(mean - xs.reduce(0, +) / Double(xs.count)) < 1e-9)
      #expect(abs(median - Reference.quantile(xs, 0.5)) < 1e-9)
      #expect(abs(p90 - Reference.quantile(xs, 0.9)) < 1e-9)
    }
  }

  @Test func ticketsCreatedCountsEveryTicketOncePerDayAndChannel() throws {
    let cols = Self.generated(30_000)
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.by = ["channel"]
    q.grain = .day
    let table = try MetricEngine().run(q, on: cols)
    #expect(table.columns == ["day", "channel", "count"])
    var expected: [String: Int] = [:]
    for i in 0..<cols.count {
      let day = CivilDate(daysSinceEpoch: Int(cols.createdAt[i] / 86_400_000)).iso8601
      expected[day + "|" + (cols.dimensions["channel"]!.value(i) ?? "none"), default: 0] += 1
    }
    var got: [String: Int] = [:]
    for r in table.rows {
      guard case .int(let n) = r[2] else { continue }
      got[r[0].formatted + "|" + r[1].formatted] = n
    }
    #expect(got == expected)
    #expect(table.rows.reduce(0) { if case .int(let n) = $1[2] { $0 + n } else { $0 } } == 30_000)
  }

  @Test func daysAreCalendarDaysInTheReportZone() throws {
    // 2026-03-02T23:30:00Z is already 2026-03-03 in Berlin (UTC+1).
    let late: Int64 = 1_772_494_200_000
    let cols = columns(created: [late, late - 3_600_000], reply: [nil, nil], dims: [:])
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.grain = .day
    let utc = try MetricEngine().run(q, on: cols)
    #expect(utc.rows == [[.text("2026-03-02"), .int(2)]])
    q.zone = try #require(ZoneRules(identifier: "Europe/Berlin"))
    let berlin = try MetricEngine().run(q, on: cols)
    #expect(berlin.rows == [[.text("2026-03-02"), .int(1)], [.text("2026-03-03"), .int(1)]])
  }

  @Test func weeksStartOnMondayAndMonthsAreLabelled() throws {
    let sunday: Int64 = 1_772_323_200_000  // 2026-03-01 (a Sunday)
    let monday = sunday + 86_400_000
    let cols = columns(created: [sunday, monday], reply: [nil, nil], dims: [:])
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.grain = .week
    #expect(
      try MetricEngine().run(q, on: cols).rows == [
        [.text("2026-02-23"), .int(1)], [.text("2026-03-02"), .int(1)],
      ])
    q.grain = .month
    #expect(try MetricEngine().run(q, on: cols).rows == [[.text("2026-03"), .int(2)]])
  }

  @Test func fillEmitsEmptyPeriodsAndFiltersApply() throws {
    let d0: Int64 = 1_772_323_200_000
    let cols = columns(
      created: [d0, d0 + 3 * 86_400_000, d0], reply: [nil, nil, nil],
      dims: ["channel": ["email", "email", "web"]])
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.grain = .day
    q.fill = true
    q.filters = [("channel", "email")]
    let t = try MetricEngine().run(q, on: cols)
    #expect(t.rows.map { $0[1] } == [.int(1), .int(0), .int(0), .int(1)])
    q.filters = [("channel", "none")]
    q.fill = false
    #expect(try MetricEngine().run(q, on: cols).rows.isEmpty)
    q.filters = []
    q.from = CivilDate(year: 2026, month: 3, day: 2)
    #expect(try MetricEngine().run(q, on: cols).rows == [[.text("2026-03-04"), .int(1)]])
  }

  @Test func nullDurationsAreLeftOutAndVendorMinutesFillIn() throws {
    let cols = columns(
      created: [0, 0, 0, 0], reply: [60_000, nil, nil, -60_000], vendor: [nil, 5, nil, nil],
      dims: [:])
    var q = MetricQuery(metric: Catalog.firstReplyTime)
    q.stats = [.count, .median]
    // Row 0: 1 minute from timestamps; row 1: 5 vendor minutes; row 2: no reply yet (left out);
    // row 3: a reply before creation is left out too.
    #expect(try MetricEngine().run(q, on: cols).rows == [[.int(2), .real(3)]])
    q.unit = .seconds
    #expect(try MetricEngine().run(q, on: cols).rows == [[.int(2), .real(180)]])
  }

  @Test func unknownDimensionsSuggestTheClosestName() {
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.by = ["chanel"]
    #expect(throws: MetricQueryError.self) { try MetricEngine().run(q, on: Self.generated(10)) }
    do {
      _ = try MetricEngine().run(q, on: Self.generated(10))
    } catch {
      #expect(error.message.contains("did you mean 'channel'"))
    }
  }
}
