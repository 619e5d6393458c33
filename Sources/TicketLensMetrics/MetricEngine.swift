import Dispatch
import TicketLensModel
import TicketLensWarehouse

/// Computes metric tables from ticket columns with a Dispatch-parallel group-by.
///
/// Rows are cut into fixed-size shards (independent of the thread count); each shard builds its
/// own partial aggregate (counts, or value buffers for exact quantiles), and partials are merged
/// in shard order. Statistics are computed on sorted values, so the output is identical, byte
/// for byte, for any number of threads.
public struct MetricEngine: Sendable {
  /// Worker threads; 0 means one per core.
  public var threads: Int
  /// Rows per shard.
  public var shardSize: Int

  public init(threads: Int = 0, shardSize: Int = 65_536) {
    self.threads = threads
    self.shardSize = shardSize
  }

  public func run(_ q: MetricQuery, on cols: TicketColumns) throws(MetricQueryError) -> MetricTable
  {
    let plan = try GroupPlan(q, cols)
    let n = cols.count
    let shards = max(1, (n + shardSize - 1) / shardSize)
    let partials = UnsafeMutableBufferPointer<Partial>.allocate(capacity: shards)
    partials.initialize(repeating: Partial())
    defer {
      partials.deinitialize()
      partials.deallocate()
    }
    let box = PartialBox(partials)
    let workers = max(1, min(threads == 0 ? ProcessInfoCores.count : threads, shards))
    let work: @Sendable (Int) -> Void = { w in
      var s = w
      while s < shards {
        let lo = s * shardSize
        let hi = min(n, lo + shardSize)
        box.buffer[s] = plan.aggregate(cols, lo..<hi)
        s += workers
      }
    }
    if workers == 1 {
      work(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: workers, execute: work)
    }
    var merged = Partial()
    for s in 0..<shards { merged.merge(partials[s]) }
    return plan.table(merged, q)
  }
}

/// Per-shard aggregate: a count per group, and for durations the values per group.
struct Partial: Sendable {
  var counts: [UInt64: Int] = [:]
  var values: [UInt64: [Double]] = [:]

  mutating func merge(_ o: Partial) {
    for (k, c) in o.counts { counts[k, default: 0] += c }
    for (k, v) in o.values { values[k, default: []].append(contentsOf: v) }
  }
}

struct PartialBox: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Partial>
  init(_ b: UnsafeMutableBufferPointer<Partial>) { buffer = b }
}

