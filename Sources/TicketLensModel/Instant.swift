/// A point in time: whole milliseconds since 1970-01-01T00:00:00Z (UTC).
///
/// Every timestamp TicketLens reads is normalised to an `Instant`; time zones matter only when
/// reading zoneless input and when bucketing into days, weeks and months for a report.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Milliseconds since the Unix epoch.
  public var milliseconds: Int64

  public init(milliseconds: Int64) { self.milliseconds = milliseconds }

  public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

  /// Whole seconds since the epoch, rounded towards negative infinity.
  public var seconds: Int64 { milliseconds.floorDiv(1000) }

  public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

  /// Minutes from `self` to `later` as a real number (negative when `later` is earlier).
  public func minutes(until later: Instant) -> Double {
    Double(later.milliseconds - milliseconds) / 60_000
  }

  /// ISO 8601 in UTC: `2026-03-02T08:14:05Z`, with `.mmm` only when the milliseconds are not zero.
  public var iso8601: String {
    let secs = seconds
    let ms = Int(milliseconds - secs * 1000)
    let day = secs.floorDiv(86_400)
    let civil = CivilDate(daysSinceEpoch: Int(day))
    let sod = Int(secs - day * 86_400)
    var out =
      civil.iso8601 + "T" + pad2(sod / 3600) + ":" + pad2(sod / 60 % 60) + ":"
      + pad2(sod % 60)
    if ms != 0 { out += "." + String(ms + 1000).dropFirst() }
    return out + "Z"
  }

  public var description: String { iso8601 }
}

@inline(__always) func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

extension Int64 {
  /// Division rounding towards negative infinity.
  @inlinable public func floorDiv(_ d: Int64) -> Int64 {
    let q = self / d
    return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
  }
}

extension Int {
  /// Division rounding towards negative infinity.
  @inlinable public func floorDiv(_ d: Int) -> Int {
    let q = self / d
    return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
  }
}
