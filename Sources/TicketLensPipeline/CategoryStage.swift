import TicketLensInsights
import TicketLensModel
import TicketLensWarehouse

/// Part of the normalize stage: trains the category and priority classifiers on the stored
/// tickets and records each ticket's category (recorded or predicted), suggested priority and
/// urgency, so that `category` is a dimension like any other. Skipped when neither the tickets
/// nor the settings changed since the last classification.
public enum CategoryStage {
  /// Returns the number of tickets classified, or nil when nothing had changed.
  @discardableResult
  public static func run(
    _ warehouse: Warehouse, settings: CategorySettings, threads: Int = 0, force: Bool = false,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> Int? {
    let key = fingerprint(settings.fingerprint + " " + (try warehouse.classifierInputKey()))
    if !force, try warehouse.classificationKey() == key { return nil }
    let tickets = try warehouse.classifierTickets(categoryFields: settings.fields)
    try Cancellation.check()
    let result = try TicketClassifier(settings: settings, threads: threads).classify(
      tickets, progress: progress)
    try Cancellation.check()
    try warehouse.storeClassifications(result.classifications, models: result.models, key: key)
    return tickets.count
  }

  /// A 63-bit FNV-1a hash (stored in an INTEGER column; never 0, the "never ran" value).
  static func fingerprint(_ s: String) -> Int64 {
    var h = FNV1a()
    h.add(s)
    return Int64(bitPattern: h.value >> 1) | 1
  }
}
