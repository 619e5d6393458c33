import TicketLensInsights
import TicketLensModel
import TicketLensWarehouse

/// Part of the normalize stage: trains the category and priority classifiers on the stored
/// tickets and records each ticket's category (recorded or predicted), suggested priority and
/// urgency, so that `category` is a dimension like any other. Skipped when neither the tickets
/// nor the settings changed since the last classification. The trained models are kept in the
/// warehouse: tickets loaded or changed later are classified by them without training again,
/// until they exceed `retrainShare` of the tickets trained on (then everything is trained and
/// classified again).
public enum CategoryStage {
  /// What the stage did.
  public struct Outcome: Sendable, Equatable {
    /// Tickets classified.
    public var tickets: Int
    /// Whether the models were trained (false: only new or changed tickets were classified, by
    /// the kept models).
    public var trained: Bool
    /// When trained: seconds spent on the vocabulary and the models (the rest labelled tickets).
    public var trainingSeconds: Double? = nil
  }

  /// Returns what was classified, or nil when nothing had changed. `force` trains again.
  @discardableResult
  public static func run(
    _ warehouse: Warehouse, settings: CategorySettings, threads: Int = 0, force: Bool = false,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> Outcome? {
    let inputs = try warehouse.classifierInputs()
    let key = fingerprint(settings.fingerprint + " " + inputs.key)
    if !force, try warehouse.classificationKey() == key { return nil }
    let settingsKey = fingerprint(settings.fingerprint)
    let newest = inputs.newestLoad
    let classifier = TicketClassifier(settings: settings, threads: threads)
    if !force, settings.retrainShare > 0, let kept = try warehouse.classifierSnapshot(),
      kept.settings == settingsKey, let snapshot = ClassifierSnapshot(bytes: kept.bytes)
    {
      let fresh = try warehouse.classifierBatch(
        categoryFields: settings.fields, tagPrefix: settings.tagPrefix,
        loadedAfter: kept.throughLoad)
      let since = kept.classifiedSince + fresh.count
      if Double(since) <= settings.retrainShare * Double(kept.trainedTickets) {
        try Cancellation.check()
        let rows = try classifier.classify(fresh, using: snapshot, progress: progress)
        try Cancellation.check()
        try warehouse.storeNewClassifications(
          rows, afterLoad: kept.throughLoad, throughLoad: newest, classifiedSince: since, key: key)
        return Outcome(tickets: fresh.count, trained: false)
      }
    }
    // The tickets (and their texts) are let go before the classifications are stored.
    let (result, count) = try { () throws -> (TicketClassifier.Result, Int) in
      let tickets = try warehouse.classifierBatch(
        categoryFields: settings.fields, tagPrefix: settings.tagPrefix, count: inputs.included)
      try Cancellation.check()
      return (try classifier.classify(tickets, progress: progress), tickets.count)
    }()
    try Cancellation.check()
    try warehouse.storeClassifications(
      result.classifications, models: result.models, key: key,
      snapshot: StoredClassifierSnapshot(
        settings: settingsKey, trainedTickets: count, throughLoad: newest,
        classifiedSince: 0, bytes: result.snapshot.encoded()))
    return Outcome(tickets: count, trained: true, trainingSeconds: result.trainingSeconds)
  }

  /// A 63-bit FNV-1a hash (stored in an INTEGER column; never 0, the "never ran" value).
  static func fingerprint(_ s: String) -> Int64 {
    var h = FNV1a()
    h.add(s)
    return Int64(bitPattern: h.value >> 1) | 1
  }
}
