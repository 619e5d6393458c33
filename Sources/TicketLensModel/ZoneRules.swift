import Foundation

/// UTC offsets of one IANA time zone, looked up fast and thread-safely.
///
/// Foundation's `TimeZone.secondsFromGMT(for:)` is correct but slow for millions of calls, so the
/// offsets are learned one UTC year at a time: the offset at each day boundary, and where two
/// consecutive boundaries differ, the exact transition second by bisection. A year is computed
/// once, on first use, under a lock.
public final class ZoneRules: Sendable {
  /// The IANA identifier, e.g. `Europe/Berlin`.
  public let identifier: String
  private let zone: TimeZone
  private let fixedOffset: Int?
  private let years = YearCache()

  /// Computed years, behind a pthread mutex (`NSLock`): ThreadSanitizer sees its ordering,
  /// which it cannot for the standard library's futex-based `Mutex` (it reported a race here).
  private final class YearCache: @unchecked Sendable {
    let lock = NSLock()
    var tables: [Int: YearTable] = [:]
  }

  private struct YearTable: Sendable {
    var startOffset: Int
    /// (UTC second of the change, offset in seconds from then on), ascending.
    var transitions: [(Int64, Int)]
  }

  /// UTC, with no lookups at all.
  public static let utc = ZoneRules(fixed: "UTC")

  private init(fixed id: String) {
    identifier = id
    zone = TimeZone(identifier: "UTC")!
    fixedOffset = 0
  }

  /// The rules for an IANA zone name; nil when the name is unknown.
  public init?(identifier id: String) {
    guard let tz = TimeZone(identifier: id) else { return nil }
    identifier = id
    zone = tz
    fixedOffset = (id == "UTC" || id == "Etc/UTC" || id == "GMT") ? 0 : nil
  }

  /// The offset from UTC (seconds) in force at `utcSecond`.
  public func offset(atUTC utcSecond: Int64) -> Int {
    if let fixedOffset { return fixedOffset }
    let y = CivilDate(daysSinceEpoch: Int(utcSecond.floorDiv(86_400))).year
    years.lock.lock()
    let table: YearTable
    if let t = years.tables[y] {
      table = t
    } else {
      table = computeYear(y)
      years.tables[y] = table
    }
    years.lock.unlock()
    var off = table.startOffset
    // Few transitions per year (0–4): a linear scan is fastest.
    for (at, o) in table.transitions {
      if utcSecond >= at { off = o } else { break }
    }
    return off
  }

  /// The UTC instant of a wall-clock time in this zone. In a spring-forward gap the time is read
  /// with the offset before the change (so it lands after the gap); in a fall-back overlap, the
  /// earlier of the two instants is taken.
  public func utcSecond(fromLocal local: Int64) -> Int64 {
    if let fixedOffset { return local - Int64(fixedOffset) }
    let before = Int64(offset(atUTC: local - 86_400 / 2))
    let after = Int64(offset(atUTC: local + 86_400 / 2))
    // Try the earlier offset first (gives the earlier instant in an overlap).
    let candidates = before >= after ? [before, after] : [after, before]
    for o in candidates where Int64(offset(atUTC: local - o)) == o { return local - o }
    return local - before
  }

  /// The calendar day of an instant in this zone.
  public func civilDate(of instant: Instant) -> CivilDate {
    CivilDate(daysSinceEpoch: Int(localSecond(fromUTC: instant.seconds).floorDiv(86_400)))
  }

  /// The local wall-clock second (seconds since the epoch as if the zone were UTC) of a UTC second.
  @inline(__always) public func localSecond(fromUTC s: Int64) -> Int64 {
    s + Int64(offset(atUTC: s))
  }

  private func rawOffset(_ s: Int64) -> Int {
    zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(s)))
  }

  private func computeYear(_ y: Int) -> YearTable {
    let firstDay = CivilDate(year: y, month: 1, day: 1).daysSinceEpoch
    let lastDay = CivilDate(year: y + 1, month: 1, day: 1).daysSinceEpoch
    var t = Int64(firstDay) * 86_400
    let startOffset = rawOffset(t)
    var off = startOffset
    var transitions: [(Int64, Int)] = []
    for d in (firstDay + 1)...lastDay {
      let next = Int64(d) * 86_400
      let o = rawOffset(next)
      if o != off {
        // Bisect for the first second with the new offset.
        var lo = t
        var hi = next
        while hi - lo > 1 {
          let mid = lo + (hi - lo) / 2
          if rawOffset(mid) == off { lo = mid } else { hi = mid }
        }
        transitions.append((hi, o))
        off = o
      }
      t = next
    }
    return YearTable(startOffset: startOffset, transitions: transitions)
  }
}

/// A zone is what its identifier (or fixed offset) names; the computed years it caches are not
/// part of its value (so a description of settings holding a zone is the same in every process).
extension ZoneRules: CustomReflectable {
  public var customMirror: Mirror {
    Mirror(
      self, children: ["identifier": identifier, "fixedOffset": fixedOffset as Any],
      displayStyle: .class)
  }
}
