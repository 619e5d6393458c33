import Foundation
import TicketLensModel
import TicketLensWarehouse

/// Where tickets record their category, and how the classifiers are trained (`insights:` in a
/// pipeline file).
public struct CategorySettings: Sendable, Equatable {
  /// Custom fields holding the category (the first one set wins), e.g. `cf_contact_reason`.
  public var fields: [String] = []
  /// A tag prefix naming the category, e.g. `contact_reason_` for Zendesk drop-down tags.
  public var tagPrefix: String? = nil
  /// Share of labelled tickets held out to measure the classifiers.
  public var holdoutShare = 0.2
  /// The model: linear SVMs over TF-IDF and the static embedding, or naive Bayes.
  public var kind = ClassifierKind.linear
  /// Additive (Laplace/Lidstone) smoothing of the naive-Bayes term weights.
  public var alpha = 0.1
  /// Penalty of the linear SVMs' hinge loss (scikit-learn's `C`).
  public var c = 1.0
  /// The hyper-parameter of the chosen model.
  public var penalty: Double { kind == .linear ? c : alpha }
  /// Unresolved low/normal tickets whose text gives high-or-urgent at least this probability
  /// are listed as urgent-looking.
  public var urgentThreshold = 0.5
  /// A group must have resolved at least this many tickets of a category for the routing table
  /// to suggest it.
  public var routingMinTickets = 10
  /// Tickets loaded or changed since the models were trained are classified by the kept models
  /// until they exceed this share of the tickets trained on; then the models are trained again
  /// on everything. 0 trains on every change.
  public var retrainShare = 0.05

  public init() {}

  /// Whether the tickets carry categories to learn from.
  public var learnsCategories: Bool { !fields.isEmpty || tagPrefix != nil }

  /// A stable description of everything that changes the classification.
  public var fingerprint: String {
    "v\(TicketClassifier.version) fields=\(fields) tag=\(tagPrefix ?? "") holdout=\(holdoutShare) model=\(kind.rawValue) penalty=\(penalty)"
  }
}

/// Learns categories and priorities from ticket text: the category from tickets that carry one
/// (a custom field or a tag), the priority from every ticket that has one. Both are linear SVMs
/// over TF-IDF unigrams and bigrams beside the static sentence embedding (or naive Bayes over
/// the terms, when configured), measured on a deterministic held-out split.
public struct TicketClassifier: Sendable {
  /// Bumped whenever a change would classify the same tickets differently.
  public static let version = 6
  /// Words and word pairs, stemmed, stop words kept: "how", "why" and "when" tell requests
  /// apart (BANKING77 test accuracy 91.2 % without them, 92.1 % with them).
  public static let tokenizer = Tokenizer(maxNGram: 2, removesStopWords: false)
  public var settings: CategorySettings
  public var threads: Int

  public init(settings: CategorySettings, threads: Int = 0) {
    self.settings = settings
    self.threads = threads
  }

  /// The outcome for a set of tickets.
  public struct Result: Sendable {
    /// One per input ticket, in input order.
    public var classifications: [TicketClassification]
    /// `category` and `priority` evaluations (absent when a model could not be trained).
    public var models: [StoredClassifierModel]
    public var vocabulary: Int
    /// The vocabulary and models, to classify tickets loaded later the same way.
    public var snapshot: ClassifierSnapshot
    /// Seconds spent building the vocabulary and fitting and calibrating the models (the rest
    /// of `classify` labels every ticket).
    public var trainingSeconds: Double
  }

  /// The category a ticket records: the configured field, else the first tag with the prefix.
  /// Normalized as a tag would spell it (`Password Reset` → `password_reset`), so that a field's
  /// display value and the tag it sets are one category.
  public func recordedCategory(_ t: ClassifierTicket) -> String? {
    if let f = t.fieldCategory.map(Self.normalized), !f.isEmpty { return f }
    guard let prefix = settings.tagPrefix else { return nil }
    return (t.tagCategory ?? Warehouse.firstTag(in: t.tags, prefix: prefix.utf8))
      .map(Self.normalized)
  }

  /// `recordedCategory` of every ticket of `batch` (nil when the settings learn no category):
  /// each distinct value is normalized once.
  func recordedCategories(_ batch: ClassifierTickets) -> [String?] {
    guard settings.learnsCategories else { return [] }
    let fields = batch.fieldCategories.values.map(Self.normalized)
    let prefix = settings.tagPrefix
    let tagCategories = batch.tagCategories.values.map(Self.normalized)
    let tags = batch.tags.values.map { t in
      prefix.flatMap { Warehouse.firstTag(in: t, prefix: $0.utf8) }.map(Self.normalized)
    }
    return (0..<batch.count).map { i -> String? in
      let f = batch.fieldCategories.codes[i]
      if f >= 0, !fields[Int(f)].isEmpty { return fields[Int(f)] }
      guard prefix != nil else { return nil }
      let c = batch.tagCategories.codes[i]
      if c >= 0 { return tagCategories[Int(c)] }
      let t = batch.tags.codes[i]
      return t >= 0 ? tags[Int(t)] : nil
    }
  }

