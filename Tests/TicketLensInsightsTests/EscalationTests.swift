import Testing
import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

@testable import TicketLensInsights

struct EscalationAnalysisTests {
  /// Tickets created at 0, solved after `minutes`, in a category and group; some escalated.
  static func data(_ rows: [(category: String, group: String, minutes: Double, escalated: Double?)])
    -> MetricData
  {
    let base: Int64 = 1_772_409_600_000
    var c = TicketColumns()
    c.count = rows.count
    c.createdAt = rows.map { _ in base }
    c.updatedAt = c.createdAt
    c.firstReplyAt = rows.map { _ in base + 60_000 }
    c.solvedAt = rows.map { base + Int64($0.minutes * 60_000) }
    c.escalatedAt = rows.map { r in
      r.escalated.map { base + Int64($0 * 60_000) } ?? TicketColumns.null
    }
    let nan = rows.map { _ in Double.nan }
    c.vendor = TicketColumns.VendorMinute.allCases.map { _ in nan }
    c.requesterWait = nan
    c.agentWait = nan
    c.onHold = nan
    c.reopens = rows.map { _ in 0 }
    c.replies = rows.map { _ in 1 }
    c.satisfaction = rows.map { _ in 0 }
    c.tags.offsets = Array(repeating: 0, count: rows.count + 1)
    func encode(_ values: [String]) -> EncodedColumn {
      let distinct = Array(Set(values)).sorted()
      return EncodedColumn(
        codes: values.map { Int32(distinct.firstIndex(of: $0)!) }, values: distinct)
    }
    c.dimensions["category"] = encode(rows.map(\.category))
    c.dimensions["group"] = encode(rows.map(\.group))
    c.dimensions["channel"] = encode(rows.map { _ in "email" })
    c.dimensions["priority"] = encode(rows.map { _ in "normal" })
    var d = MetricData(tickets: c, asOf: Instant(milliseconds: base + 10_000_000_000))
    d.escalation = EscalationRule(tags: [], groups: ["tier2"])
    return d
  }

  @Test func routingSuggestsOnlyAClearlyFasterGroup() throws {
    var rows: [(category: String, group: String, minutes: Double, escalated: Double?)] = []
    // Refunds: billing resolves 60 in 1000–1059 min; payments 30 in 100–129 (clearly faster);
    // tier2 (an escalation group) is faster still but no candidate.
    for i in 0..<60 { rows.append(("refund", "billing", 1000 + Double(i), nil)) }
    for i in 0..<30 { rows.append(("refund", "payments", 100 + Double(i), nil)) }
    for i in 0..<12 { rows.append(("refund", "tier2", 10 + Double(i), 5)) }
    // Logins: accounts 40 in 500–539; helpdesk 12 spread 200–805, median 502.5 (not clear).
    for i in 0..<40 { rows.append(("login", "accounts", 500 + Double(i), nil)) }
    for i in 0..<12 { rows.append(("login", "helpdesk", 200 + Double(i) * 55, i < 3 ? 60 : nil)) }
    // Exports: only 5 in another group, below the minimum.
    for i in 0..<20 { rows.append(("export", "tech", 200 + Double(i), nil)) }
    for i in 0..<5 { rows.append(("export", "ops", 10 + Double(i), nil)) }
    let a = EscalationAnalysis(zone: .utc, threads: 2, minGroupTickets: 10)
    let t = try a.routingTable(Self.data(rows))
    #expect(t.columns.last == "evidence")
    let byCategory = Dictionary(uniqueKeysWithValues: t.rows.map { ($0[0].formatted, $0) })
    let refund = try #require(byCategory["refund"])
    #expect(refund[1] == .int(90) && refund[2] == .text("billing") && refund[3] == .int(60))
    #expect(refund[4] == .real(1029.5) && refund[5] == .text("payments") && refund[6] == .int(30))
    #expect(refund[7] == .real(114.5) && refund[8] == .real(915) && refund[9] == .text("clear"))
    let login = try #require(byCategory["login"])
    #expect(login[5] == .text("helpdesk") && login[7] == .real(502.5))
    #expect(login[9] == .text("not clear"))
    let export = try #require(byCategory["export"])
    #expect(export[5] == .text("tech") && export[9] == .text("main group is fastest"))

    let e = try a.escalationTable(Self.data(rows))
    let refundRow = try #require(
      e.rows.first { $0[0] == .text("category") && $0[1] == .text("refund") })
    // Escalated: the 12 tier-2 tickets (group rule and instant); timed: those 12, 5 min each.
    #expect(refundRow[2...] == [.int(102), .int(12), .real(12.0 / 102), .int(12), .real(5)])
    let loginRow = try #require(e.rows.first { $0[1] == .text("login") })
    #expect(loginRow[2...] == [.int(52), .int(3), .real(3.0 / 52), .int(3), .real(60)])
    #expect(e.rows.filter { $0[0] == .text("channel") }.map { $0[2] } == [.int(179)])
  }
}
