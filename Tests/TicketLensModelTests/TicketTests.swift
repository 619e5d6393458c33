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
