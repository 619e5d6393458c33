import TicketLensInsights
import TicketLensWarehouse

/// Part of the normalize stage: scores the sentiment of every ticket and chat that is new or
/// changed since it was last scored, so that `sentiment` is a dimension like any other.
public enum SentimentStage {
  /// Returns how many rows were scored. `progress` hears (rows scored, rows to score) after each
  /// block of 65,536 rows.
  @discardableResult
  public static func run(
    _ warehouse: Warehouse, threads: Int = 0,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> Int {
    try warehouse.invalidateSentiment(unlessVersion: SentimentScorer.version)
    let pending = try warehouse.sentimentPending()
    guard !pending.isEmpty else { return 0 }
    let scorer = SentimentScorer()
    var scores: [(score: Double, label: SentimentScorer.Label)] = []
    scores.reserveCapacity(pending.count)
    progress?(0, pending.count)
    for lo in stride(from: 0, to: pending.count, by: 65_536) {
      let hi = min(pending.count, lo + 65_536)
      scores += scorer.scoreAll(pending[lo..<hi].map(\.text), threads: threads)
      try Cancellation.check()
      progress?(hi, pending.count)
    }
    try warehouse.storeSentiment(zip(pending, scores).map { ($0, $1.score, $1.label.rawValue) })
    return pending.count
  }
}
