import Dispatch
import TicketLensModel
import TicketLensWarehouse

/// How a query turns rows into packed group keys (period in the low 32 bits, then each
/// dimension's code + 1), and keys back into cells.
struct GroupPlan: Sendable {
  let metric: MetricDefinition
  let grain: Grain?
  let facts: Facts
  /// Grouping dimensions; `multi` marks the tag dimension (a row counts once per tag).
  let dims: [(name: String, column: EncodedColumn?, bits: Int)]
  let tagPosition: Int?
  let filters: [(column: EncodedColumn, code: Int32)]
  let tagFilter: Int32?
  /// Hot-loop views of the cohort and dimension codes (see `Pinned`).
  let cohort: Pinned<Int64>
  let dimCodes: [Pinned<Int32>]
  let dimShifts: [UInt64]
  let filterCodes: [(Pinned<Int32>, Int32)]
  let fromDay: Int?
  let toDay: Int?
  /// No grain and no date range: a row's period is 0 whatever its day.
  let undated: Bool
  let zone: ZoneRules

  static let chatDimensions = ["assignee", "group", "requester", "source", "tag", "sentiment"]

  init(_ q: MetricQuery, _ facts: Facts) throws(MetricQueryError) {
    metric = q.metric
    grain = q.grain
    zone = q.zone
    self.facts = facts
    func check(_ name: String) throws(MetricQueryError) {
      guard Catalog.dimensions.contains(name) else {
        throw MetricQueryError(Catalog.unknownDimension(name))
      }
      if facts.table == .chats && !Self.chatDimensions.contains(name) {
        throw MetricQueryError(
          "dimension '\(name)' is not available for chat metrics; use "
            + Self.chatDimensions.joined(separator: ", "))
      }
    }
    var dims: [(String, EncodedColumn?, Int)] = []
    var bits = 32
    var tagPosition: Int? = nil
    for name in q.by {
      try check(name)
      if name == "tag" {
        guard tagPosition == nil else { throw MetricQueryError("'tag' is given twice in --by") }
        tagPosition = dims.count
        let b = max(1, (facts.tags.values.count + 1).bitWidthNeeded)
        bits += b
        dims.append((name, nil, b))
        continue
      }
      let c =
        facts.dimensions[name] ?? EncodedColumn(codes: Array(repeating: -1, count: facts.count))
      let b = max(1, (c.values.count + 1).bitWidthNeeded)
      bits += b
      dims.append((name, c, b))
    }
    guard bits <= 64 else {
      throw MetricQueryError(
        "too many groups: \(q.by.joined(separator: ", ")) have too many distinct values together")
    }
    self.dims = dims.map { (name: $0.0, column: $0.1, bits: $0.2) }
    self.tagPosition = tagPosition
    var filters: [(EncodedColumn, Int32)] = []
    var tagFilter: Int32? = nil
    for f in q.filters {
      try check(f.dimension)
      if f.dimension == "tag" {
        tagFilter =
          f.value == "none"
          ? -1 : facts.tags.values.firstIndex(of: f.value).map(Int32.init) ?? Int32.min
        continue
      }
      let c =
        facts.dimensions[f.dimension]
        ?? EncodedColumn(codes: Array(repeating: -1, count: facts.count))
      let code: Int32 =
        f.value == "none" ? -1 : c.values.firstIndex(of: f.value).map(Int32.init) ?? Int32.min
      filters.append((c, code))
    }
    self.filters = filters.map { (column: $0.0, code: $0.1) }
    self.tagFilter = tagFilter
    fromDay = q.from?.daysSinceEpoch
    toDay = q.to?.daysSinceEpoch
    undated = q.grain == nil && fromDay == nil && toDay == nil
    cohort = Pinned(facts.cohort)
    dimCodes = self.dims.map { Pinned($0.column?.codes ?? []) }
    var shifts: [UInt64] = []
    var sh = 32
    for d in self.dims {
      shifts.append(UInt64(sh))
      sh += d.bits
    }
    dimShifts = shifts
    filterCodes = self.filters.map { (Pinned($0.column.codes), $0.code) }
  }

  /// The report-zone day number of an instant.
  @inline(__always) func day(_ ms: Int64) -> Int {
    Int(zone.localSecond(fromUTC: ms.floorDiv(1000)).floorDiv(86_400))
  }

