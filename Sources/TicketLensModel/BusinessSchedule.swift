/// Business hours: weekly open intervals in a time zone, minus holidays.
///
/// Business time between two instants counts only the minutes inside the open intervals,
/// computed day by day in the schedule's zone, so it is exact across DST changes (an interval
/// that spans a skipped hour is an hour shorter that day) and costs O(days) for any span.
public struct BusinessSchedule: Sendable {
  public var name: String
  public var zone: ZoneRules
  /// Open intervals per ISO weekday (index 0 = Monday … 6 = Sunday), as [start, end) minutes
  /// from local midnight (end may be 1440).
  public var intervals: [[(start: Int, end: Int)]]
  public var holidays: Set<CivilDate>

  public init(
    name: String, zone: ZoneRules, intervals: [[(start: Int, end: Int)]],
    holidays: Set<CivilDate> = []
  ) {
    precondition(intervals.count == 7)
    self.name = name
    self.zone = zone
    self.intervals = intervals
    self.holidays = holidays
  }

  /// Monday to Friday, `start`–`end` local time (minutes from midnight).
  public static func weekdays(
    _ name: String, zone: ZoneRules, start: Int, end: Int, holidays: Set<CivilDate> = []
  ) -> BusinessSchedule {
    var iv: [[(start: Int, end: Int)]] = Array(repeating: [], count: 7)
    for d in 0..<5 { iv[d] = [(start, end)] }
    return BusinessSchedule(name: name, zone: zone, intervals: iv, holidays: holidays)
  }

  /// Business minutes in [from, to]; 0 when `to` is not after `from`.
  public func minutes(from: Instant, to: Instant) -> Double {
    guard to > from else { return 0 }
    let a = from.milliseconds
    let b = to.milliseconds
    let firstDay = Int(zone.localSecond(fromUTC: a.floorDiv(1000)).floorDiv(86_400))
    let lastDay = Int(zone.localSecond(fromUTC: b.floorDiv(1000)).floorDiv(86_400))
    var total: Int64 = 0
    for day in firstDay...lastDay {
      let date = CivilDate(daysSinceEpoch: day)
      if holidays.contains(date) { continue }
      let midnight = Int64(day) * 86_400
      for iv in intervals[date.isoWeekday - 1] {
        let open = zone.utcSecond(fromLocal: midnight + Int64(iv.start) * 60) * 1000
        let close = zone.utcSecond(fromLocal: midnight + Int64(iv.end) * 60) * 1000
        let s = max(open, a)
        let e = min(close, b)
        if e > s { total += e - s }
      }
    }
    return Double(total) / 60_000
  }

  /// The instant `minutes` business minutes after `from` (for SLA due times); nil if the
  /// schedule has no open time at all.
  public func adding(minutes: Double, to from: Instant) -> Instant? {
    guard intervals.contains(where: { !$0.isEmpty }) else { return nil }
    var remaining = Int64((minutes * 60_000).rounded())
    let a = from.milliseconds
    var day = Int(zone.localSecond(fromUTC: a.floorDiv(1000)).floorDiv(86_400))
    while true {
      let date = CivilDate(daysSinceEpoch: day)
      if !holidays.contains(date) {
        let midnight = Int64(day) * 86_400
        for iv in intervals[date.isoWeekday - 1] {
          let open = max(zone.utcSecond(fromLocal: midnight + Int64(iv.start) * 60) * 1000, a)
          let close = zone.utcSecond(fromLocal: midnight + Int64(iv.end) * 60) * 1000
          guard close > open else { continue }
          if close - open >= remaining { return Instant(milliseconds: open + remaining) }
          remaining -= close - open
        }
      }
      day += 1
    }
  }
}
