import Dispatch
import TicketLensModel
import TicketLensWarehouse

#if canImport(Glibc)
  import Glibc
#endif

/// Computes metric tables from column arrays with a Dispatch-parallel group-by.
///
/// Rows are cut into fixed-size shards (independent of the thread count); each shard builds its
/// own partial aggregate (counts, rate sums, or value buffers for exact quantiles), and partials
/// are merged in shard order. Statistics are computed on sorted values, so the output is
/// identical, byte for byte, for any number of threads.
public struct MetricEngine: Sendable {
  /// Worker threads; 0 means one per core.
  public var threads: Int
  /// Rows per shard.
  public var shardSize: Int

  public init(threads: Int = 0, shardSize: Int = 65_536) {
    self.threads = threads
    self.shardSize = shardSize
  }

  /// Runs a ticket-table query on ticket columns alone (no chats, as-of = newest update).
  public func run(_ q: MetricQuery, on cols: TicketColumns) throws(MetricQueryError) -> MetricTable
  {
    let asOf = cols.updatedAt.max().map(Instant.init(milliseconds:)) ?? Instant(milliseconds: 0)
    return try run(q, data: MetricData(tickets: cols, asOf: asOf))
  }

  public func run(_ q: MetricQuery, data: MetricData) throws(MetricQueryError) -> MetricTable {
    var q = q
    let author = q.filters.first { $0.dimension == "author" }?.value
    q.filters.removeAll { $0.dimension == "author" }
    if author != nil && q.metric.id != Catalog.chatMessages.id {
      throw MetricQueryError("--where author=… applies to chat_messages only")
    }
    if q.business && !q.metric.hasBusinessVariant {
      throw MetricQueryError("\(q.metric.id) has no business-time variant")
    }
    if q.business && data.schedule == nil {
      throw MetricQueryError(
        "--business needs a schedule: give --pipeline with a `schedules:` entry (see the README)")
    }
    // The backlog is a time series: by day unless another grain is asked for (its rows are
    // labelled by the period, which without a grain had an empty label).
    if q.metric.kind == .backlog && q.grain == nil { q.grain = .day }
    let facts = Facts(q.metric, data)
    let plan = try GroupPlan(q, facts)
    let missing = data.loaded.missing(Self.columns(for: q))
    guard missing.isEmpty else {
      throw MetricQueryError(
        "internal error: \(q.metric.id) needs columns that were not loaded: "
          + missing.joined(separator: ", "))
    }
    switch q.metric.kind {
    case .backlog: return Backlog.table(plan, q, data, engine: self)
    case .concurrency: return Concurrency.table(plan, q, data)
    default: break
    }
    let evaluate = try RowEvaluator.make(q, data, author: author)
    let n = facts.count
    let shards = max(1, (n + shardSize - 1) / shardSize)
    let partials = UnsafeMutableBufferPointer<Partial>.allocate(capacity: shards)
    partials.initialize(repeating: Partial())
    defer {
      partials.deinitialize()
      partials.deallocate()
    }
    let box = PartialBox(partials)
    forEachShard(rows: n) { s, rows in box.buffer[s] = plan.aggregate(rows, evaluate) }
    var merged = Partial()
    for s in 0..<shards { merged.merge(partials[s]) }
    return plan.table(merged, q, parallel: threads != 1)
  }
}

extension MetricEngine {
  /// The columns a query reads: its cohort instant, its grouping and filter dimensions, and
  /// what its metric reads per row. Load these (`MetricDataLoader.load(columns:)`) instead of
  /// every column when only some queries run.
  public static func columns(for q: MetricQuery) -> ColumnSelection {
    var s = RowEvaluator.columns(q)
    let dimensions = q.by + q.filters.map(\.dimension).filter { $0 != "author" }
    // Names that are not dimensions of the table are left to the query's own error.
    switch q.metric.table {
    case .tickets:
      s.tickets.insert(q.metric.cohort == .solved ? .solvedAt : .createdAt)
      for d in dimensions where Catalog.dimensions.contains(d) {
        s.tickets.insert(d == "tag" ? .tags : .dimension(d))
      }
    case .chats:
      s.chats.insert(.startedAt)
      for d in dimensions where GroupPlan.chatDimensions.contains(d) {
        s.chats.insert(d == "tag" ? .tags : .dimension(d))
      }
    }
    return s
  }

  /// Shards of `rows` (fixed size, whatever the thread count), handed out round-robin to this
  /// engine's worker threads: `body(shard, range)`. Workers write only their shard's slot.
  func forEachShard(rows n: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
    let shards = max(1, (n + shardSize - 1) / shardSize)
    let size = shardSize
    let workers = max(1, min(threads == 0 ? ProcessInfoCores.count : threads, shards))
    withoutActuallyEscaping(body) { body in
      let work: @Sendable (Int) -> Void = { w in
        var s = w
        while s < shards {
          let lo = s * size
          body(s, lo..<min(n, lo + size))
          s += workers
        }
      }
      if workers == 1 {
        work(0)
      } else {
        DispatchQueue.concurrentPerform(iterations: workers, execute: work)
      }
    }
  }
}

/// What one row contributes.
enum RowValue: Sendable {
  /// One record (counts).
  case one
  /// A number (durations in ms, or plain values).
  case number(Double)
  /// In the denominator; `hit` also in the numerator (rates).
  case share(hit: Bool)
}

typealias Evaluator = @Sendable (Int) -> RowValue?

/// Per-shard aggregate; merged, the shards' value buffers are kept as pieces in shard order
/// (joined per group when its statistics are computed, in parallel, not while merging).
struct Partial: Sendable {
  var counts: [UInt64: Int] = [:]
  var shares: [UInt64: (den: Int, num: Int)] = [:]
  var values: [UInt64: [[Double]]] = [:]

  mutating func merge(_ o: Partial) {
    for (k, c) in o.counts { counts[k, default: 0] += c }
    for (k, v) in o.shares {
      let cur = shares[k] ?? (0, 0)
      shares[k] = (cur.den + v.den, cur.num + v.num)
    }
    for (k, v) in o.values { values[k, default: []].append(contentsOf: v) }
  }

  /// A group's values, in shard and row order, times `scale`.
  func values(_ k: UInt64, scale: Double) -> [Double] {
    guard let pieces = values[k] else { return [] }
    var out: [Double] = []
    out.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
    for piece in pieces {
      for v in piece { out.append(v * scale) }
    }
    return out
  }
}

struct PartialBox: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Partial>
  init(_ b: UnsafeMutableBufferPointer<Partial>) { buffer = b }
}

/// The rows a metric reads: their cohort instant and dimensions.
struct Facts: Sendable {
  let count: Int
  /// Milliseconds, or `TicketColumns.null` (the row is left out).
  let cohort: [Int64]
  let dimensions: [String: EncodedColumn]
  let tags: EncodedMultiColumn
  let table: MetricTableKind

  init(_ m: MetricDefinition, _ d: MetricData) {
    table = m.table
    switch m.table {
    case .tickets:
      count = d.tickets.count
      cohort = m.cohort == .solved ? d.tickets.solvedAt : d.tickets.createdAt
      dimensions = d.tickets.dimensions
      tags = d.tickets.tags
    case .chats:
      count = d.chats.count
      cohort = d.chats.startedAt
      dimensions = d.chats.dimensions
      tags = d.chats.tags
    }
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
