/// Stable pseudonyms for personal data in outputs: a keyed hash (SipHash-2-4, a pseudorandom
/// function of its 128-bit key) of the value, so the same person gets the same pseudonym in
/// every report of a warehouse, and nobody without the warehouse's key can recompute one from a
/// list of names or addresses.
public struct Pseudonyms: Sendable {
  public let k0: UInt64
  public let k1: UInt64

  public init(k0: UInt64, k1: UInt64) {
    self.k0 = k0
    self.k1 = k1
  }

  /// `person-` and eight hex digits of the value's keyed hash.
  public func person(_ value: String) -> String { "person-" + hex(value) }

  /// A pseudonymous address in the reserved `.invalid` domain.
  public func email(_ value: String) -> String {
    "email-" + hex(value.lowercased()) + "@redacted.invalid"
  }

  func hex(_ value: String) -> String {
    let h = Self.sipHash(Array(value.utf8), k0: k0, k1: k1)
    let s = String(h >> 32, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
  }

  /// SipHash-2-4 (Aumasson and Bernstein), 64-bit output.
  public static func sipHash(_ data: [UInt8], k0: UInt64, k1: UInt64) -> UInt64 {
    var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
    var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
    var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
    var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
    func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
    func round() {
      v0 &+= v1
      v1 = rotl(v1, 13)
      v1 ^= v0
      v0 = rotl(v0, 32)
      v2 &+= v3
      v3 = rotl(v3, 16)
      v3 ^= v2
      v0 &+= v3
      v3 = rotl(v3, 21)
      v3 ^= v0
      v2 &+= v1
      v1 = rotl(v1, 17)
      v1 ^= v2
      v2 = rotl(v2, 32)
    }
    let blocks = data.count / 8
    for b in 0..<blocks {
      var m: UInt64 = 0
      for i in 0..<8 { m |= UInt64(data[b * 8 + i]) << (8 * UInt64(i)) }
      v3 ^= m
      round()
      round()
      v0 ^= m
    }
    var last = UInt64(data.count & 0xff) << 56
    for i in 0..<(data.count % 8) { last |= UInt64(data[blocks * 8 + i]) << (8 * UInt64(i)) }
    v3 ^= last
    round()
    round()
    v0 ^= last
    v2 ^= 0xff
    for _ in 0..<4 { round() }
    return v0 ^ v1 ^ v2 ^ v3
  }
}

/// Replaces requester names and e-mail addresses in output text with pseudonyms.
public struct Redactor: Sendable {
  public let pseudonyms: Pseudonyms
  /// Known requester names (whole words, case-sensitive), longest first.
  let names: [[Substring]]
  let firstWords: Set<Substring>

  public init(pseudonyms: Pseudonyms, names: [String]) {
    self.pseudonyms = pseudonyms
    let split = Set(names).map { $0.split(separator: " ") }.filter { !$0.isEmpty }
    self.names = split.sorted {
      $0.count > $1.count || ($0.count == $1.count && $0.lexicographicallyPrecedes($1))
    }
    firstWords = Set(split.map { $0[0] })
  }

  /// Column names whose whole value identifies a requester.
  public static let personColumns: Set<String> = [
    "requester", "requester_id", "requester_email", "requester_name", "visitor", "visitor_id",
    "visitor_name", "visitor_email",
  ]

  /// A whole identifying value: an address becomes a pseudonymous address, anything else a
  /// person pseudonym.
  public func identifier(_ value: String) -> String {
    guard !value.isEmpty, value != "none" else { return value }
    return value.contains("@") ? pseudonyms.email(value) : pseudonyms.person(value)
  }

  /// Free text with every e-mail address and known requester name replaced. Names match whole
  /// words (letters and digits), their words separated by white space, anywhere — in prose or
  /// inside a raw CSV row.
  public func text(_ s: String) -> String {
    let mailed = s.contains("@") ? emails(s) : s
    guard !firstWords.isEmpty else { return mailed }
    // Words (runs of letters and digits) and what separates them.
    var words: [Range<String.Index>] = []
    var i = mailed.startIndex
    while i < mailed.endIndex {
      guard mailed[i].isLetter || mailed[i].isNumber else {
        i = mailed.index(after: i)
        continue
      }
      let start = i
      while i < mailed.endIndex, mailed[i].isLetter || mailed[i].isNumber {
        i = mailed.index(after: i)
      }
      words.append(start..<i)
    }
    var out = ""
    var copied = mailed.startIndex
    var k = 0
    while k < words.count {
      guard firstWords.contains(mailed[words[k]]), let n = name(at: k, words, in: mailed) else {
        k += 1
        continue
      }
      let span = words[k].lowerBound..<words[k + n.count - 1].upperBound
      out += mailed[copied..<span.lowerBound]
      out += pseudonyms.person(n.joined(separator: " "))
      copied = span.upperBound
      k += n.count
    }
    return out + mailed[copied...]
  }

  /// The longest known name whose words start at word `k`, separated by white space only.
  func name(at k: Int, _ words: [Range<String.Index>], in s: String) -> [Substring]? {
    for candidate in names where candidate[0] == s[words[k]] && k + candidate.count <= words.count {
      var ok = true
      for j in 1..<max(1, candidate.count) {
        let gap = s[words[k + j - 1].upperBound..<words[k + j].lowerBound]
        if s[words[k + j]] != candidate[j] || gap.isEmpty || !gap.allSatisfy(\.isWhitespace) {
          ok = false
          break
        }
      }
      if ok { return candidate }
    }
    return nil
  }

  /// Every address (`local@domain.tld`) replaced by its pseudonymous address.
  func emails(_ s: String) -> String {
    var out = ""
    var rest = Substring(s)
    while let at = rest.firstIndex(of: "@") {
      let replaced = email(in: rest[..<rest.endIndex], at: at)
      out += replaced.text
      rest = rest[replaced.end...]
    }
    return out + rest
  }

  /// The text up to and including the address around `at` (replaced), and where it ends; when
  /// there is no address there, the text up to and including the `@` unchanged.
  func email(in s: Substring, at: Substring.Index) -> (text: String, end: Substring.Index) {
    let allowed: (Character) -> Bool = { $0.isLetter || $0.isNumber || "._%+-".contains($0) }
    var start = at
    while start > s.startIndex, allowed(s[s.index(before: start)]) {
      start = s.index(before: start)
    }
    var end = s.index(after: at)
    while end < s.endIndex, allowed(s[end]) { end = s.index(after: end) }
    while end > s.index(after: at), s[s.index(before: end)] == "." { end = s.index(before: end) }
    let domain = s[s.index(after: at)..<end]
    guard start < at, domain.contains("."), domain.first != "." else {
      return (String(s[..<s.index(after: at)]), s.index(after: at))
    }
    return (String(s[..<start]) + pseudonyms.email(String(s[start..<end])), end)
  }
}
