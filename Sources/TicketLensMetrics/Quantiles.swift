/// Exact statistics over a sample, with percentiles by linear interpolation between closest ranks
/// (numpy's default, DuckDB `quantile_cont`, Excel `PERCENTILE.INC`).
public enum Quantiles {
  /// The `p` quantile (0…1) of ascending `sorted`: with h = (n−1)p,
  /// q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌈h⌉] − x[⌊h⌋]). Nil for an empty sample.
  public static func quantile(sorted x: [Double], _ p: Double) -> Double? {
    guard !x.isEmpty else { return nil }
    let h = Double(x.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = Int(h.rounded(.up))
    let frac = h - Double(lo)
    return x[lo] + frac * (x[hi] - x[lo])
  }

  /// The mean of ascending `sorted`, summed in ascending order so that the result does not depend
  /// on how rows were sharded.
  public static func mean(sorted x: [Double]) -> Double? {
    guard !x.isEmpty else { return nil }
    var s = 0.0
    for v in x { s += v }
    return s / Double(x.count)
  }
}

/// A statistic a duration metric can report.
public enum Statistic: Hashable, Sendable, CustomStringConvertible {
  case count, mean, median
  /// A percentile, 1…99 (`p90`).
  case percentile(Int)
  /// How many values are at most this (in the query's unit): `le60` counts the tickets replied
  /// within 60 minutes, as Zendesk's time brackets do.
  case atMost(Double)

  /// Parses `count`, `mean`, `median`, `pNN`, `leN`.
  public init?(_ text: String) {
    let t = text.lowercased()
    switch t {
    case "count": self = .count
    case "mean", "avg": self = .mean
    case "median", "p50": self = .median
    default:
      if t.hasPrefix("le"), let x = Double(t.dropFirst(2)), x.isFinite, x >= 0,
        t.dropFirst(2).allSatisfy({ $0.isNumber || $0 == "." })
      {
        self = .atMost(x)
        return
      }
      guard t.hasPrefix("p"), let n = Int(t.dropFirst()), (1...99).contains(n)
      else { return nil }
      self = .percentile(n)
    }
  }

  /// Whether the statistic is a count (printed as a whole number).
  public var isCount: Bool {
    switch self {
    case .count, .atMost: true
    default: false
    }
  }

  public var description: String {
    switch self {
    case .count: "count"
    case .mean: "mean"
    case .median: "median"
    case .percentile(let n): "p\(n)"
    case .atMost(let x): x == x.rounded() && abs(x) < 1e15 ? "le\(Int(x))" : "le\(x)"
    }
  }

  /// The value of this statistic on an ascending sample.
  public func value(sorted x: [Double]) -> Double? {
    switch self {
    case .count: Double(x.count)
    case .mean: Quantiles.mean(sorted: x)
    case .median, .percentile: Quantiles.quantile(sorted: x, fraction!)
    case .atMost(let limit): Double(x.count { $0 <= limit })
    }
  }
}

extension Quantiles {
  /// The statistics of a sample without sorting it: the mean sums the values in their stored
  /// order (row order, so the same for any thread count) and each percentile selects its order
  /// statistics in O(n) (quickselect with a deterministic pivot), the percentiles in ascending
  /// order so that each searches only above the one before. `values` is reordered.
  public static func statistics(_ stats: [Statistic], of values: inout [Double]) -> [Double?] {
    let n = values.count
    var mean: Double? = nil
    if stats.contains(.mean), n > 0 {
      var s = 0.0
      for v in values { s += v }
      mean = s / Double(n)
    }
    var quantiles: [Double: Double] = [:]
    var from = 0
    for p in Set(stats.compactMap(\.fraction)).sorted() where n > 0 {
      let (q, lo) = quantile(&values, p, from: from)
      quantiles[p] = q
      from = lo
    }
    return stats.map { stat -> Double? in
      switch stat {
      case .count: return Double(n)
      case .mean: return mean
      case .median, .percentile: return quantiles[stat.fraction!]
      case .atMost(let limit): return Double(values.count { $0 <= limit })
      }
    }
  }

  /// The interpolated `p` quantile, selecting x[⌊h⌋] and x[⌈h⌉] in place; also returns ⌊h⌋.
  /// `from`: x[from...] holds the values from the `from`-th smallest up (a previous selection
  /// at `from` left it so), and ⌊h⌋ ≥ from.
  static func quantile(_ x: inout [Double], _ p: Double, from: Int = 0) -> (Double, Int) {
    let h = Double(x.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = Int(h.rounded(.up))
    return x.withUnsafeMutableBufferPointer { b in
      let a = select(b, lo, from: from)
      // After selecting `lo`, everything above it is ≥ x[lo]: x[lo + 1] is the minimum there.
      let c = hi == lo ? a : b[(lo + 1)...].min()!
      return (a + (h - Double(lo)) * (c - a), lo)
    }
  }

  /// The k-th smallest value (0-based) of `x`, partially reordering it.
  static func select(_ x: inout [Double], _ k: Int) -> Double {
    x.withUnsafeMutableBufferPointer { select($0, k, from: 0) }
  }

  /// The k-th smallest value (0-based), partially reordering `x[from...]` (Hoare partition,
  /// middle pivot); the values below `from` are taken as the smallest ones already.
  static func select(_ x: UnsafeMutableBufferPointer<Double>, _ k: Int, from: Int) -> Double {
    var lo = from
    var hi = x.count - 1
    while lo < hi {
      let pivot = x[lo + (hi - lo) / 2]
      var i = lo
      var j = hi
      while i <= j {
        while x[i] < pivot { i += 1 }
        while x[j] > pivot { j -= 1 }
        if i <= j {
          x.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j { hi = j } else if k >= i { lo = i } else { return x[k] }
    }
    return x[k]
  }
}

extension Statistic {
  /// The quantile a median or percentile asks for (0…1), nil for the others.
  var fraction: Double? {
    switch self {
    case .median: 0.5
    case .percentile(let n): Double(n) / 100
    default: nil
    }
  }
}
