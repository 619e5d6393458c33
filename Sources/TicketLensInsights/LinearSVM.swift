import Foundation
import TicketLensModel

/// What a text classifier reads of each document: its TF-IDF vector (sparse, unit length) and
/// its static-embedding vector (dense, unit length, all zeros when absent).
public struct TextFeatures: Sendable {
  /// Per document: (term index, weight) sorted by term index.
  public var sparse: [[(Int, Double)]]
  /// Terms in the TF-IDF vocabulary.
  public var vocabulary: Int
  /// `count × dimensions` floats; empty when the features have no dense part.
  public var dense: [Float]
  public var dimensions: Int

  public init(sparse: [[(Int, Double)]], vocabulary: Int, dense: [Float] = [], dimensions: Int = 0)
  {
    precondition(dense.count == sparse.count * dimensions)
    self.sparse = sparse
    self.vocabulary = vocabulary
    self.dense = dense
    self.dimensions = dimensions
  }

  public var count: Int { sparse.count }
}

/// The texts a classifier reads, from which feature rows are built when needed: the TF-IDF
/// vectors of every text are kept, but the dense embedding only for the rows asked for (a
/// million rows of 256 floats would be a gigabyte).
public struct ClassifierInput: Sendable {
  public let texts: TextColumn
  public let vectors: TermVectors
  /// Nil when the model reads the TF-IDF terms alone (naive Bayes).
  public let embedding: StaticEmbedding?
  /// How texts become terms (for vectors made on demand).
  public var tokenizer = TicketClassifier.tokenizer

  public var count: Int { texts.count }

  public init(
    texts: TextColumn, vectors: TermVectors, embedding: StaticEmbedding?,
    tokenizer: Tokenizer = TicketClassifier.tokenizer
  ) {
    self.texts = texts
    self.vectors = vectors
    self.embedding = embedding
    self.tokenizer = tokenizer
  }

  /// The feature rows of `rows`, in that order (the embedding computed on `threads` workers;
  /// each row's vector depends on its text alone).
  public func features(_ rows: [Int], threads: Int = 1) -> TextFeatures {
    // Vectors kept for every text, or made now from the vocabulary (the same values; the
    // classifier keeps none, so a million tickets' vectors are never held at once).
    let chosen = vectors.documents.isEmpty || embedding != nil ? rows.map { texts[$0] } : []
    let sparse =
      vectors.documents.isEmpty && !rows.isEmpty
      ? vectors.vectors(of: chosen, tokenizer: tokenizer)
      : rows.map { vectors.documents[$0] }
    guard let embedding else {
      return TextFeatures(sparse: sparse, vocabulary: vectors.terms.count)
    }
    return TextFeatures(
      sparse: sparse, vocabulary: vectors.terms.count,
      dense: embedding.vectors(chosen, threads: threads),
      dimensions: embedding.dimensions)
  }
}

/// One-vs-rest linear support vector machines with the squared hinge loss, trained by dual
/// coordinate descent (Hsieh et al., ICML 2008 — what liblinear and scikit-learn's `LinearSVC`
/// do), over the TF-IDF terms and the static embedding side by side, plus a bias. Each class is
/// trained on its own worker with its own seeded visiting order, so the weights do not depend
/// on the thread count. Scores are `w·x`; a softmax temperature fitted on held-out documents
/// turns them into calibrated probabilities.
public struct LinearSVM: Sendable {
  public let classes: [String]
  /// Penalty of the hinge loss (scikit-learn's `C`).
  public let c: Double
  let vocabulary: Int
  let dimensions: Int
  /// Class-major weights: `vocabulary` sparse terms, `dimensions` dense values, one bias.
  let weights: [Double]
  /// The dense weights again, dimension-major, the classes padded to a multiple of 8 with
  /// zeros (`dimensions × paddedClasses`), for `scores`.
  let denseByDimension: [Double]
  public internal(set) var temperature = 1.0

  var width: Int { vocabulary + dimensions + 1 }