  /// What the classifiers read of `texts`: their TF-IDF terms (`tokenizer`, terms in at least 2
  /// texts, every text counted in the document frequencies, labelled or not, or an even sample
  /// of `vocabularySample` of them when there are more) and, for the linear model, the shipped
  /// static embedding beside them.
  public static func input(_ texts: [String], kind: ClassifierKind, threads: Int = 0) throws
    -> ClassifierInput
  {
    try input(TextColumn(texts), kind: kind, threads: threads)
  }

  public static func input(_ texts: TextColumn, kind: ClassifierKind, threads: Int = 0) throws
    -> ClassifierInput
  {
    let sample =
      texts.count > vocabularySample
      ? TrainedClassifier.evenSample(Array(0..<texts.count), vocabularySample) : nil
    return ClassifierInput(
      texts: texts,
      vectors: TermVectors(
        count: texts.count, text: { texts[$0] }, minDF: 2, maxShare: 1.0, tokenizer: tokenizer,
        threads: threads, keepsDocuments: false, counting: sample),
      embedding: kind == .linear ? try StaticEmbedding.shared() : nil)
  }

  /// Above this many tickets the vocabulary and its document frequencies come from an even
  /// sample of this many (the models are fitted on at most `TrainedClassifier.maximumTraining`
  /// of them anyway): at 1M generated tickets the sample finds the same 2,038 terms and saves
  /// a full scan of every text.
  public static let vocabularySample = 200_000

  /// Each ticket's recorded priority, normalized (nil when it records none or another value).
  static func recordedPriorities(_ batch: ClassifierTickets) -> [String?] {
    let values = batch.priorities.values.map { TicketPriority(normalizing: $0)?.rawValue }
    return batch.priorities.codes.map { $0 < 0 ? nil : values[Int($0)] }
  }

  /// Lowercased, trimmed, runs of spaces and hyphens as one `_`.
  public static func normalized(_ s: String) -> String {
    var out = ""
    var gap = false
    for ch in s.lowercased() {
      if ch == " " || ch == "-" || ch == "\t" {
        gap = true
        continue
      }
      if gap && !out.isEmpty { out.append("_") }
      gap = false
      out.append(ch)
    }
    return out
  }

  /// Whether a ticket belongs to the held-out share: a hash of its key, so that the split is the
  /// same on every run and for every thread count.
  public func isHeldOut(source: String, id: String) -> Bool {
    isHeldOut(keyHash: ClassifierTickets.keyHash(source: source, id: id))
  }

  /// `isHeldOut` by the hash of the ticket's key (`ClassifierTickets.keyHash`).
  public func isHeldOut(keyHash: UInt64) -> Bool {
    Double(keyHash % 10_000) < settings.holdoutShare * 10_000
  }

