/// A parsed JSON text as a flat "tape" of nodes over the original bytes: no strings are built
/// and nothing is allocated per value, so readers pay only for the fields they use.
///
/// Nodes are in document order; a container's `next` is the index just past its subtree, so
/// siblings are found by jumping. Object members are a key node (a string) followed by its value.
public struct JSONTape: Sendable {
  public enum Kind: UInt8, Sendable { case object, array, string, number, `true`, `false`, null }

  public struct Node: Sendable {
    public var kind: Kind
    /// For strings, the content between the quotes may hold escapes.
    public var escaped: Bool
    /// Byte range of the token (strings: the content inside the quotes).
    public var start: Int
    public var end: Int
    /// Index just past this node's subtree.
    public var next: Int32
  }

  public var nodes: [Node] = []

  public init() {}
}

/// A JSON text that is not well formed, with the byte offset of the problem.
public struct JSONSyntaxError: Error, Sendable, Hashable {
  public var offset: Int
  public var message: String
}

/// A strict, iterative (no recursion: depth is capped, not limited by the stack) JSON parser
/// that writes a `JSONTape`.
public struct JSONParser: Sendable {
  /// Deeper nesting is an error rather than a risk.
  public var maxDepth: Int

  public init(maxDepth: Int = 256) { self.maxDepth = maxDepth }

  /// Parses exactly one JSON value in `[from, to)`, allowing surrounding whitespace.
  public func parse(
    _ bytes: UnsafeRawBufferPointer, from: Int, to: Int, into tape: inout JSONTape
  ) throws(JSONSyntaxError) {
    tape.nodes.removeAll(keepingCapacity: true)
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      throw JSONSyntaxError(offset: from, message: "empty input")
    }
    var p = from
    // Open containers: (node index, is object, expecting key).
    var stack: [(Int, Bool)] = []
    stack.reserveCapacity(16)
    @inline(__always) func skipSpace() {
      while p < to {
        let c = base[p]
        if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { p += 1 } else { break }
      }
    }
    func fail(_ m: String) -> JSONSyntaxError { JSONSyntaxError(offset: p, message: m) }

