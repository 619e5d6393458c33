import Foundation
import TicketLensModel

/// Trend views of a metric series: change against the previous period, moving averages,
/// robust anomaly flags, and a Holt-Winters forecast with its backtest error.
public enum Trends {
  /// One point of a series with its trend columns.
  public struct Point: Sendable, Hashable {
    public var period: String
    public var value: Double?
    public var previous: Double?
    /// (value − previous) / previous; nil when either is missing or previous is 0.
    public var change: Double?
    public var movingAverage7: Double?
    public var movingAverage28: Double?
    /// Robust z-score against the trailing window (median and MAD).
    public var zScore: Double?
    public var anomaly: Bool
  }

  /// Trend columns for a series in period order. Moving averages and anomalies need at least 7
  /// (28, `window`) earlier points; they are nil before that.
  public static func analyze(
    _ series: [(period: String, value: Double?)], window: Int = 28, threshold: Double = 3.5
  ) -> [Point] {
    var out: [Point] = []
    let values = series.map(\.value)
    for (i, p) in series.enumerated() {
      let prev = i > 0 ? values[i - 1] : nil
      var change: Double? = nil
      if let v = p.value, let prev, prev != 0 { change = (v - prev) / prev }
      func ma(_ n: Int) -> Double? {
        guard i + 1 >= n else { return nil }
        let xs = values[(i + 1 - n)...i].compactMap { $0 }
        guard xs.count == n else { return nil }
        return xs.reduce(0, +) / Double(n)
      }
      var z: Double? = nil
      if let v = p.value, i >= window {
        let past = values[(i - window)..<i].compactMap { $0 }.sorted()
        if past.count >= window / 2, let median = Quantiles.quantile(sorted: past, 0.5) {
          let deviations = past.map { abs($0 - median) }.sorted()
          let mad = Quantiles.quantile(sorted: deviations, 0.5) ?? 0
          if mad > 0 { z = (v - median) / (1.4826 * mad) }
        }
      }
      out.append(
        Point(
          period: p.period, value: p.value, previous: prev, change: change, movingAverage7: ma(7),
          movingAverage28: ma(28), zScore: z, anomaly: z.map { abs($0) > threshold } ?? false))
    }
    return out
  }

  /// A Holt-Winters forecast (additive trend and weekly season).
  public struct Forecast: Sendable, Hashable {
    public var values: [Double]
    /// A band of ±1.96 × the in-sample one-step residual standard deviation.
    public var lower: [Double]
    public var upper: [Double]
    public var alpha: Double
    public var beta: Double
    public var gamma: Double
    /// Mean absolute percentage error of a fit on all but the last `horizon` points, forecasting
    /// those (days with 0 actual are left out); nil when the series is too short.
    public var backtestMAPE: Double?
  }

  /// Fits additive Holt-Winters with season length `season` by a deterministic grid search of
  /// (α, β, γ) minimising the one-step squared error, then forecasts `horizon` points.
  public static func holtWinters(_ y: [Double], season: Int = 7, horizon: Int = 28) -> Forecast? {
    guard y.count >= 2 * season else { return nil }
    let fit = bestFit(y, season: season)
    let f = forecast(y, season: season, horizon: horizon, fit.params)
    let sd = (fit.sse / Double(max(1, y.count - season))).squareRoot()
    var mape: Double? = nil
    if y.count >= 2 * season + horizon {
      let train = Array(y.dropLast(horizon))
      let test = Array(y.suffix(horizon))
      let p = bestFit(train, season: season).params
      let pred = forecast(train, season: season, horizon: horizon, p)
      let errors = zip(test, pred).filter { $0.0 != 0 }.map { abs($0.0 - $0.1) / abs($0.0) }
      if !errors.isEmpty { mape = errors.reduce(0, +) / Double(errors.count) }
    }
    return Forecast(
      values: f, lower: f.map { max(0, $0 - 1.96 * sd) }, upper: f.map { $0 + 1.96 * sd },
      alpha: fit.params.0, beta: fit.params.1, gamma: fit.params.2, backtestMAPE: mape)
  }

  typealias Params = (Double, Double, Double)

  static func bestFit(_ y: [Double], season: Int) -> (params: Params, sse: Double) {
    let grid = stride(from: 0.05, through: 0.95, by: 0.1).map { $0 }
    var best: (Params, Double) = ((0.5, 0.1, 0.1), .infinity)
    for a in grid {
      for b in [0.01, 0.05, 0.1, 0.2, 0.3] {
        for g in grid {
          let sse = run(y, season: season, (a, b, g)).sse
          if sse < best.1 { best = ((a, b, g), sse) }
        }
      }
    }
    return best
  }

  /// Runs the recursions; returns the final state and the one-step squared error.
  static func run(_ y: [Double], season m: Int, _ p: Params) -> (
    level: Double, trend: Double, seasonal: [Double], sse: Double
  ) {
    let (alpha, beta, gamma) = p
    let first = y[0..<m].reduce(0, +) / Double(m)
    let second = y[m..<(2 * m)].reduce(0, +) / Double(m)
    var level = first
    var trend = (second - first) / Double(m)
    var seasonal = (0..<m).map { y[$0] - first }
    var sse = 0.0
    for t in m..<y.count {
      let s = seasonal[t % m]
      let predicted = level + trend + s
      sse += (y[t] - predicted) * (y[t] - predicted)
      let newLevel = alpha * (y[t] - s) + (1 - alpha) * (level + trend)
      trend = beta * (newLevel - level) + (1 - beta) * trend
      seasonal[t % m] = gamma * (y[t] - newLevel) + (1 - gamma) * s
      level = newLevel
    }
    return (level, trend, seasonal, sse)
  }

  static func forecast(_ y: [Double], season m: Int, horizon: Int, _ p: Params) -> [Double] {
    let state = run(y, season: m, p)
    return (1...horizon).map { h in
      max(0, state.level + Double(h) * state.trend + state.seasonal[(y.count + h - 1) % m])
    }
  }
}
