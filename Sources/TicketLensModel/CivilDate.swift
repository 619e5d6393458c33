/// A proleptic Gregorian calendar date with no time zone: a report day, week start or month.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// The date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
  public init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
  }

  /// Days since 1970-01-01 (Howard Hinnant's days-from-civil algorithm).
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var isoWeekday: Int {
    let d = daysSinceEpoch
    // 1970-01-01 was a Thursday (4).
    return ((d + 3) % 7 + 7) % 7 + 1
  }

  /// The Monday that starts this date's ISO week.
  public var weekStart: CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch - (isoWeekday - 1)) }

  /// The first day of this date's month.
  public var monthStart: CivilDate { CivilDate(year: year, month: month, day: 1) }

  public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

  /// `YYYY-MM-DD`.
  public var iso8601: String {
    let y =
      year < 0
      ? "-" + String(-year) : (year < 1000 ? String(year + 10000).dropFirst() + "" : String(year))
    return y + "-" + pad2(month) + "-" + pad2(day)
  }

  /// `YYYY-MM`.
  public var monthLabel: String { String(iso8601.prefix(7)) }

  public var description: String { iso8601 }

  public static func < (a: CivilDate, b: CivilDate) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }

  /// Whether the year/month/day triple names a real date.
  public static func isValid(year: Int, month: Int, day: Int) -> Bool {
    guard (1...12).contains(month), day >= 1 else { return false }
    return day <= daysIn(month: month, year: year)
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Parses `YYYY-MM-DD` exactly; nil for anything else.
  public init?(iso8601 text: String) {
    let b = Array(text.utf8)
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
      let y = Digits.value(b, 0, 4), let m = Digits.value(b, 5, 2), let d = Digits.value(b, 8, 2),
      CivilDate.isValid(year: y, month: m, day: d)
    else { return nil }
    self.init(year: y, month: m, day: d)
  }
}

/// Small helpers for reading ASCII digits out of byte buffers.
public enum Digits {
  /// The decimal value of `count` digits at `start`, or nil when any byte is not a digit or
  /// there are more than 18 digits (which could overflow; found by fuzzing the timestamp parser
  /// with a 23-digit "epoch").
  @inlinable public static func value<C: RandomAccessCollection>(_ b: C, _ start: Int, _ count: Int)
    -> Int?
  where C.Element == UInt8, C.Index == Int {
    guard count <= 18, start >= b.startIndex, start + count <= b.endIndex else { return nil }
    var v = 0
    for i in start..<(start + count) {
      let c = b[i] &- 48
      guard c < 10 else { return nil }
      v = v * 10 + Int(c)
    }
    return v
  }
}
