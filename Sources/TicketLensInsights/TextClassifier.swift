import Foundation

/// Which model learns categories and priorities (`insights: classifier:`).
public enum ClassifierKind: String, Sendable, CaseIterable {
  /// Linear SVMs over TF-IDF terms and the static embedding (the default; see README).
  case linear
  /// Multinomial naive Bayes over TF-IDF terms alone (the model before version 4).
  case naiveBayes = "naive_bayes"
}

/// A fitted text classifier of either kind, with its calibration temperature.
public struct TextModel: Sendable {
  enum Fitted: Sendable {
    case naiveBayes(NaiveBayes)
    case linear(LinearSVM)
  }
  let fitted: Fitted
  /// Scores are divided by this before the softmax.
  public internal(set) var temperature = 1.0

  public var classes: [String] {
    switch fitted {
    case .naiveBayes(let m): m.classes
    case .linear(let m): m.classes
    }
  }

  /// The model's one hyper-parameter: the smoothing α of naive Bayes, the penalty C of the SVMs.
  public var penalty: Double {
    switch fitted {
    case .naiveBayes(let m): m.alpha
    case .linear(let m): m.c
    }
  }

  /// Fits a model on the documents with a class code (`codes[i] >= 0`) that `include` accepts.
  static func fit(
    _ kind: ClassifierKind, features f: TextFeatures, codes: [Int32], classes: [String],
    penalty: Double, threads: Int, include: @Sendable (Int) -> Bool
  ) -> TextModel {
    switch kind {
    case .naiveBayes:
      let sums = NaiveBayes.Sums.of(
        f.sparse, labels: codes, classes: classes.count, vocabulary: f.vocabulary,
        threads: threads, include: include)
      return TextModel(
        fitted: .naiveBayes(
          NaiveBayes(classes: classes, vocabulary: f.vocabulary, alpha: penalty, sums: sums)))
    case .linear:
      let labels = codes.indices.map { include($0) ? codes[$0] : -1 }
      return TextModel(
        fitted: .linear(
          LinearSVM(classes: classes, features: f, labels: labels, c: penalty, threads: threads)))
    }
  }

  /// The raw score of each class for document `i` (higher is likelier).
  public func scores(_ f: TextFeatures, _ i: Int) -> [Double] {
    switch fitted {
    case .naiveBayes(let m): m.scores(f.sparse[i])
    case .linear(let m): m.scores(f, i)
    }
  }

  /// Class probabilities at the fitted temperature.
  public func probabilities(_ f: TextFeatures, _ i: Int) -> [Double] {
    NaiveBayes.softmax(scores(f, i), temperature: temperature)
  }

  /// The most likely class and its probability (ties go to the earlier class).
  public func predict(_ f: TextFeatures, _ i: Int) -> (label: Int, confidence: Double) {
    let p = probabilities(f, i)
    var best = 0
    for c in p.indices where p[c] > p[best] { best = c }
    return (best, p[best])
  }

  /// The largest `value(c)` among the classes in `toward` minus the largest among the rest.
  static func margin(classes: Int, toward: Set<Int>, _ value: (Int) -> Double) -> Double {
    var inside = -Double.infinity
    var outside = -Double.infinity
    for c in 0..<classes {
      let v = value(c)
      if toward.contains(c) { inside = max(inside, v) } else { outside = max(outside, v) }
    }
    return inside - outside
  }

  /// How much term `t` (weight `w`) pushes a document toward the classes in `toward`.
  func lift(term t: Int, weight w: Double, toward: Set<Int>) -> Double {
    switch fitted {
    case .naiveBayes(let m): m.lift(term: t, weight: w, toward: toward)
    case .linear(let m): m.lift(term: t, weight: w, toward: toward)
    }
  }
}

/// A trained classifier: the model fitted on the labelled documents, and the evaluation of the
/// same procedure fitted without the held-out documents.
public struct TrainedClassifier: Sendable {
  public var model: TextModel
  /// Nil when no labelled document was held out.
  public var evaluation: ClassifierEvaluation?
  public var labelled: Int
  /// Labelled documents the final model was fitted on (at most `maximumTraining`).
  public var trainedOn: Int
  /// The held-out documents' true class codes (-1 for the others) when the model that
  /// classifies is the one measured and the caller scores them while classifying (the
  /// evaluation's confusion table is then empty until it does: `evaluate(_:predicted:)`).
  public var heldOutLater: [Int32]?

  /// Above this many labelled documents, the linear model is fitted on an even sample of them
  /// (every k-th in input order): its accuracy has levelled off long before, and the nightly
  /// job's training time stays bounded.
  public static let maximumTraining = 20_000

