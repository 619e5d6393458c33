import TicketLensModel

/// A node of a `JSONTape`, read lazily from the original bytes.
///
/// Like `bytes`, the tape's nodes are borrowed, not owned: a value is valid while the tape it
/// was made from lives unchanged (the readers map a record and let its values go before they
/// parse the next into the same tape). Holding the tape retained and released its storage on
/// every member lookup: a fifth of the chat mapping's time.
public struct JSONValue {
  let nodes: UnsafePointer<JSONTape.Node>
  public let index: Int
  let bytes: UnsafeRawBufferPointer

  public init(tape: JSONTape, index: Int = 0, bytes: UnsafeRawBufferPointer) {
    precondition(index < tape.nodes.count, "a JSON value needs a node")
    nodes = tape.nodes.withUnsafeBufferPointer { $0.baseAddress! }
    self.index = index
    self.bytes = bytes
  }

  private init(nodes: UnsafePointer<JSONTape.Node>, index: Int, bytes: UnsafeRawBufferPointer) {
    self.nodes = nodes
    self.index = index
    self.bytes = bytes
  }

  /// Another node of the same tape.
  func at(_ i: Int) -> JSONValue { JSONValue(nodes: nodes, index: i, bytes: bytes) }

  var node: JSONTape.Node { nodes[index] }
  public var kind: JSONTape.Kind { node.kind }
  public var isNull: Bool { node.kind == .null }

  /// The member `key` of an object; nil when absent or when this is not an object.
  public subscript(key: String) -> JSONValue? {
    guard node.kind == .object else { return nil }
    var k = index + 1
    let end = Int(node.next)
    var key = key
    return key.withUTF8 { want -> JSONValue? in
      while k < end {
        let kn = nodes[k]
        let valueIndex = k + 1
        if !kn.escaped, kn.end - kn.start == want.count,
          memcmp(bytes.baseAddress! + kn.start, want.baseAddress!, want.count) == 0
        {
          return at(valueIndex)
        }
        k = Int(nodes[valueIndex].next)
      }
      return nil
    }
  }

  /// A member that is present and not null.
  public func value(_ key: String) -> JSONValue? {
    guard let v = self[key], !v.isNull else { return nil }
    return v
  }

  /// Object members in order.
  public var members: [(String, JSONValue)] {
    guard node.kind == .object else { return [] }
    var out: [(String, JSONValue)] = []
    var k = index + 1
    while k < Int(node.next) {
      let key = at(k).string ?? ""
      out.append((key, at(k + 1)))
      k = Int(nodes[k + 1].next)
    }
    return out
  }

  /// The first key that appears twice among this object's members (compared as written), or
  /// nil. Keys are compared by a hash of their bytes first, so a record costs a few integer
  /// comparisons per key.
  public var duplicateKey: String? {
    guard node.kind == .object else { return nil }
    var seen: [(hash: UInt64, key: Int)] = []
    var k = index + 1
    while k < Int(node.next) {
      let kn = nodes[k]
      var h: UInt64 = 0xcbf2_9ce4_8422_2325
      for i in kn.start..<kn.end { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
      for (sh, sk) in seen where sh == h {
        let other = nodes[sk]
        if other.end - other.start == kn.end - kn.start,
          memcmp(bytes.baseAddress! + other.start, bytes.baseAddress! + kn.start, kn.end - kn.start)
            == 0
        {
          return at(k).string ?? ""
        }
      }
      seen.append((h, k))
      k = Int(nodes[k + 1].next)
    }
    return nil
  }

  /// Array elements in order (empty for non-arrays).
  public var elements: [JSONValue] {
    guard node.kind == .array else { return [] }
    var out: [JSONValue] = []
    var k = index + 1
    while k < Int(node.next) {
      out.append(at(k))
      k = Int(nodes[k].next)
    }
    return out
  }

  /// The raw bytes of the token (strings: without quotes, escapes not decoded).
  public var raw: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[node.start..<node.end])
  }

  /// A string's text with escapes decoded; numbers and booleans as their literal text.
  public var string: String? {
    switch node.kind {
    case .string:
      let r = raw
      if !node.escaped { return String(decoding: r, as: UTF8.self) }
      return JSONValue.unescape(r)
    case .number, .true, .false: return String(decoding: raw, as: UTF8.self)
    default: return nil
    }
  }

  /// An integer from a number, or from a string of digits (ids are sometimes quoted).
  public var int64: Int64? {
    switch node.kind {
    case .number, .string:
      let r = raw
      var neg = false
      var i = 0
      if r.count > 0 && r[0] == 0x2D {
        neg = true
        i = 1
      }
      guard i < r.count, r.count - i <= 18 else { return nil }
      var v: Int64 = 0
      while i < r.count {
        let d = r[i] &- 0x30
        guard d < 10 else { return nil }
        v = v * 10 + Int64(d)
        i += 1
      }
      return neg ? -v : v
    default: return nil
    }
  }

  public var double: Double? {
    guard node.kind == .number || node.kind == .string else { return nil }
    return Double(String(decoding: raw, as: UTF8.self))
  }

  public var bool: Bool? {
    switch node.kind {
    case .true: true
    case .false: false
    default: nil
    }
  }

  /// Decodes JSON escapes, including \u surrogate pairs (a lone surrogate becomes U+FFFD).
  static func unescape(_ r: UnsafeRawBufferPointer) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(r.count)
    var i = 0
    func hex4(_ at: Int) -> UInt32? {
      guard at + 4 <= r.count else { return nil }
      var v: UInt32 = 0
      for k in at..<(at + 4) {
        let c = r[k]
        let d: UInt8
        switch c {
        case 0x30...0x39: d = c - 0x30
        case 0x41...0x46: d = c - 0x41 + 10
        case 0x61...0x66: d = c - 0x61 + 10
        default: return nil
        }
        v = v << 4 | UInt32(d)
      }
      return v
    }
    while i < r.count {
      let c = r[i]
      guard c == 0x5C, i + 1 < r.count else {
        out.append(c)
        i += 1
        continue
      }
      let e = r[i + 1]
      i += 2
      switch e {
      case 0x6E: out.append(0x0A)
      case 0x72: out.append(0x0D)
      case 0x74: out.append(0x09)
      case 0x62: out.append(0x08)
      case 0x66: out.append(0x0C)
      case 0x75:
        var cp = hex4(i) ?? 0xFFFD
        i += 4
        if (0xD800...0xDBFF).contains(cp) {
          if i + 6 <= r.count, r[i] == 0x5C, r[i + 1] == 0x75, let lo = hex4(i + 2),
            (0xDC00...0xDFFF).contains(lo)
          {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            i += 6
          } else {
            cp = 0xFFFD
          }
        } else if (0xDC00...0xDFFF).contains(cp) {
          cp = 0xFFFD
        }
        out.append(contentsOf: String(Unicode.Scalar(cp) ?? "\u{FFFD}").utf8)
      default: out.append(e)  // \" \\ \/
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
