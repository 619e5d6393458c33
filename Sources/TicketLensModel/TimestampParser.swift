/// Reads the timestamp shapes found in support exports, and nothing else.
///
/// Accepted: ISO 8601 date-times with `T` or a space, seconds optional, fractional seconds,
/// and `Z`, `±HH:MM`, `±HHMM` or `±HH` (a space may precede the offset); Unix epoch seconds
/// (9–10 digits) or milliseconds (12–13 digits); and, only where a mapping allows it, the US
/// `M/D/YYYY H:MM[:SS]` form. A value without a zone is wall-clock time in the source's zone.
/// Anything else is an error: a timestamp is never guessed.
public struct TimestampParser: Sendable {
  /// The zone a zoneless value is read in.
  public var sourceZone: ZoneRules
  /// Whether `M/D/YYYY H:MM` is accepted (the Zendesk CSV export).
  public var allowsUSDates: Bool

  public init(sourceZone: ZoneRules = .utc, allowsUSDates: Bool = false) {
    self.sourceZone = sourceZone
    self.allowsUSDates = allowsUSDates
  }

  /// Why a value is not a timestamp.
  public enum Failure: Error, Sendable, Equatable {
    case notATimestamp
    case outOfRange
  }

  public func parse(_ text: String) -> Result<Instant, Failure> {
    var t = text
    return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// The instants a support record can plausibly carry: 1970-01-01 up to 2100-01-01 (UTC).
  public static let plausible = Instant(seconds: 0)..<Instant(seconds: 4_102_444_800)

  /// Parses ASCII bytes (surrounding spaces are not trimmed: the caller trims). A well-formed
  /// value outside `plausible` (year 1, year 9999) is `outOfRange`.
  public func parse(_ b: UnsafeRawBufferPointer) -> Result<Instant, Failure> {
    switch parseAny(b) {
    case .success(let i) where !Self.plausible.contains(i): .failure(.outOfRange)
    case let r: r
    }
  }

  private func parseAny(_ b: UnsafeRawBufferPointer) -> Result<Instant, Failure> {
    let n = b.count
    guard n > 0 else { return .failure(.notATimestamp) }
    if b[0] >= 48 && b[0] <= 57 {
      // All digits: epoch seconds or milliseconds.
      var allDigits = true
      for i in 0..<n where b[i] &- 48 >= 10 {
        allDigits = false
        break
      }
      if allDigits {
        guard let v = Digits.value(b, 0, n) else { return .failure(.notATimestamp) }
        switch n {
        case 9, 10: return .success(Instant(seconds: Int64(v)))
        case 12, 13: return .success(Instant(milliseconds: Int64(v)))
        default: return .failure(.notATimestamp)
        }
      }
    }
    if n >= 16, b[4] == UInt8(ascii: "-") { return parseISO(b) }
    if allowsUSDates { return parseUS(b) }
    return .failure(.notATimestamp)
  }

  private func parseISO(_ b: UnsafeRawBufferPointer) -> Result<Instant, Failure> {
    let n = b.count
    guard let y = Digits.value(b, 0, 4), b[7] == UInt8(ascii: "-"),
      let mo = Digits.value(b, 5, 2), let d = Digits.value(b, 8, 2),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
      let h = Digits.value(b, 11, 2), b[13] == UInt8(ascii: ":"), let mi = Digits.value(b, 14, 2)
    else { return .failure(.notATimestamp) }
    var i = 16
    var s = 0
    var ms = 0
    if i < n, b[i] == UInt8(ascii: ":") {
      guard let sv = Digits.value(b, i + 1, 2) else { return .failure(.notATimestamp) }
      s = sv
      i += 3
      if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
        i += 1
        var digits = 0
        while i < n, b[i] &- 48 < 10 {
          if digits < 3 { ms = ms * 10 + Int(b[i] &- 48) }
          digits += 1
          i += 1
        }
        guard digits > 0 else { return .failure(.notATimestamp) }
        if digits < 3 { for _ in digits..<3 { ms *= 10 } }
      }
    }
    guard CivilDate.isValid(year: y, month: mo, day: d), h < 24, mi < 60, s < 60 else {
      return .failure(.notATimestamp)
    }
    // Zone designator.
    if i < n, b[i] == UInt8(ascii: " ") { i += 1 }
    var offset: Int? = nil
    if i < n {
      let c = b[i]
      if c == UInt8(ascii: "Z") && i + 1 == n {
        offset = 0
      } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
        let sign = c == UInt8(ascii: "-") ? -1 : 1
        let rest = n - i - 1
        var oh: Int?
        var om: Int? = 0
        switch rest {
        case 2: oh = Digits.value(b, i + 1, 2)
        case 4:
          oh = Digits.value(b, i + 1, 2)
          om = Digits.value(b, i + 3, 2)
        case 5:
          oh = Digits.value(b, i + 1, 2)
          om = b[i + 3] == UInt8(ascii: ":") ? Digits.value(b, i + 4, 2) : nil
        default: oh = nil
        }
        guard let oh, let om, oh <= 18, om < 60 else { return .failure(.notATimestamp) }
        offset = sign * (oh * 3600 + om * 60)
      } else {
        return .failure(.notATimestamp)
      }
    }
    let local =
      Int64(CivilDate(year: y, month: mo, day: d).daysSinceEpoch) * 86_400
      + Int64(h * 3600 + mi * 60 + s)
    let utc = offset.map { local - Int64($0) } ?? sourceZone.utcSecond(fromLocal: local)
    return .success(Instant(milliseconds: utc * 1000 + Int64(ms)))
  }

  /// `M/D/YYYY H:MM[:SS]` (US order, 24-hour clock), zoneless.
  private func parseUS(_ b: UnsafeRawBufferPointer) -> Result<Instant, Failure> {
    var parts: [Int] = []
    var cur = -1
    var seps: [UInt8] = []
    for i in 0..<b.count {
      let c = b[i]
      if c &- 48 < 10 {
        cur = (cur < 0 ? 0 : cur) * 10 + Int(c &- 48)
        if cur > 9999 { return .failure(.notATimestamp) }
      } else {
        guard cur >= 0 else { return .failure(.notATimestamp) }
        parts.append(cur)
        seps.append(c)
        cur = -1
      }
    }
    guard cur >= 0 else { return .failure(.notATimestamp) }
    parts.append(cur)
    let slash = UInt8(ascii: "/")
    let colon = UInt8(ascii: ":")
    let space = UInt8(ascii: " ")
    guard parts.count == 5 || parts.count == 6,
      seps.prefix(3) == [slash, slash, space], seps.dropFirst(3).allSatisfy({ $0 == colon })
    else { return .failure(.notATimestamp) }
    let (mo, d, y, h, mi) = (parts[0], parts[1], parts[2], parts[3], parts[4])
    let s = parts.count == 6 ? parts[5] : 0
    guard y >= 1000, CivilDate.isValid(year: y, month: mo, day: d), h < 24, mi < 60, s < 60 else {
      return .failure(.notATimestamp)
    }
    let local =
      Int64(CivilDate(year: y, month: mo, day: d).daysSinceEpoch) * 86_400
      + Int64(h * 3600 + mi * 60 + s)
    return .success(Instant(seconds: sourceZone.utcSecond(fromLocal: local)))
  }
}
