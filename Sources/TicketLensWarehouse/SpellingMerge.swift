/// Dimension values that differ only in case or spacing (`Accounts`, `accounts`, `Accounts `)
/// are one entity: they are grouped as one, shown in their commonest spelling.
public struct SpellingMerge: Sendable, Equatable {
  /// Which dimension (`group`, `assignee`, …) and of tickets or chats.
  public var dimension: String
  public var table: String
  /// The spelling shown: the commonest over tickets and chats (then in this table, then the
  /// first in byte order).
  public var display: String
  /// Every spelling merged, with its rows in this table, commonest first.
  public var spellings: [(value: String, rows: Int)]

  public static func == (a: SpellingMerge, b: SpellingMerge) -> Bool {
    a.dimension == b.dimension && a.table == b.table && a.display == b.display
      && a.spellings.elementsEqual(b.spellings) { $0.value == $1.value && $0.rows == $1.rows }
  }

  /// What `Accounts` and ` accounts ` share: lower case, runs of white space as one space, no
  /// white space at the ends.
  public static func key(_ s: String) -> String {
    var s = s
    // ASCII (names and e-mail addresses nearly always are) byte by byte: the same key as the
    // general path below, without its Unicode lookups per character (a million tickets'
    // requesters are hundreds of thousands of names, keyed on every load of the columns).
    if let key = s.withUTF8({ asciiKey($0) }) { return key }
    return s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// `key` of ASCII text (nil for any other): A–Z lowered, runs of the ASCII white space
  /// characters (tab, line feed, vertical tab, form feed, carriage return, space) as one
  /// space, none at the ends.
  static func asciiKey(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var space = false
    for b in bytes {
      if b >= 0x80 { return nil }
      if b == 0x20 || (0x09...0x0D).contains(b) {
        space = !out.isEmpty
        continue
      }
      if space {
        out.append(0x20)
        space = false
      }
      out.append((0x41...0x5A).contains(b) ? b | 0x20 : b)
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension EncodedColumn {
  /// The column with spellings of one value merged (codes renumbered in order of first code),
  /// and the merges made.
  /// Rows per spelling.
  public var rowsPerValue: [String: Int] {
    var rows = [Int](repeating: 0, count: values.count)
    for c in codes where c >= 0 { rows[Int(c)] += 1 }
    var out: [String: Int] = [:]
    for (i, v) in values.enumerated() { out[v, default: 0] += rows[i] }
    return out
  }

  /// `elsewhere`: rows of each spelling in another table (chats beside tickets), counted when
  /// the shown spelling is chosen, so that one entity is spelt the same in both.
  public func mergingSpellings(
    dimension: String, table: String, elsewhere: [String: Int] = [:]
  ) -> (column: EncodedColumn, merges: [SpellingMerge]) {
    mergingSpellings(dimension: dimension, table: table, elsewhere: { elsewhere })
  }

  /// `elsewhere` is asked for only when two spellings of a value are both used (at a million
  /// tickets the requesters are hundreds of thousands of names, nearly never two spellings of
  /// one: counting the other table's rows per name for every load cost more than the merge).
  public func mergingSpellings(
    dimension: String, table: String, elsewhere lazyElsewhere: () -> [String: Int]
  ) -> (column: EncodedColumn, merges: [SpellingMerge]) {
    guard values.count > 1 else { return (self, []) }
    // Each key's first value, and the values whose key an earlier value had: groups are made
    // only of those (no array per value).
    var first: [String: Int] = [:]
    first.reserveCapacity(values.count)
    var later: [(first: Int, value: Int)] = []
    for (i, v) in values.enumerated() {
      let k = SpellingMerge.key(v)
      if let f = first[k] { later.append((f, i)) } else { first[k] = i }
    }
    guard !later.isEmpty else { return (self, []) }
    var byFirst: [Int: [Int]] = [:]
    for (f, i) in later { byFirst[f, default: [f]].append(i) }
    let groups = byFirst.keys.sorted().map { byFirst[$0]! }
    var known: [String: Int]? = nil
    var rows = [Int](repeating: 0, count: values.count)
    for c in codes where c >= 0 { rows[Int(c)] += 1 }
    var target = Array(values.indices)
    var merges: [SpellingMerge] = []
    for group in groups {
      let used = group.filter { rows[$0] > 0 }
      guard used.count > 1 else { continue }
      if known == nil { known = lazyElsewhere() }
      let elsewhere = known!
      let weight = { (i: Int) in rows[i] + (elsewhere[values[i]] ?? 0) }
      let order = used.sorted { a, b in
        weight(a) != weight(b)
          ? weight(a) > weight(b)
          : rows[a] != rows[b]
            ? rows[a] > rows[b]
            : Array(values[a].utf8).lexicographicallyPrecedes(Array(values[b].utf8))
      }
      let shown = order[0]
      let listed = used.sorted { a, b in
        rows[a] != rows[b]
          ? rows[a] > rows[b]
          : Array(values[a].utf8).lexicographicallyPrecedes(Array(values[b].utf8))
      }
      for g in group { target[g] = shown }
      merges.append(
        SpellingMerge(
          dimension: dimension, table: table, display: values[shown],
          spellings: listed.map { (values[$0], rows[$0]) }))
    }
    guard !merges.isEmpty else { return (self, []) }
    var renumbered = [Int32](repeating: -1, count: values.count)
    var kept: [String] = []
    for i in values.indices where target[i] == i {
      renumbered[i] = Int32(kept.count)
      kept.append(values[i])
    }
    let merged = codes.map { $0 < 0 ? $0 : renumbered[target[Int($0)]] }
    return (
      EncodedColumn(codes: merged, values: kept),
      merges.sorted { ($0.dimension, $0.display) < ($1.dimension, $1.display) }
    )
  }
}
