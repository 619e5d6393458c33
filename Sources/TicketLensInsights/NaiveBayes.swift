import Foundation

/// Multinomial naive Bayes over TF-IDF vectors (as scikit-learn's `MultinomialNB` on
/// `TfidfVectorizer` output), with a softmax temperature fitted on held-out data so that the
/// reported confidence is calibrated (TF-IDF weights are small, so raw naive-Bayes posteriors are
/// far too flat).
public struct NaiveBayes: Sendable {
  public let classes: [String]
  public let vocabulary: Int
  public let alpha: Double
  /// Scores are divided by this before the softmax.
  public internal(set) var temperature = 1.0
  let logPrior: [Double]
  /// Class-major: `logTheta[c * vocabulary + term]`.
  let logTheta: [Double]

  /// Per-class sums of the training vectors' weights and per-class document counts.
  struct Sums: Sendable {
    var weights: [Double]
    var documents: [Int]

    init(classes: Int, vocabulary: Int) {
      weights = Array(repeating: 0, count: classes * vocabulary)
      documents = Array(repeating: 0, count: classes)
    }

    mutating func add(_ o: Sums) {
      for i in weights.indices { weights[i] += o.weights[i] }
      for i in documents.indices { documents[i] += o.documents[i] }
    }

    /// Sums the vectors of documents whose label passes `include`, in fixed chunks merged in
    /// order (the floating-point sums do not depend on the thread count).
    static func of(
      _ docs: [[(Int, Double)]], labels: [Int32], classes: Int, vocabulary: Int,
      threads: Int, include: @Sendable (Int) -> Bool
    ) -> Sums {
      let parts = Parallel.fixedChunks(docs.count, size: 65_536, threads: threads) { lo, hi in
        var s = Sums(classes: classes, vocabulary: vocabulary)
        for i in lo..<hi where labels[i] >= 0 && include(i) {
          let base = Int(labels[i]) * vocabulary
          s.documents[Int(labels[i])] += 1
          for (t, w) in docs[i] { s.weights[base + t] += w }
        }
        return s
      }
      var total = Sums(classes: classes, vocabulary: vocabulary)
      for p in parts { total.add(p) }
      return total
    }
  }

  init(classes: [String], vocabulary: Int, alpha: Double, sums: Sums) {
    self.classes = classes
    self.vocabulary = vocabulary
    self.alpha = alpha
    let n = Double(max(1, sums.documents.reduce(0, +)))
    // Classes absent from the training data keep a tiny prior rather than -infinity.
    logPrior = sums.documents.map { log(max(Double($0), 0.5) / n) }
    var theta = [Double](repeating: 0, count: classes.count * vocabulary)
    for c in classes.indices {
      let row = sums.weights[(c * vocabulary)..<((c + 1) * vocabulary)]
      let total = row.reduce(0, +) + alpha * Double(vocabulary)
      let logTotal = log(total)
      for (j, w) in row.enumerated() { theta[c * vocabulary + j] = log(w + alpha) - logTotal }
    }
    logTheta = theta
  }

  /// The joint log-likelihood of each class.
  public func scores(_ d: [(Int, Double)]) -> [Double] {
    var s = logPrior
    for c in classes.indices {
      let base = c * vocabulary
      var acc = 0.0
      for (t, w) in d { acc += w * logTheta[base + t] }
      s[c] += acc
    }
    return s
  }

  /// Class probabilities at the fitted temperature.
  public func probabilities(_ d: [(Int, Double)]) -> [Double] {
    Self.softmax(scores(d), temperature: temperature)
  }

  /// The most likely class and its probability (ties go to the earlier class).
  public func predict(_ d: [(Int, Double)]) -> (label: Int, confidence: Double) {
    let p = probabilities(d)
    var best = 0
    for c in p.indices where p[c] > p[best] { best = c }
    return (best, p[best])
  }

  /// How much term `t` (weight `w`) pushes a document toward the classes in `toward` rather than
  /// the others: the best log-likelihood among `toward` minus the best among the rest.
  func lift(term t: Int, weight w: Double, toward: Set<Int>) -> Double {
    w * TextModel.margin(classes: classes.count, toward: toward) { logTheta[$0 * vocabulary + t] }
  }

  static func softmax(_ s: [Double], temperature: Double) -> [Double] {
    let m = s.max() ?? 0
    let e = s.map { exp(($0 - m) / temperature) }
    let z = e.reduce(0, +)
    return e.map { $0 / z }
  }

  /// Fits the temperature on held-out scores (`Calibration.temperature`).
  mutating func fitTemperature(scores: [[Double]], labels: [Int]) {
    guard !scores.isEmpty else { return }
    temperature = Calibration.temperature(scores: scores, labels: labels)
  }
}

/// Softmax temperature scaling (Guo et al., 2017): the one parameter that makes a classifier's
/// scores calibrated probabilities.
enum Calibration {
  /// The temperature that minimises the mean negative log-likelihood of `labels` given the raw
  /// `scores` (golden-section search over log T in [1e-3, 1e3]; the loss is unimodal there).
  static func temperature(scores: [[Double]], labels: [Int]) -> Double {
    func loss(_ logT: Double) -> Double {
      let t = exp(logT)
      var total = 0.0
      for (s, y) in zip(scores, labels) {
        let m = s.max()!
        var z = 0.0
        for v in s { z += exp((v - m) / t) }
        total += log(z) - (s[y] - m) / t
      }
      return total / Double(scores.count)
    }
    var lo = log(1e-3)
    var hi = log(1e3)
    let g = (5.0.squareRoot() - 1) / 2
    var a = hi - g * (hi - lo)
    var b = lo + g * (hi - lo)
    var fa = loss(a)
    var fb = loss(b)
    for _ in 0..<60 {
      if fa < fb {
        hi = b
        b = a
        fb = fa
        a = hi - g * (hi - lo)
        fa = loss(a)
      } else {
        lo = a
        a = b
        fa = fb
        b = lo + g * (hi - lo)
        fb = loss(b)
      }
    }
    return exp((lo + hi) / 2)
  }
}

/// A classifier's quality on held-out tickets.
public struct ClassifierEvaluation: Sendable, Equatable {
  public var classes: [String]
  /// `confusion[actual][predicted]` ticket counts.
  public var confusion: [[Int]]

  public init(classes: [String], confusion: [[Int]]) {
    self.classes = classes
    self.confusion = confusion
  }

  public var total: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
  public var correct: Int { classes.indices.reduce(0) { $0 + confusion[$1][$1] } }
  public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

  /// Precision, recall and F1 of class `c`; `support` is its held-out count.
  public func scores(_ c: Int) -> (precision: Double, recall: Double, f1: Double, support: Int) {
    let tp = Double(confusion[c][c])
    let support = confusion[c].reduce(0, +)
    let predicted = classes.indices.reduce(0) { $0 + confusion[$1][c] }
    let p = predicted == 0 ? 0 : tp / Double(predicted)
    let r = support == 0 ? 0 : tp / Double(support)
    return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r), support)
  }

  /// The unweighted mean F1 over the classes that occur in the held-out set or its predictions
  /// (as scikit-learn's `f1_score(average="macro")` over the labels present).
  public var macroF1: Double {
    let present = classes.indices.filter { c in
      confusion[c].reduce(0, +) > 0 || classes.indices.contains { confusion[$0][c] > 0 }
    }
    guard !present.isEmpty else { return 0 }
    return present.reduce(0) { $0 + scores($1).f1 } / Double(present.count)
  }
}
