import Testing

@testable import TicketLensMetrics

struct QuantileTests {
  @Test func handWorkedValues() {
    #expect(Quantiles.quantile(sorted: [], 0.5) == nil)
    #expect(Quantiles.quantile(sorted: [7], 0.5) == 7)
    #expect(Quantiles.quantile(sorted: [7], 0.9) == 7)
    #expect(Quantiles.quantile(sorted: [1, 3], 0.5) == 2)
    #expect(Quantiles.quantile(sorted: [1, 3], 0.9) == 2.8)
    // Odd n: the middle value. Even n: halfway between the two middle values.
    #expect(Quantiles.quantile(sorted: [1, 2, 10], 0.5) == 2)
    #expect(Quantiles.quantile(sorted: [1, 2, 10, 20], 0.5) == 6)
    // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.1
    #expect(abs(Quantiles.quantile(sorted: (1...10).map(Double.init), 0.9)! - 9.1) < 1e-12)
    // Ties.
    #expect(Quantiles.quantile(sorted: [5, 5, 5, 5], 0.9) == 5)
    #expect(Quantiles.quantile(sorted: [1, 5, 5, 9], 0.5) == 5)
    #expect(Quantiles.mean(sorted: [1, 2, 3, 10]) == 4)
  }

  @Test(arguments: ["count", "mean", "median", "p50", "p90", "p95", "p1", "p99", "le60", "le0.5"])
  func parsesStatistics(text: String) {
    #expect(Statistic(text) != nil)
  }

  @Test(arguments: ["p0", "p100", "pp", "avg2", "p", "", "le", "le-5", "leinf", "le1e3"])
  func refusesUnknownStatistics(text: String) {
    #expect(Statistic(text) == nil)
  }

  @Test func atMostCountsValuesUpToItsBound() {
    #expect(Statistic("le60") == .atMost(60) && Statistic("LE240")?.description == "le240")
    #expect(Statistic("le2.5")?.description == "le2.5")
    #expect(Statistic.atMost(60).value(sorted: [10, 59.9, 60, 60.1, 500]) == 3)
    var values: [Double] = [500, 60, 10, 60.1, 59.9]
    #expect(Quantiles.statistics([.atMost(60), .count, .atMost(5)], of: &values) == [3, 5, 0])
  }

  @Test func formatsNumbersTheSameEverywhere() {
    #expect(Cell.real(1040).formatted == "1040.0")
    #expect(Cell.real(212.4).formatted == "212.4")
    #expect(Cell.real(1e-7).formatted == "0.0")
    #expect(Cell.real(208.41666666666669).formatted == "208.416667")
    #expect(Cell.real(1.0 / 3).formatted == "0.333333")
    #expect(Cell.real(-2.5).formatted == "-2.5")
    #expect(Cell.real(12_345_678_901_234_567_890).formatted.contains("e") == false)
    #expect(Cell.int(42).formatted == "42")
    #expect(Cell.null.formatted == "")
  }
}

struct SelectionTests {
  @Test func selectionAgreesWithSorting() {
    var state: UInt64 = 99
    // Distinct values, and values with many ties (percentiles are selected one above another).
    for (n, distinct) in [1, 2, 3, 10, 101, 1000].flatMap({ [($0, UInt64(1) << 24), ($0, 7)] }) {
      var xs: [Double] = (0..<n).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1
        return Double((state >> 40) % distinct)
      }
      let sorted = xs.sorted()
      let stats: [Statistic] = [.count, .median, .percentile(90), .percentile(1), .percentile(99)]
      let got = Quantiles.statistics(stats, of: &xs)
      #expect(got[0] == Double(n))
      #expect(got[1] == Quantiles.quantile(sorted: sorted, 0.5))
      #expect(got[2] == Quantiles.quantile(sorted: sorted, 0.9))
      #expect(got[3] == Quantiles.quantile(sorted: sorted, 0.01))
      #expect(got[4] == Quantiles.quantile(sorted: sorted, 0.99))
    }
    var ties: [Double] = [5, 5, 5, 1, 9, 5]
    #expect(Quantiles.statistics([.median], of: &ties) == [5])
  }
}