  /// Trains on the documents whose `labels[i]` (a class index) is not negative.
  init(
    classes: [String], features f: TextFeatures, labels: [Int32], c: Double = 1,
    epochs: Int = 40, tolerance: Double = 0.1, threads: Int = 0
  ) {
    self.classes = classes
    self.c = c
    vocabulary = f.vocabulary
    dimensions = f.dimensions
    let width = f.vocabulary + f.dimensions + 1
    let members = labels.indices.filter { labels[$0] >= 0 }
    // The members' dense rows once, in member order (read every pass by every class), kept as
    // the floats they are (each widened to Double where it is used: the same arithmetic as
    // rows of Doubles, half the memory read on every pass).
    let dims = f.dimensions
    var rows = [Float](repeating: 0, count: members.count * dims)
    for (k, i) in members.enumerated() {
      for d in 0..<dims { rows[k * dims + d] = f.dense[i * dims + d] }
    }
    let dense = rows
    // x·x + 1/(2C) per document (the bias feature is 1).
    let diagonal = 1 / (2 * c)
    let q = members.indices.map { k -> Double in
      var s = 1.0
      for (_, w) in f.sparse[members[k]] { s += w * w }
      for d in 0..<dims { s += Double(dense[k * dims + d]) * Double(dense[k * dims + d]) }
      return s + diagonal
    }
    let perClass = Parallel.fixedChunks(classes.count, size: 1, threads: threads) { lo, _ in
      Self.trainOne(
        f.sparse, dense: dense, dimensions: dims, vocabulary: f.vocabulary, members: members,
        positive: { labels[$0] == Int32(lo) }, q: q, diagonal: diagonal, width: width,
        epochs: epochs, tolerance: tolerance, seed: UInt64(lo) &+ 1)
    }
    weights = Array(perClass.joined())
    denseByDimension = Self.byDimension(
      weights, classes: classes.count, vocabulary: vocabulary, dimensions: dims)
  }

  /// The dense part of class-major `weights`, dimension-major, classes padded to a multiple of 8.
  static func byDimension(_ weights: [Double], classes: Int, vocabulary: Int, dimensions: Int)
    -> [Double]
  {
    let width = vocabulary + dimensions + 1
    let padded = (classes + 7) / 8 * 8
    var out = [Double](repeating: 0, count: dimensions * padded)
    for c in 0..<classes {
      for d in 0..<dimensions { out[d * padded + c] = weights[c * width + vocabulary + d] }
    }
    return out
  }