  /// The period value of an instant for the grain.
  @inline(__always) func period(_ ms: Int64) -> Int {
    switch grain {
    case .none: return 0
    case .hourOfWeek:
      let local = zone.localSecond(fromUTC: ms.floorDiv(1000))
      let d = Int(local.floorDiv(86_400))
      let hour = Int(local - Int64(d) * 86_400) / 3600
      return (((d + 3) % 7 + 7) % 7) * 24 + hour
    default: return period(ofDay: day(ms))
    }
  }

  /// The period value of a day (day number, Monday's day number, month index).
  @inline(__always) func period(ofDay d: Int) -> Int {
    switch grain {
    case .none, .hourOfWeek: return 0
    case .day: return d
    case .week: return d - (((d + 3) % 7 + 7) % 7)
    case .month:
      let c = CivilDate(daysSinceEpoch: d)
      return c.year * 12 + c.month - 1
    }
  }

  /// Whether row `r` passes the filters and date range.
  @inline(__always) func passes(_ r: Int) -> Bool {
    for f in filterCodes where f.0[r] != f.1 { return false }
    if let tagFilter {
      let t = facts.tags.values(r)
      if tagFilter == -1 ? !t.isEmpty : !t.contains(tagFilter) { return false }
    }
    return true
  }

  /// The keys row `r` belongs to (several with the tag dimension), nil when it is left out.
  func keys(_ r: Int) -> [UInt64]? {
    let c = facts.cohort[r]
    guard c != TicketColumns.null, passes(r) else { return nil }
    let d = day(c)
    if let fromDay, d < fromDay { return nil }
    if let toDay, d > toDay { return nil }
    let p = grain == .hourOfWeek ? period(c) : period(ofDay: d)
    let period = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: p)))
    return groupKeys(r).map { $0 | period }
  }

  /// The keys of row `r` without their period: one, or one per tag with the tag dimension (a
  /// row without tags has tag "none").
  func groupKeys(_ r: Int) -> [UInt64] {
    guard let tagPosition else { return [dimensionKey(r)] }
    var key: UInt64 = 0
    for k in dims.indices where k != tagPosition {
      key |= UInt64(dimCodes[k][r] + 1) << dimShifts[k]
    }
    let tags = facts.tags.values(r)
    if tags.isEmpty { return [key] }  // code -1 + 1 = 0: "none"
    let shift = dimShifts[tagPosition]
    return tags.map { key | UInt64($0 + 1) << shift }
  }

  /// The key of row `r` without its period, when there is no tag dimension. No allocation.
  @inline(__always) func dimensionKey(_ r: Int) -> UInt64 {
    var key: UInt64 = 0
    for k in 0..<dimCodes.count {
      key |= UInt64(dimCodes[k][r] + 1) << dimShifts[k]
    }
    return key
  }

  /// The single key of row `r` (no tag dimension), nil when it is left out. No allocation:
  /// this is the hot path.
  /// `memo` remembers the last day's period (rows come roughly in time order, and a month's
  /// period takes a calendar computation).
  @inline(__always) func singleKey(_ r: Int, _ memo: inout (day: Int, period: Int)) -> UInt64? {
    let c = cohort[r]
    guard c != TicketColumns.null, passes(r) else { return nil }
    let key = dimensionKey(r)
    // No grain and no date range: the day does not matter (period 0).
    guard !undated else { return key }
    let d = day(c)
    if let fromDay, d < fromDay { return nil }
    if let toDay, d > toDay { return nil }
    let p: Int
    if grain == .hourOfWeek {
      p = period(c)
    } else if d == memo.day {
      p = memo.period
    } else {
      p = period(ofDay: d)
      memo = (d, p)
    }
    return key | UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: p)))
  }

  func aggregate(_ rows: Range<Int>, _ evaluate: Evaluator) -> Partial {
    var a = ShardAggregate()
    if tagPosition == nil {
      var memo = (day: Int.min, period: 0)
      for r in rows {
        guard let key = singleKey(r, &memo), let v = evaluate(r) else { continue }
        a.add(key, v)
      }
    } else {
      for r in rows {
        guard let ks = keys(r), let v = evaluate(r) else { continue }
        for key in ks { a.add(key, v) }
      }
    }
    return a.partial
  }

  func decode(_ key: UInt64) -> (period: Int, codes: [Int32]) {
    let period = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
    var codes: [Int32] = []
    var shift = 32
    for dim in dims {
      let mask = (UInt64(1) << UInt64(dim.bits)) - 1
      codes.append(Int32((key >> UInt64(shift)) & mask) - 1)
      shift += dim.bits
    }
    return (period, codes)
  }

  func encode(period: Int, codes: [Int32]) -> UInt64 {
    var key = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: period)))
    var shift = 32
    for (k, dim) in dims.enumerated() {
      key |= UInt64(codes[k] + 1) << UInt64(shift)
      shift += dim.bits
    }
    return key
  }

  func text(_ k: Int, _ code: Int32) -> String {
    guard code >= 0 else { return "none" }
    return k == tagPosition ? facts.tags.values[Int(code)] : dims[k].column!.values[Int(code)]
  }

  static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

  func periodLabel(_ v: Int) -> String {
    switch grain {
    case .none: return ""
    case .day, .week: return CivilDate(daysSinceEpoch: v).iso8601
    case .month:
      return CivilDate(year: v.floorDiv(12), month: v - v.floorDiv(12) * 12 + 1, day: 1).monthLabel
    case .hourOfWeek:
      let h = v % 24
      return Self.weekdayNames[v / 24] + " " + (h < 10 ? "0\(h)" : "\(h)")
    }
  }

  func nextPeriod(_ v: Int) -> Int { grain == .week ? v + 7 : v + 1 }

  /// Output column names before the value columns.
  var keyColumns: [String] { (grain.map { [$0.rawValue] } ?? []) + dims.map(\.name) }

  /// Keys sorted by period, then dimension text (bytewise).
  func sortedKeys(_ keys: Set<UInt64>) -> [(UInt64, Int, [String])] {
    keys.map { k in
      let d = decode(k)
      return (k, d.period, d.codes.enumerated().map { text($0, $1) })
    }.sorted { a, b in
      if a.1 != b.1 { return a.1 < b.1 }
      for (x, y) in zip(a.2, b.2) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
      return false
    }
  }

  /// With `--fill`, every period in range for every dimension combination seen.
  func filled(_ keys: Set<UInt64>, _ q: MetricQuery) -> Set<UInt64> {
    guard q.fill, let grain, grain != .hourOfWeek || true else { return keys }
    var keys = keys
    let decoded = keys.map(decode)
    var lo = decoded.map(\.period).min()
    var hi = decoded.map(\.period).max()
    if grain == .hourOfWeek {
      lo = 0
      hi = 167
    } else {
      if let f = fromDay { lo = period(ofDay: f) }
      if let t = toDay { hi = period(ofDay: t) }
    }
    var combos = Set(decoded.map(\.codes))
    if combos.isEmpty && dims.isEmpty { combos.insert([]) }
    if let lo, let hi, lo <= hi {
      for combo in combos {
        var p = lo
        while p <= hi {
          keys.insert(encode(period: p, codes: combo))
          p = nextPeriod(p)
        }
      }
    }
    return keys
  }

  /// The result table; with `parallel`, groups' statistics are computed on several threads.
  func table(_ merged: Partial, _ q: MetricQuery, parallel: Bool = true) -> MetricTable {
    let keys: Set<UInt64>
    var columns = keyColumns
    switch metric.kind {
    case .count:
      keys = Set(merged.counts.keys)
      columns.append("count")
    case .rate(let den, let num, let rate):
      keys = Set(merged.shares.keys)
      columns += [den, num, rate]
    case .duration:
      keys = Set(merged.values.keys)
      columns += q.stats.map { $0 == .count ? "count" : "\($0)_\(q.unit.rawValue)" }
    default:
      keys = Set(merged.values.keys)
      columns += q.stats.map { "\($0)" }
    }
    let ordered = sortedKeys(filled(keys, q))
    // Groups are independent: their statistics are computed in parallel, each into its own slot,
    // so the result does not depend on the thread count.
    let slots = UnsafeMutableBufferPointer<[Cell]>.allocate(capacity: max(1, ordered.count))
    slots.initialize(repeating: [])
    defer {
      slots.deinitialize()
      slots.deallocate()
    }
    nonisolated(unsafe) let out = slots
    let stats = q.stats
    let unit = q.unit
    let build: @Sendable (Int) -> Void = { i in
      let (k, period, texts) = ordered[i]
      var row: [Cell] = []
      if self.grain != nil { row.append(.text(self.periodLabel(period))) }
      row += texts.map(Cell.text)
      switch self.metric.kind {
      case .count:
        row.append(.int(merged.counts[k] ?? 0))
      case .rate:
        let s = merged.shares[k] ?? (0, 0)
        row += [.int(s.den), .int(s.num), s.den > 0 ? .real(Double(s.num) / Double(s.den)) : .null]
      default:
        let scale = self.metric.kind == .duration ? unit.perMillisecond : 1
        var values = merged.values(k, scale: scale)
        let results = Quantiles.statistics(stats, of: &values)
        for (s, v) in zip(stats, results) {
          row.append(s.isCount ? .int(Int(v ?? 0)) : v.map(Cell.real) ?? .null)
        }
      }
      out[i] = row
    }
    if parallel && ordered.count > 1 && !merged.values.isEmpty {
      // The largest groups first: threads take the groups in this order, and a big group taken
      // last ran alone (full resolution per priority: "normal", half the tickets, came after
      // "high" and "low").
      let size = ordered.map { merged.values[$0.0]?.reduce(0) { $0 + $1.count } ?? 0 }
      let order = ordered.indices.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
      DispatchQueue.concurrentPerform(iterations: ordered.count) { build(order[$0]) }
    } else {
      for i in ordered.indices { build(i) }
    }
    let rows = Array(slots.prefix(ordered.count))
    return MetricTable(metric: metric.id, columns: columns, rows: rows)
  }
}