  /// - Throws: `EmbeddingError` when the linear model's static embedding cannot be loaded.
  /// `progress` hears (steps done, steps in all): building the features and training count for
  /// a tenth each, predicting for the rest, chunk by chunk (from worker threads).
  public func classify(
    _ tickets: [ClassifierTicket], progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> Result {
    try classify(ClassifierTickets(tickets), progress: progress)
  }

  /// `classify` on tickets whose texts are kept apart (what the warehouse reads).
  public func classify(
    _ batch: ClassifierTickets,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> Result {
    let started = DispatchTime.now().uptimeNanoseconds
    let steps = max(1, batch.count)
    let tenth = steps / 10
    let total = steps + 2 * tenth
    progress?(0, total)
    let input = try Self.input(batch.texts, kind: settings.kind, threads: threads)
    progress?(tenth, total)
    let vectors = input.vectors
    let v = vectors.terms.count
    let holdout = batch.keyHashes.map { isHeldOut(keyHash: $0) }

    let labels = recordedCategories(batch)
    // Held-out tickets are scored by the pass that classifies every ticket when the model
    // measured is the one that classifies (many labels), not once more beforehand.
    var category =
      settings.learnsCategories
      ? TrainedClassifier.train(
        input: input, labels: labels, holdout: holdout, kind: settings.kind,
        penalty: settings.penalty, threads: threads, scoresHeldOutLater: true) : nil
    let priorities = Self.recordedPriorities(batch)
    var priority = TrainedClassifier.train(
      input: input, labels: priorities, holdout: holdout, kind: settings.kind,
      penalty: settings.penalty, threads: threads, scoresHeldOutLater: true)
    progress?(2 * tenth, total)
    let trainingSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let (out, predicted, confusion) = label(
      batch.rowids, input: input, labels: labels, priorities: priorities, category: category?.model,
      priority: priority?.model,
      heldOut: (category?.heldOutLater, priority?.heldOutLater),
      progress: progress.map { p -> @Sendable (Int) -> Void in { p(2 * tenth + $0, total) } })
    if let c = confusion.category { category?.evaluation?.confusion = c }
    if let p = confusion.priority { priority?.evaluation?.confusion = p }
    var models: [StoredClassifierModel] = []
    if let c = category {
      models.append(stored("category", c, predicted: predicted, vocabulary: v))
    }
    if let p = priority {
      models.append(stored("priority", p, predicted: batch.count, vocabulary: v))
    }
    return Result(
      classifications: out, models: models, vocabulary: v,
      snapshot: ClassifierSnapshot(
        vectors: vectors, category: category?.model, priority: priority?.model),
      trainingSeconds: trainingSeconds)
  }

  /// Classifies `tickets` (loaded after `snapshot` was trained) with its vocabulary and models,
  /// without training: each gets what it would have got had it been among the tickets the
  /// models were trained with, but for the vocabulary's document frequencies, which stay as they
  /// were. `progress` hears (tickets done, tickets in all).
  public func classify(
    _ tickets: [ClassifierTicket], using snapshot: ClassifierSnapshot,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> [TicketClassification] {
    try classify(ClassifierTickets(tickets), using: snapshot, progress: progress)
  }

  /// `classify(_:using:)` on tickets whose texts are kept apart.
  public func classify(
    _ batch: ClassifierTickets, using snapshot: ClassifierSnapshot,
    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> [TicketClassification] {
    let texts = batch.texts
    let linear: Bool
    switch (snapshot.category ?? snapshot.priority)?.fitted {
    case .naiveBayes?: linear = false
    default: linear = true
    }
    let input = ClassifierInput(
      texts: texts, vectors: snapshot.vocabulary,
      embedding: linear ? try StaticEmbedding.shared() : nil)
    let labels = recordedCategories(batch)
    return label(
      batch.rowids, input: input, labels: labels, priorities: Self.recordedPriorities(batch),
      category: snapshot.category,
      priority: snapshot.priority,
      heldOut: (nil, nil),
      progress: progress.map { p -> @Sendable (Int) -> Void in { [n = batch.count] in p($0, n) } }
    ).out
  }

  /// Each ticket's category (recorded, else predicted), suggested priority, urgency and, when
  /// it reads as urgent while its priority is low, the terms that say so; and how many
  /// categories were predicted (`priorities`: the recorded ones, normalized). Held-out tickets
  /// with a true class code in `heldOut` are also scored by that model and counted in its
  /// confusion table (`confusion[actual][predicted]`). `progress` hears tickets done, from
  /// worker threads.
  private func label(
    _ rowids: [Int64], input: ClassifierInput, labels: [String?],
    priorities: [String?], category categoryModel: TextModel?, priority priorityModel: TextModel?,
    heldOut: (category: [Int32]?, priority: [Int32]?),
    progress: (@Sendable (Int) -> Void)?
  ) -> (
    out: [TicketClassification], predicted: Int,
    confusion: (category: [[Int]]?, priority: [[Int]]?)
  ) {
    let vectors = input.vectors
    var out = rowids.map { TicketClassification(rowid: $0) }
    let done = ProgressCounter(start: 0)
    let urgentClasses = Set(
      priorityModel.map { p in
        p.classes.indices.filter { ["high", "urgent"].contains(p.classes[$0]) }
      } ?? [])
    @Sendable func argmax(_ s: [Double]) -> Int {
      var best = 0
      for c in s.indices where s[c] > s[best] { best = c }
      return best
    }
    @Sendable func empty(_ m: TextModel?) -> [[Int]] {
      let n = m?.classes.count ?? 0
      return Array(repeating: Array(repeating: 0, count: n), count: n)
    }
    // One pass over the tickets in chunks: each chunk's feature rows are built once, for both
    // predictions, and dropped (a million rows of the embedding are never held at once; a chunk
    // of 4,096 holds 4 MB of them, one of 16,384 held 17 MB, times the chunks in flight, beside
    // the texts at the stage's peak); each ticket's classification is written in place (chunks
    // own disjoint ranges of `out`).
    let threshold = settings.urgentThreshold
    let learnsCategories = settings.learnsCategories
    let chunks = out.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      return Parallel.fixedChunks(rowids.count, size: 4096, threads: threads) { lo, hi in
        let f = input.features(Array(lo..<hi), threads: 1)
        var categoryConfusion = empty(categoryModel)
        var priorityConfusion = empty(priorityModel)
        var predicted = 0
        for i in lo..<hi {
          if let m = categoryModel {
            if labels[i] == nil {
              let (c, confidence) = m.predict(f, i - lo)
              if learnsCategories {
                out[i].category = m.classes[c]
                out[i].origin = "predicted"
                out[i].confidence = confidence
                predicted += 1
              }
            } else if let truth = heldOut.category?[i], truth >= 0 {
              categoryConfusion[Int(truth)][argmax(m.scores(f, i - lo))] += 1
            }
          }
          if learnsCategories, let l = labels[i] {
            // Recorded categories count as the dimension even when too few to learn from.
            out[i].category = l
            out[i].origin = "label"
          }
          guard let m = priorityModel else { continue }
          let scores = m.scores(f, i - lo)
          if let truth = heldOut.priority?[i], truth >= 0 {
            priorityConfusion[Int(truth)][argmax(scores)] += 1
          }
          let probs = NaiveBayes.softmax(scores, temperature: m.temperature)
          let urgency = urgentClasses.reduce(0) { $0 + probs[$1] }
          out[i].suggestedPriority = m.classes[argmax(probs)]
          out[i].urgency = urgency
          // The terms that make an urgent-sounding low-priority ticket sound urgent (from the
          // chunk's own vectors: the vectors of every ticket are never held at once).
          if urgency >= threshold, ["low", "normal", "none"].contains(priorities[i] ?? "none") {
            out[i].urgencyTerms = Self.topTerms(
              f.sparse[i - lo], model: m, toward: urgentClasses, vectors: vectors)
          }
        }
        progress?(done.add(hi - lo))
        return (predicted, categoryConfusion, priorityConfusion)
      }
    }
    func summed(_ tables: [[[Int]]]) -> [[Int]] {
      var out = tables[0]
      for t in tables.dropFirst() {
        for a in t.indices { for p in t[a].indices { out[a][p] += t[a][p] } }
      }
      return out
    }
    let confusion = (
      category: heldOut.category == nil || chunks.isEmpty ? nil : summed(chunks.map(\.1)),
      priority: heldOut.priority == nil || chunks.isEmpty ? nil : summed(chunks.map(\.2))
    )
    let predicted = chunks.reduce(0) { $0 + $1.0 }
    return (out, predicted, confusion)
  }

  private func stored(
    _ name: String, _ c: TrainedClassifier, predicted: Int, vocabulary: Int
  ) -> StoredClassifierModel {
    var cells: [(actual: String, predicted: String, tickets: Int)] = []
    if let e = c.evaluation {
      for a in e.classes.indices {
        for p in e.classes.indices where e.confusion[a][p] > 0 {
          cells.append((e.classes[a], e.classes[p], e.confusion[a][p]))
        }
      }
    }
    return StoredClassifierModel(
      model: name, labelled: c.labelled, holdout: c.evaluation?.total ?? 0, predicted: predicted,
      vocabulary: vocabulary, alpha: c.model.penalty, temperature: c.model.temperature,
      confusion: cells)
  }

  /// The (up to three) terms of a document that most raise the urgent classes, readable.
  static func topTerms(
    _ d: [(Int, Double)], model: TextModel, toward: Set<Int>, vectors: TermVectors
  ) -> String {
    var lifts: [(term: Int, lift: Double)] = []
    // Single words read better than pairs, which may straddle two sentences.
    for (t, w) in d where !vectors.terms[t].contains(" ") {
      let l = model.lift(term: t, weight: w, toward: toward)
      if l > 0 { lifts.append((t, l)) }
    }
    lifts.sort { a, b in a.lift > b.lift || (a.lift == b.lift && a.term < b.term) }
    let words: [String] = lifts.prefix(3).map { vectors.readable(vectors.terms[$0.term]) }
    return words.joined(separator: ", ")
  }
}

extension ClassifierEvaluation {
  /// Rebuilds an evaluation from a stored confusion table.
  public init(_ m: StoredClassifierModel) {
    let classes = Set(m.confusion.flatMap { [$0.actual, $0.predicted] }).sorted()
    var index: [String: Int] = [:]
    for (i, c) in classes.enumerated() { index[c] = i }
    var confusion = Array(
      repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    for cell in m.confusion {
      confusion[index[cell.actual]!][index[cell.predicted]!] += cell.tickets
    }
    self.init(classes: classes, confusion: confusion)
  }
}

/// A counter worker threads add to (progress reports only; results never depend on it).
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Int
  init(start: Int) { value = start }
  func add(_ n: Int) -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += n
    return value
  }
}