  /// `a[i..<i+count] · b[j..<j+count]` in four running sums (added in a fixed order).
  @inline(__always) static func dot(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Float>, count: Int
  ) -> Double {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var d = 0
    while d + 4 <= count {
      s0 += a[d] * Double(b[d])
      s1 += a[d + 1] * Double(b[d + 1])
      s2 += a[d + 2] * Double(b[d + 2])
      s3 += a[d + 3] * Double(b[d + 3])
      d += 4
    }
    while d < count {
      s0 += a[d] * Double(b[d])
      d += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// Dual coordinate descent for one class against the rest (`dense`: the members' rows), with
  /// liblinear's shrinking: a document whose multiplier is 0 and whose gradient is beyond the
  /// last pass's largest projected gradient leaves the active set (it would not move); when
  /// the active set has converged, every document is checked once more. (The squared hinge has
  /// no upper bound on the multipliers, so only the lower one shrinks.)
  static func trainOne(
    _ sparse: [[(Int, Double)]], dense: [Float], dimensions dims: Int, vocabulary: Int,
    members: [Int], positive: (Int) -> Bool, q: [Double], diagonal: Double, width: Int,
    epochs: Int, tolerance: Double, seed: UInt64
  ) -> [Double] {
    var w = [Double](repeating: 0, count: width)
    var alpha = [Double](repeating: 0, count: members.count)
    let y = members.map { positive($0) ? 1.0 : -1.0 }
    var order = Array(members.indices)
    var rng = SplitMix(seed: seed)
    let bias = width - 1
    var active = order.count
    var maxOld = Double.infinity
    dense.withUnsafeBufferPointer { dense in
      w.withUnsafeMutableBufferPointer { w in
        let wDense = w.baseAddress! + vocabulary
        var pass = 0
        while pass < epochs {
          pass += 1
          // Fisher–Yates with the class's own generator: the same order on every run.
          for k in stride(from: active - 1, to: 0, by: -1) {
            order.swapAt(k, Int(rng.next() % UInt64(k + 1)))
          }
          var maxPG = -Double.infinity
          var minPG = Double.infinity
          var s = 0
          while s < active {
            let k = order[s]
            let i = members[k]
            let row = dense.baseAddress! + k * dims
            var score = w[bias]
            for (t, v) in sparse[i] { score += w[t] * v }
            score += dot(wDense, row, count: dims)
            let g = y[k] * score - 1 + alpha[k] * diagonal
            var pg = g
            if alpha[k] == 0 {
              if g > maxOld {
                active -= 1
                order.swapAt(s, active)
                continue
              }
              pg = min(g, 0)
            }
            s += 1
            maxPG = max(maxPG, pg)
            minPG = min(minPG, pg)
            guard abs(pg) > 1e-12 else { continue }
            let old = alpha[k]
            alpha[k] = max(old - g / q[k], 0)
            let step = (alpha[k] - old) * y[k]
            guard step != 0 else { continue }
            for (t, v) in sparse[i] { w[t] += step * v }
            for d in 0..<dims { wDense[d] += step * Double(row[d]) }
            w[bias] += step
          }
          if maxPG - minPG < tolerance {
            if active == order.count { break }
            // Converged on the active set: check every document once more.
            active = order.count
            maxOld = .infinity
            continue
          }
          maxOld = maxPG <= 0 ? .infinity : maxPG
        }
      }
    }
    return w
  }

  /// The decision value of each class for document `i` of `f`.
  public func scores(_ f: TextFeatures, _ i: Int) -> [Double] {
    let width = self.width
    let dims = dimensions
    let n = classes.count
    var out = [Double](repeating: 0, count: n)
    weights.withUnsafeBufferPointer { w in
      for c in 0..<n {
        let base = c * width
        var s = w[base + width - 1]
        for (t, v) in f.sparse[i] where t < vocabulary { s += w[base + t] * v }
        out[c] = s
      }
    }
    guard f.dimensions == dims, dims > 0 else { return out }
    // The dense part eight classes at a time, a dimension at a time: each class's sum takes its
    // terms in the same order as a class at a time would (the same scores, bit for bit: a lane
    // of the vector is one class's running sum), and the eight sums are independent chains (a
    // class at a time, 256 dependent additions each, was a tenth of the classification stage).
    let padded = (n + 7) / 8 * 8
    denseByDimension.withUnsafeBytes { wt in
      f.dense.withUnsafeBufferPointer { dense in
        let row = i &* dims
        for g in stride(from: 0, to: n, by: 8) {
          var acc = SIMD8<Double>(repeating: 0)
          for c in g..<min(n, g + 8) { acc[c - g] = out[c] }
          for d in 0..<dims {
            let w = wt.loadUnaligned(
              fromByteOffset: (d &* padded &+ g) &* MemoryLayout<Double>.stride,
              as: SIMD8<Double>.self)
            acc += w * Double(dense[row &+ d])
          }
          for c in g..<min(n, g + 8) { out[c] = acc[c - g] }
        }
      }
    }
    return out
  }

  /// How much term `t` (weight `v`) pushes a document toward the classes in `toward` rather
  /// than the others: the best weight among `toward` minus the best among the rest, times `v`.
  func lift(term t: Int, weight v: Double, toward: Set<Int>) -> Double {
    v * TextModel.margin(classes: classes.count, toward: toward) { weights[$0 * width + t] }
  }
}