/// One shard's aggregate while rows are added: per group slot, counts, rate tallies and values
/// in arrays; the keys go into the partial's dictionaries once per group at the end, not once
/// per row. (A struct with a mutating method: a local function capturing these arrays made
/// every access a dynamically checked one.)
struct ShardAggregate {
  var slots = SlotMap()
  var counts: [Int] = []
  var dens: [Int] = []
  var nums: [Int] = []
  var values: [[Double]] = []

  @inline(__always) mutating func add(_ key: UInt64, _ v: RowValue) {
    let s = slots.slot(key)
    if s == counts.count {
      counts.append(0)
      dens.append(0)
      nums.append(0)
      values.append([])
    }
    switch v {
    case .one: counts[s] += 1
    case .number(let x): values[s].append(x)
    case .share(let hit):
      dens[s] += 1
      if hit { nums[s] += 1 }
    }
  }

  var partial: Partial {
    var p = Partial()
    for (s, key) in slots.keys.enumerated() {
      if counts[s] > 0 { p.counts[key] = counts[s] }
      if dens[s] > 0 { p.shares[key] = (dens[s], nums[s]) }
      if !values[s].isEmpty { p.values[key] = [values[s]] }
    }
    return p
  }
}

/// Dense slot numbers (0, 1, 2, … in order of first appearance) for the group keys of one
/// shard: open addressing with a multiplicative hash, and the previous key remembered (rows in
/// key order often repeat it). A `Dictionary` hashed every row with SipHash: a fifth of the
/// metric time.
struct SlotMap {
  private(set) var keys: [UInt64] = []
  /// Slot + 1 per table entry, 0 when empty; the size is a power of two, at most half full.
  private var table = [Int32](repeating: 0, count: 64)
  private var lastKey: UInt64 = 0
  private var lastSlot = -1

  @inline(__always) private static func hash(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// The slot of `key`; a new key gets the next slot number.
  @inline(__always) mutating func slot(_ key: UInt64) -> Int {
    if lastSlot >= 0 && key == lastKey { return lastSlot }
    let mask = table.count - 1
    var i = Self.hash(key, mask)
    while true {
      let s = Int(table[i])
      if s == 0 { break }
      if keys[s - 1] == key {
        lastKey = key
        lastSlot = s - 1
        return s - 1
      }
      i = (i + 1) & mask
    }
    keys.append(key)
    table[i] = Int32(keys.count)
    if keys.count * 2 > table.count { grow() }
    lastKey = key
    lastSlot = keys.count - 1
    return keys.count - 1
  }

  private mutating func grow() {
    table = [Int32](repeating: 0, count: table.count * 2)
    let mask = table.count - 1
    for (s, key) in keys.enumerated() {
      var i = Self.hash(key, mask)
      while table[i] != 0 { i = (i + 1) & mask }
      table[i] = Int32(s + 1)
    }
  }
}
