import Testing

@testable import TicketLensModel

struct TimestampParserTests {
  static let utc = TimestampParser()

  @Test(arguments: [
    ("2026-03-02T08:14:05Z", "2026-03-02T08:14:05Z"),
    ("2026-03-02T08:14:05.123Z", "2026-03-02T08:14:05.123Z"),
    ("2026-03-02T08:14:05.1Z", "2026-03-02T08:14:05.100Z"),
    ("2026-03-02T08:14:05.123456Z", "2026-03-02T08:14:05.123Z"),
    ("2026-03-02T09:14:05+01:00", "2026-03-02T08:14:05Z"),
    ("2026-03-02T09:14:05+0100", "2026-03-02T08:14:05Z"),
    ("2026-03-02T03:14:05-05", "2026-03-02T08:14:05Z"),
    ("2026-03-02 09:14:05 +0100", "2026-03-02T08:14:05Z"),
    ("2026-03-02 08:14:05", "2026-03-02T08:14:05Z"),
    ("2026-03-02T08:14Z", "2026-03-02T08:14:00Z"),
    ("1772439245", "2026-03-02T08:14:05Z"),
    ("1772439245123", "2026-03-02T08:14:05.123Z"),
    ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
  ])
  func acceptsDocumentedShapes(input: String, expected: String) throws {
    let instant = try Self.utc.parse(input).get()
    #expect(instant.iso8601 == expected)
  }

  @Test(arguments: [
    "", "yesterday", "31/02/2026 10:00", "2026-02-30 10:00:00", "2025-02-29T00:00:00Z",
    "2026-03-02T24:00:00Z", "2026-03-02T08:60:00Z", "2026-03-02T08:14:61Z", "2026-03-02",
    "2026-03-02T08:14:05ZZ", "2026-03-02T08:14:05+25:00", "12345", "17724392451", "2026-3-2 8:14",
    "2026-03-02T08:14:05.Z", " 2026-03-02T08:14:05Z", "3/2/2026 8:14",
    // Found by fuzzing: a long run of digits overflowed the epoch reader.
    "77243772492417724096122", String(repeating: "9", count: 400),
  ])
  func rejectsAnythingElse(input: String) {
    #expect(throws: TimestampParser.Failure.self) { try Self.utc.parse(input).get() }
  }

  @Test func readsUSDatesOnlyWhenAllowed() throws {
    let berlin = try #require(ZoneRules(identifier: "Europe/Berlin"))
    let p = TimestampParser(sourceZone: berlin, allowsUSDates: true)
    #expect(try p.parse("3/2/2026 9:14").get().iso8601 == "2026-03-02T08:14:00Z")
    #expect(try p.parse("12/31/2026 23:59:30").get().iso8601 == "2026-12-31T22:59:30Z")
    #expect(throws: TimestampParser.Failure.self) { try p.parse("13/2/2026 9:14").get() }
  }

  @Test func readsZonelessValuesInTheSourceZone() throws {
    let ny = try #require(ZoneRules(identifier: "America/New_York"))
    let p = TimestampParser(sourceZone: ny)
    // Winter (EST, -5) and summer (EDT, -4).
    #expect(try p.parse("2026-01-15 10:00:00").get().iso8601 == "2026-01-15T15:00:00Z")
    #expect(try p.parse("2026-07-15 10:00:00").get().iso8601 == "2026-07-15T14:00:00Z")
    // An explicit offset wins over the source zone.
    #expect(try p.parse("2026-07-15 10:00:00 +0000").get().iso8601 == "2026-07-15T10:00:00Z")
  }
}

struct ZoneRulesTests {
  @Test func berlinOffsetsAroundTheSpringChange() throws {
    let z = try #require(ZoneRules(identifier: "Europe/Berlin"))
    // 2026-03-29 01:00:00Z is the change from +1 to +2.
    let change =
      Instant(milliseconds: 0).seconds + Int64(
        CivilDate(year: 2026, month: 3, day: 29).daysSinceEpoch) * 86_400 + 3600
    #expect(z.offset(atUTC: change - 1) == 3600)
    #expect(z.offset(atUTC: change) == 7200)
  }

  @Test func wallClockTimesInGapsAndOverlaps() throws {
    let z = try #require(ZoneRules(identifier: "Europe/Berlin"))
    let day = Int64(CivilDate(year: 2026, month: 3, day: 29).daysSinceEpoch) * 86_400
    // 02:30 does not exist on 2026-03-29 in Berlin: read with the offset before the change.
    #expect(z.utcSecond(fromLocal: day + 2 * 3600 + 1800) == day + 3600 + 1800)
    // 02:30 happens twice on 2026-10-25: the earlier instant (+2) is taken.
    let fall = Int64(CivilDate(year: 2026, month: 10, day: 25).daysSinceEpoch) * 86_400
    #expect(z.utcSecond(fromLocal: fall + 2 * 3600 + 1800) == fall + 1800)
    // Ordinary times round-trip.
    for local in stride(from: day - 86_400 * 3, to: day + 86_400 * 3, by: 1234) {
      let utc = z.utcSecond(fromLocal: local)
      let back = z.localSecond(fromUTC: utc)
      if local < day + 2 * 3600 || local >= day + 3 * 3600 { #expect(back == local) }
    }
  }

  @Test func unknownZonesAreRefused() {
    #expect(ZoneRules(identifier: "Mars/Olympus") == nil)
  }
}

struct CivilDateTests {
  @Test func roundTripsDaysSinceEpoch() {
    for d in stride(from: -800_000, through: 800_000, by: 997) {
      #expect(CivilDate(daysSinceEpoch: d).daysSinceEpoch == d)
    }
    #expect(CivilDate(daysSinceEpoch: 0) == CivilDate(year: 1970, month: 1, day: 1))
    #expect(CivilDate(year: 2026, month: 3, day: 2).isoWeekday == 1)
    #expect(
      CivilDate(year: 2026, month: 3, day: 8).weekStart == CivilDate(year: 2026, month: 3, day: 2))
    #expect(CivilDate(iso8601: "2026-02-29") == nil)
    #expect(CivilDate(iso8601: "2028-02-29")?.iso8601 == "2028-02-29")
  }
}