    skipSpace()
    var expectValue = true
    var afterComma = false
    while true {
      skipSpace()
      if expectValue {
        guard p < to else { throw fail("unexpected end of input: a value is missing") }
        let inObject = stack.last?.1 ?? false
        if inObject {
          // Expect a key or the end of the object.
          if base[p] == 0x7D && !afterComma {
            try close(&tape, &stack, &p, object: true)
            expectValue = false
            if stack.isEmpty { break }
            continue
          }
          guard base[p] == 0x22 else { throw fail("expected a \"key\" in the object") }
          try string(base, &p, to, &tape)
          skipSpace()
          guard p < to, base[p] == 0x3A else { throw fail("expected ':' after the key") }
          p += 1
          skipSpace()
          guard p < to else { throw fail("unexpected end of input after ':'") }
        } else if let top = stack.last, !top.1, base[p] == 0x5D, !afterComma,
          tape.nodes.count == top.0 + 1
        {
          try close(&tape, &stack, &p, object: false)
          expectValue = false
          if stack.isEmpty { break }
          continue
        }
        afterComma = false
        let c = base[p]
        switch c {
        case 0x7B, 0x5B:
          guard stack.count < maxDepth else {
            throw fail("nesting deeper than \(maxDepth) levels")
          }
          tape.nodes.append(
            JSONTape.Node(
              kind: c == 0x7B ? .object : .array, escaped: false, start: p, end: p, next: 0))
          stack.append((tape.nodes.count - 1, c == 0x7B))
          p += 1
          continue  // expect a value (or key) next
        case 0x22:
          try string(base, &p, to, &tape)
        case 0x74:
          try literal(base, &p, to, "true", .true, &tape)
        case 0x66:
          try literal(base, &p, to, "false", .false, &tape)
        case 0x6E:
          try literal(base, &p, to, "null", .null, &tape)
        case 0x2D, 0x30...0x39:
          try number(base, &p, to, &tape)
        default:
          throw fail("unexpected character '\(Unicode.Scalar(c))'")
        }
        expectValue = false
        if stack.isEmpty { break }
        continue
      }
      // After a value: a comma or the end of the enclosing container.
      guard p < to else {
        throw fail("unexpected end of input: '\(stack.last!.1 ? "}" : "]")' is missing")
      }
      let c = base[p]
      if c == 0x2C {
        p += 1
        expectValue = true
        afterComma = true
      } else if c == 0x7D || c == 0x5D {
        guard (c == 0x7D) == stack.last!.1 else { throw fail("mismatched '\(Unicode.Scalar(c))'") }
        try close(&tape, &stack, &p, object: c == 0x7D)
        if stack.isEmpty { break }
      } else {
        throw fail("expected ',' or '\(stack.last!.1 ? "}" : "]")'")
      }
    }
    skipSpace()
    guard p == to else { throw fail("unexpected text after the JSON value") }
  }

  @inline(__always)
  private func close(
    _ tape: inout JSONTape, _ stack: inout [(Int, Bool)], _ p: inout Int, object: Bool
  ) throws(JSONSyntaxError) {
    let (i, _) = stack.removeLast()
    p += 1
    tape.nodes[i].end = p
    tape.nodes[i].next = Int32(tape.nodes.count)
  }

  @inline(__always)
  private func string(
    _ base: UnsafePointer<UInt8>, _ p: inout Int, _ to: Int, _ tape: inout JSONTape
  ) throws(JSONSyntaxError) {
    let start = p + 1
    var i = start
    var escaped = false
    var high: UInt8 = 0
    while i < to {
      let c = base[i]
      if c == 0x22 { break }
      if c == 0x5C {
        escaped = true
        i += 2
        continue
      }
      if c < 0x20 {
        throw JSONSyntaxError(offset: i, message: "control character in a string")
      }
      high |= c
      i += 1
    }
    guard i < to else { throw JSONSyntaxError(offset: start - 1, message: "unterminated string") }
    if high & 0x80 != 0, let bad = UTF8Check.firstInvalid(base + start, i - start) {
      throw JSONSyntaxError(offset: start + bad, message: "invalid UTF-8 in a string")
    }
    tape.nodes.append(
      JSONTape.Node(
        kind: .string, escaped: escaped, start: start, end: i, next: Int32(tape.nodes.count + 1)))
    p = i + 1
  }

  @inline(__always)
  private func literal(
    _ base: UnsafePointer<UInt8>, _ p: inout Int, _ to: Int, _ word: StaticString,
    _ kind: JSONTape.Kind, _ tape: inout JSONTape
  ) throws(JSONSyntaxError) {
    let n = word.utf8CodeUnitCount
    guard p + n <= to, memcmp(base + p, word.utf8Start, n) == 0 else {
      throw JSONSyntaxError(offset: p, message: "invalid literal (expected \(word))")
    }
    tape.nodes.append(
      JSONTape.Node(
        kind: kind, escaped: false, start: p, end: p + n, next: Int32(tape.nodes.count + 1)))
    p += n
  }

  @inline(__always)
  private func number(
    _ base: UnsafePointer<UInt8>, _ p: inout Int, _ to: Int, _ tape: inout JSONTape
  ) throws(JSONSyntaxError) {
    let start = p
    var i = p
    if base[i] == 0x2D { i += 1 }
    var digits = 0
    while i < to, base[i] &- 0x30 < 10 {
      i += 1
      digits += 1
    }
    guard digits > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
    if i < to, base[i] == 0x2E {
      i += 1
      var f = 0
      while i < to, base[i] &- 0x30 < 10 {
        i += 1
        f += 1
      }
      guard f > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
    }
    if i < to, base[i] == 0x65 || base[i] == 0x45 {
      i += 1
      if i < to, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
      var e = 0
      while i < to, base[i] &- 0x30 < 10 {
        i += 1
        e += 1
      }
      guard e > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
    }
    tape.nodes.append(
      JSONTape.Node(
        kind: .number, escaped: false, start: start, end: i, next: Int32(tape.nodes.count + 1)))
    p = i
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
