import Testing

@testable import TicketLensMetrics

struct TrendsTests {
  @Test func changeMovingAveragesAndAnomalies() {
    // 40 days alternating 10/12, then a spike of 40.
    var series: [(period: String, value: Double?)] = (0..<40).map {
      ("d\($0)", $0 % 2 == 0 ? 10 : 12)
    }
    series.append(("spike", 40))
    let p = Trends.analyze(series, window: 28, threshold: 3.5)
    #expect(p[1].previous == 10 && p[1].change == 0.2)
    #expect(p[5].movingAverage7 == nil)
    let expectedMA: Double = 76.0 / 7
    #expect(p[6].movingAverage7 == expectedMA)
    #expect(p[27].movingAverage28 == 11)
    #expect(p[39].anomaly == false)
    // Median 11, MAD 1: z = (40 - 11) / 1.4826.
    let expectedZ: Double = 29.0 / 1.4826
    let z: Double = p[40].zScore ?? 0
    #expect(abs(z - expectedZ) < 1e-9)
    #expect(p[40].anomaly)
    #expect(p[0].change == nil && p[0].zScore == nil)
  }

  @Test func holtWintersLearnsAWeeklySeasonWithTrend() throws {
    // Weekly pattern plus a slow upward trend: the forecast should track it closely.
    let pattern: [Double] = [120, 110, 105, 100, 95, 40, 30]
    let y = (0..<84).map { pattern[$0 % 7] + Double($0) * 0.5 }
    let f = try #require(Trends.holtWinters(y, season: 7, horizon: 28))
    let truth: [Double] = (84..<112).map { pattern[$0 % 7] + Double($0) * 0.5 }
    var mape = 0.0
    for (a, b) in zip(truth, f.values) { mape += abs(a - b) / a / 28 }
    #expect(mape < 0.02)
    #expect(try #require(f.backtestMAPE) < 0.02)
    #expect(zip(f.lower, f.upper).allSatisfy { $0 <= $1 })
    // Deterministic.
    #expect(Trends.holtWinters(y, season: 7, horizon: 28) == f)
    #expect(Trends.holtWinters(Array(y.prefix(10)), season: 7, horizon: 28) == nil)
  }
}
