import Testing

@testable import TicketLensModel

struct VocabularyTests {
  @Test(arguments: [
    ("open", TicketStatus.open), ("Pending", .waitingOnCustomer), ("hold", .onHold),
    ("On-hold", .onHold), ("Solved", .solved), ("resolved", .solved), ("closed", .closed),
    ("new", .new),
  ])
  func normalisesStatuses(raw: String, expected: TicketStatus) {
    #expect(TicketStatus(normalizing: raw) == expected)
  }

  @Test func mapsSatisfactionScales() {
    #expect(Satisfaction(normalizing: "Not Offered") == .unoffered)
    #expect(Satisfaction(normalizing: "5") == .good)
    #expect(Satisfaction(normalizing: "3") == .bad)
    #expect(Satisfaction(normalizing: "meh") == nil)
    #expect(TicketPriority(normalizing: "Medium") == .normal)
    #expect(TicketPriority(normalizing: "P1") == nil)
    #expect(ChannelName.normalize("Web Form") == "web")
    #expect(ChannelName.normalize("Mail") == "email")
  }

  @Test func accountingBalances() {
    var a = FileAccounting(file: "x")
    a.read = 10
    a.inserted = 5
    a.updated = 1
    a.unchanged = 2
    a.superseded = 1
    a.rejected = 1
    #expect(a.balances)
    a.read = 11
    #expect(!a.balances)
  }
}

struct StatusHistoryTests {
  @Test func splitsTimeByStatusUpToTheFinalSolve() throws {
    let t0 = Instant(seconds: 0)
    func at(_ m: Int64) -> Instant { Instant(seconds: m * 60) }
    // new 0–10, open 10–30, pending 30–90, open 90–100, hold 100–160, solved 160,
    // reopened (open) 200–230, solved again 230, closed 300.
    let changes: [StatusHistory.Change] = [
      .init(at: at(10), status: .open), .init(at: at(30), status: .waitingOnCustomer),
      .init(at: at(90), status: .open), .init(at: at(100), status: .onHold),
      .init(at: at(160), status: .solved), .init(at: at(200), status: .open),
      .init(at: at(230), status: .solved), .init(at: at(300), status: .closed),
    ]
    let d = try #require(StatusHistory.durations(created: t0, changes: changes.shuffled()))
    // Requester wait: 10 + 20 + 10 + 60 (hold) + 30 (reopened) = 130; the solved gaps do not count.
    #expect(d.requesterWait == 130)
    #expect(d.agentWait == 60)
    #expect(d.onHold == 60)
    #expect(StatusHistory.durations(created: t0, changes: [.init(at: at(5), status: .open)]) == nil)
  }
}
