/// A compact, exact binary encoding for values kept between runs (cached report sections, a
/// trained classifier): integers little-endian, reals by their bits (NaN, ∞ and −0 round-trip),
/// strings as a length and UTF-8. `ByteReader` reads what this wrote.
public struct ByteWriter: Sendable {
  public var bytes: [UInt8] = []

  public init() {}

  public mutating func byte(_ b: UInt8) { bytes.append(b) }

  public mutating func int(_ v: Int64) {
    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
  }

  public mutating func int(_ v: Int) { int(Int64(v)) }

  public mutating func double(_ d: Double) { int(Int64(bitPattern: d.bitPattern)) }

  public mutating func string(_ s: String) {
    let u = Array(s.utf8)
    int(u.count)
    bytes.append(contentsOf: u)
  }

  public mutating func optional(_ s: String?) {
    if let s {
      bytes.append(1)
      string(s)
    } else {
      bytes.append(0)
    }
  }

  public mutating func strings(_ s: [String]) {
    int(s.count)
    for x in s { string(x) }
  }

  public mutating func doubles(_ d: [Double]) {
    int(d.count)
    bytes.reserveCapacity(bytes.count + 8 * d.count)
    for x in d { double(x) }
  }
}

/// Reads what `ByteWriter` wrote; every read fails (nil, and every later read too) past the end
/// or on a bad tag, so that damaged bytes are a miss, never a crash.
public struct ByteReader: Sendable {
  public let bytes: [UInt8]
  public private(set) var at = 0
  public private(set) var failed = false

  public init(bytes: [UInt8]) { self.bytes = bytes }

  /// Everything read, nothing failed.
  public var atEnd: Bool { !failed && at == bytes.count }

  public mutating func fail() { failed = true }

  public mutating func byte() -> UInt8? {
    guard !failed, at < bytes.count else {
      failed = true
      return nil
    }
    at += 1
    return bytes[at - 1]
  }

  public mutating func int() -> Int64? {
    guard !failed, at + 8 <= bytes.count else {
      failed = true
      return nil
    }
    var v: Int64 = 0
    for i in 0..<8 { v |= Int64(bytes[at + i]) << (8 * i) }
    at += 8
    return v
  }

  public mutating func double() -> Double? {
    int().map { Double(bitPattern: UInt64(bitPattern: $0)) }
  }

  /// A length: not negative and not past the bytes left.
  public mutating func count() -> Int? {
    guard let n = int(), n >= 0, n <= bytes.count - at else {
      failed = true
      return nil
    }
    return Int(n)
  }

  public mutating func string() -> String? {
    guard let n = count() else { return nil }
    let s = String(decoding: bytes[at..<(at + n)], as: UTF8.self)
    at += n
    return s
  }

  /// `.some(nil)` for an absent value, nil when the bytes are bad.
  public mutating func optional() -> String?? {
    switch byte() {
    case 0: return .some(nil)
    case 1: return string().map { .some($0) }
    default:
      failed = true
      return nil
    }
  }

  public mutating func strings() -> [String]? {
    guard let n = count() else { return nil }
    var out: [String] = []
    out.reserveCapacity(n)
    for _ in 0..<n {
      guard let s = string() else { return nil }
      out.append(s)
    }
    return out
  }

  public mutating func doubles() -> [Double]? {
    guard let n = int(), n >= 0, n <= (bytes.count - at) / 8 else {
      failed = true
      return nil
    }
    var out = [Double](repeating: 0, count: Int(n))
    for i in out.indices { out[i] = double()! }
    return out
  }
}
