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

struct BusinessScheduleTests {
  static let berlin = ZoneRules(identifier: "Europe/Berlin")!
  /// Mon–Fri 09:00–17:00 Berlin; 2026-04-03 (Good Friday) is a holiday.
  static let office = BusinessSchedule.weekdays(
    "office", zone: berlin, start: 9 * 60, end: 17 * 60,
    holidays: [CivilDate(year: 2026, month: 4, day: 3)])

  static func at(_ s: String) -> Instant { try! TimestampParser().parse(s).get() }

  @Test(
    arguments: [
      // Same day inside hours (Berlin is UTC+1 in March before the 29th).
      ("2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z", 90.0),
      // Opened before hours: counting starts at 09:00 local (08:00Z).
      ("2026-03-02T05:00:00Z", "2026-03-02T09:00:00Z", 60.0),
      // Both ends outside hours, over a night: 16:00Z = 17:00 local closes; next day 08:00Z opens.
      ("2026-03-02T15:30:00Z", "2026-03-03T08:30:00Z", 60.0),
      // Friday evening to Monday morning: the weekend does not count.
      ("2026-03-06T15:00:00Z", "2026-03-09T09:00:00Z", 120.0),
      // Both ends on a weekend.
      ("2026-03-07T10:00:00Z", "2026-03-08T10:00:00Z", 0.0),
      // Several weeks: 3 full weeks of 5 × 8 h.
      ("2026-03-02T08:00:00Z", "2026-03-23T08:00:00Z", 7200.0),
      // Across the spring DST change (2026-03-29): Fri 27th 16:00Z (17:00 CET) to Mon 30th
      // 08:00Z (10:00 CEST): one business hour on Monday.
      ("2026-03-27T16:00:00Z", "2026-03-30T08:00:00Z", 60.0),
      // A holiday (Good Friday) in the middle: Thu 2 Apr 15:00Z (17:00 CEST) to Mon 6 Apr 08:00Z.
      ("2026-04-02T14:00:00Z", "2026-04-06T08:00:00Z", 120.0),
      // Reversed or equal ends: zero.
      ("2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z", 0.0),
    ] as [(String, String, Double)])
  func handWorkedSpans(from: String, to: String, minutes: Double) {
    #expect(Self.office.minutes(from: Self.at(from), to: Self.at(to)) == minutes)
  }

  @Test func intervalsSpanningTheSkippedHourAreAnHourShorter() {
    // 00:00–06:00 every day; on 2026-03-29 the hour 02:00–03:00 does not exist in Berlin.
    var iv: [[(start: Int, end: Int)]] = Array(repeating: [(0, 360)], count: 7)
    iv[0] = [(0, 360)]
    let night = BusinessSchedule(name: "n", zone: Self.berlin, intervals: iv)
    let day = Self.at("2026-03-28T23:00:00Z")  // 00:00 local on the 29th
    #expect(night.minutes(from: day, to: Self.at("2026-03-29T12:00:00Z")) == 300)
    // In autumn (2026-10-25) the repeated hour makes it 7 hours.
    #expect(
      night.minutes(from: Self.at("2026-10-24T22:00:00Z"), to: Self.at("2026-10-25T12:00:00Z"))
        == 420)
  }

  @Test func addingBusinessMinutesFindsTheDueTime() {
    // 600 business minutes from Friday 15:00 local (14:00Z): 2 h Friday, 8 h Monday → Monday
    // 17:00 local; one minute more runs into Tuesday 09:01.
    let due = Self.office.adding(minutes: 600, to: Self.at("2026-03-06T14:00:00Z"))
    #expect(due?.iso8601 == "2026-03-09T16:00:00Z")
    let later = Self.office.adding(minutes: 601, to: Self.at("2026-03-06T14:00:00Z"))
    #expect(later?.iso8601 == "2026-03-10T08:01:00Z")
    #expect(Self.office.minutes(from: Self.at("2026-03-06T14:00:00Z"), to: due!) == 600)
  }
}