  /// `count` of `items` evenly spread (every k-th, starting with the first); all when fewer.
  static func evenSample(_ items: [Int], _ count: Int) -> [Int] {
    guard items.count > count else { return items }
    let step = Double(items.count) / Double(count)
    var out: [Int] = []
    var seen = 0
    var next = 0.0
    for i in items {
      if Double(seen) >= next {
        out.append(i)
        next += step
      }
      seen += 1
    }
    return out
  }

  /// Trains on `input` with `labels` (nil = unlabelled); documents with `holdout[i]` true are
  /// held out for the evaluation and the temperature, then added back for the final model
  /// (unless there are more than `maximumTraining` others to fit it on). Nil
  /// when fewer than two classes have labels. Feature rows are built for the training documents
  /// only, and for the held-out ones chunk by chunk.
  public static func train(
    input: ClassifierInput, labels: [String?], holdout: [Bool], kind: ClassifierKind = .linear,
    penalty: Double = 1, threads: Int = 0, scoresHeldOutLater: Bool = false
  ) -> TrainedClassifier? {
    let classes = Set(labels.compactMap { $0 }).sorted()
    guard classes.count >= 2 else { return nil }
    var index: [String: Int32] = [:]
    for (i, c) in classes.enumerated() { index[c] = Int32(i) }
    let evaluated = labels.map { $0.flatMap { index[$0] } ?? -1 }
    let labelled = evaluated.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
    // Very many labelled documents (linear model only: naive Bayes is a sum and costs nothing
    // more): one model, fitted on an even sample of those not held out, classifies and is the
    // one measured. Fewer: the model measured leaves the held-out documents out, the one that
    // classifies is fitted again with them.
    let trainable = evaluated.indices.filter { evaluated[$0] >= 0 && !holdout[$0] }
    let once = kind == .linear && trainable.count > maximumTraining
    var sampled = evaluated
    if once {
      sampled = Array(repeating: -1, count: evaluated.count)
      for i in evenSample(trainable, maximumTraining) { sampled[i] = evaluated[i] }
    } else if kind == .linear, labelled > maximumTraining {
      let kept = Set(evenSample(evaluated.indices.filter { evaluated[$0] >= 0 }, maximumTraining))
      for i in sampled.indices where !kept.contains(i) { sampled[i] = -1 }
    }
    let rows = sampled.indices.filter { sampled[$0] >= 0 }
    let f = input.features(rows, threads: threads)
    let codes = rows.map { sampled[$0] }
    var model = TextModel.fit(
      kind, features: f, codes: codes, classes: classes, penalty: penalty, threads: threads
    ) { _ in true }
    let held = evaluated.indices.filter { evaluated[$0] >= 0 && holdout[$0] }
    guard !held.isEmpty, rows.contains(where: { !holdout[$0] }) else {
      return TrainedClassifier(
        model: model, evaluation: nil, labelled: labelled, trainedOn: rows.count)
    }
    // One scalar: an even sample of at most 20,000 held-out documents fits it as well as all.
    let calibration = Array(stride(from: 0, to: held.count, by: max(1, held.count / 20_000)))
    let empty = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    if once && scoresHeldOutLater {
      let chunk = input.features(calibration.map { held[$0] }, threads: threads)
      model.temperature = Calibration.temperature(
        scores: (0..<chunk.count).map { model.scores(chunk, $0) },
        labels: calibration.map { Int(evaluated[held[$0]]) })
      var truth = [Int32](repeating: -1, count: evaluated.count)
      for i in held { truth[i] = evaluated[i] }
      return TrainedClassifier(
        model: model, evaluation: ClassifierEvaluation(classes: classes, confusion: empty),
        labelled: labelled, trainedOn: rows.count, heldOutLater: truth)
    }
    let partial =
      once
      ? model
      : TextModel.fit(
        kind, features: f, codes: codes, classes: classes, penalty: penalty, threads: threads
      ) { !holdout[rows[$0]] }
    let heldScores = Parallel.fixedChunks(held.count, size: 16_384, threads: threads) { lo, hi in
      let chunk = input.features(Array(held[lo..<hi]))
      return (0..<chunk.count).map { partial.scores(chunk, $0) }
    }.flatMap { $0 }
    var confusion = empty
    for (k, i) in held.enumerated() {
      let s = heldScores[k]
      var best = 0
      for c in s.indices where s[c] > s[best] { best = c }
      confusion[Int(evaluated[i])][best] += 1
    }
    model.temperature = Calibration.temperature(
      scores: calibration.map { heldScores[$0] },
      labels: calibration.map { Int(evaluated[held[$0]]) })
    return TrainedClassifier(
      model: model, evaluation: ClassifierEvaluation(classes: classes, confusion: confusion),
      labelled: labelled, trainedOn: rows.count)
  }
}
