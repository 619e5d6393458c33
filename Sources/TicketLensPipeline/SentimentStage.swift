import TicketLensInsights
import TicketLensWarehouse

/// Part of the normalize stage: scores the sentiment of every ticket and chat that is new or
/// changed since it was last scored, so that `sentiment` is a dimension like any other.
public enum SentimentStage {
  /// Returns how many rows were scored.
  @discardableResult
  public static func run(_ warehouse: Warehouse, threads: Int = 0) throws -> Int {
    try warehouse.invalidateSentiment(unlessVersion: SentimentScorer.version)
    let pending = try warehouse.sentimentPending()
    guard !pending.isEmpty else { return 0 }
    let scores = SentimentScorer().scoreAll(pending.map(\.text), threads: threads)
    try Cancellation.check()
    try warehouse.storeSentiment(zip(pending, scores).map { ($0, $1.score, $1.label.rawValue) })
    return pending.count
  }
}
