/// A small, fast, seedable PRNG (SplitMix64) so that generated data is the same on every machine.
public struct RandomSource: RandomNumberGenerator, Sendable {
  var state: UInt64

  public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  public mutating func int(_ range: Range<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  public mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

  /// Index drawn with the given (unnormalised) weights.
  public mutating func weighted(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    var u = unit() * total
    for (i, w) in weights.enumerated() {
      u -= w
      if u < 0 { return i }
    }
    return weights.count - 1
  }

  /// A log-normal draw with the given median and shape (sigma of the log).
  public mutating func logNormal(median: Double, sigma: Double) -> Double {
    // Box–Muller.
    let u1 = max(unit(), 1e-12)
    let u2 = unit()
    let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    return median * _exp(sigma * z)
  }

  /// Zipf-like index in 0..<n (rank 1 most frequent), exponent s.
  public mutating func zipf(_ n: Int, s: Double, table: [Double]) -> Int {
    let u = unit() * table[table.count - 1]
    var lo = 0
    var hi = table.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if table[mid] < u { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Cumulative weights for `zipf`.
  public static func zipfTable(_ n: Int, s: Double) -> [Double] {
    var acc = 0.0
    return (1...max(1, n)).map { k in
      acc += 1 / _pow(Double(k), s)
      return acc
    }
  }
}

#if canImport(Glibc)
  import Glibc
  @inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
  @inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
  import Darwin
  @inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
  @inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
  @inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
  @inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