enum ProcessInfoCores {
  static var count: Int {
    #if canImport(Glibc)
      return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
      return 2
    #endif
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// How a query turns rows into packed group keys, and keys back into cells.
struct GroupPlan: Sendable {
  let metric: MetricDefinition
  let grain: Grain?
  let dims: [(name: String, column: EncodedColumn, bits: Int)]
  let filters: [(column: EncodedColumn, code: Int32)]
  let fromDay: Int?
  let toDay: Int?
  let zone: ZoneRules
  let unitScale: Double

  init(_ q: MetricQuery, _ cols: TicketColumns) throws(MetricQueryError) {
    metric = q.metric
    grain = q.grain
    zone = q.zone
    unitScale = q.unit.perMillisecond
    var dims: [(String, EncodedColumn, Int)] = []
    var bits = 32  // the period
    for name in q.by {
      guard let c = cols.dimensions[name] else {
        throw MetricQueryError(Self.unknownDimension(name))
      }
      let b = max(1, (c.values.count + 1).bitWidthNeeded)
      bits += b
      dims.append((name, c, b))
    }
    guard bits <= 64 else {
      throw MetricQueryError(
        "too many groups: \(q.by.joined(separator: ", ")) have too many distinct values together")
    }
    self.dims = dims.map { (name: $0.0, column: $0.1, bits: $0.2) }
    var filters: [(EncodedColumn, Int32)] = []
    for f in q.filters {
      guard let c = cols.dimensions[f.dimension] else {
        throw MetricQueryError(Self.unknownDimension(f.dimension))
      }
      let code: Int32 =
        f.value == "none" ? -1 : c.values.firstIndex(of: f.value).map(Int32.init) ?? Int32.min
      filters.append((c, code))
    }
    self.filters = filters.map { (column: $0.0, code: $0.1) }
    fromDay = q.from?.daysSinceEpoch
    toDay = q.to?.daysSinceEpoch
  }

  static func unknownDimension(_ name: String) -> String { Catalog.unknownDimension(name) }

  /// The report-zone day number of an instant.
  @inline(__always) func day(_ ms: Int64) -> Int {
    let s = ms.floorDiv(1000)
    return Int(zone.localSecond(fromUTC: s).floorDiv(86_400))
  }

  /// The period value of a day for the grain (day number, Monday's day number, month index).
  @inline(__always) func period(ofDay d: Int) -> Int {
    switch grain {
    case .none: return 0
    case .day: return d
    case .week: return d - (((d + 3) % 7 + 7) % 7)
    case .month:
      let c = CivilDate(daysSinceEpoch: d)
      return c.year * 12 + c.month - 1
    }
  }

  func aggregate(_ cols: TicketColumns, _ rows: Range<Int>) -> Partial {
    var p = Partial()
    rowLoop: for r in rows {
      for f in filters where f.column.codes[r] != f.code { continue rowLoop }
      let created = cols.createdAt[r]
      let d = day(created)
      if let fromDay, d < fromDay { continue }
      if let toDay, d > toDay { continue }
      var key = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: period(ofDay: d))))
      var shift = 32
      for dim in dims {
        key |= UInt64(dim.column.codes[r] + 1) << UInt64(shift)
        shift += dim.bits
      }
      switch metric.kind {
      case .count:
        p.counts[key, default: 0] += 1
      case .duration:
        guard let ms = duration(cols, r) else { continue }
        p.values[key, default: []].append(ms * unitScale)
      }
    }
    return p
  }

  /// The metric's duration for row `r` in milliseconds, nil when it does not exist (yet).
  @inline(__always) func duration(_ cols: TicketColumns, _ r: Int) -> Double? {
    switch metric.id {
    case Catalog.firstReplyTime.id:
      let reply = cols.firstReplyAt[r]
      if reply != TicketColumns.null {
        let ms = reply - cols.createdAt[r]
        return ms >= 0 ? Double(ms) : nil
      }
      let vendor = cols.vendorFirstReplyMinutes[r]
      return vendor.isNaN || vendor < 0 ? nil : vendor * 60_000
    default:
      return nil
    }
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

  func periodLabel(_ v: Int) -> String {
    switch grain {
    case .none: return ""
    case .day, .week: return CivilDate(daysSinceEpoch: v).iso8601
    case .month:
      return CivilDate(year: v.floorDiv(12), month: v - v.floorDiv(12) * 12 + 1, day: 1).monthLabel
    }
  }

  func nextPeriod(_ v: Int) -> Int {
    switch grain {
    case .week: return v + 7
    default: return v + 1
    }
  }

  func table(_ merged: Partial, _ q: MetricQuery) -> MetricTable {
    var keys = Set(metric.kind == .count ? Array(merged.counts.keys) : Array(merged.values.keys))
    if q.fill, grain != nil {
      let decoded = keys.map(decode)
      var lo = decoded.map(\.period).min()
      var hi = decoded.map(\.period).max()
      if let f = fromDay { lo = period(ofDay: f) }
      if let t = toDay { hi = period(ofDay: t) }
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
    }
    // Sort by period, then by dimension text.
    let rowsKeyed: [(UInt64, Int, [String])] = keys.map { k in
      let d = decode(k)
      let texts = zip(dims, d.codes).map { dim, c in c < 0 ? "none" : dim.column.values[Int(c)] }
      return (k, d.period, texts)
    }
    let sorted = rowsKeyed.sorted { a, b in
      if a.1 != b.1 { return a.1 < b.1 }
      for (x, y) in zip(a.2, b.2) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
      return false
    }
    var columns: [String] = []
    if let grain { columns.append(grain.rawValue) }
    columns += dims.map(\.name)
    switch metric.kind {
    case .count: columns.append("count")
    case .duration:
      columns += q.stats.map { $0 == .count ? "count" : "\($0)_\(q.unit.rawValue)" }
    }
    var rows: [[Cell]] = []
    rows.reserveCapacity(sorted.count)
    for (k, period, texts) in sorted {
      var row: [Cell] = []
      if grain != nil { row.append(.text(periodLabel(period))) }
      row += texts.map(Cell.text)
      switch metric.kind {
      case .count:
        row.append(.int(merged.counts[k] ?? 0))
      case .duration:
        let values = (merged.values[k] ?? []).sorted()
        for s in q.stats {
          if s == .count {
            row.append(.int(values.count))
          } else {
            row.append(s.value(sorted: values).map(Cell.real) ?? .null)
          }
        }
      }
      rows.append(row)
    }
    return MetricTable(metric: metric.id, columns: columns, rows: rows)
  }
}

extension Int {
  /// Bits needed to hold values 0..<self.
  var bitWidthNeeded: Int { self <= 1 ? 1 : Int.bitWidth - (self - 1).leadingZeroBitCount }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
  public static func closest(_ word: String, in candidates: [String]) -> String? {
    let best = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
      .min { $0.1 < $1.1 }
    guard let best, best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
  }

  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        cur[j] = Swift.min(
          prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&prev, &cur)
    }
    return prev[b.count]
  }
}
