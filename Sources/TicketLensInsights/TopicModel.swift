import Dispatch
import Foundation

/// Sparse TF-IDF document vectors over a shared vocabulary (unit length).
public struct TermVectors: Sendable {
  /// Vocabulary in first-seen order; `terms[i]` is the stemmed term (or "a b" bigram).
  public var terms: [String]
  /// Per document: (term index, weight) sorted by term index; empty when no term survived.
  public var documents: [[(Int, Double)]]
  /// Document frequency per term.
  public var documentFrequency: [Int]
  /// The commonest surface form seen for each stemmed word, for readable labels.
  public var surface: [String: String]

  /// Builds vectors from raw texts: unigrams and bigrams; terms in fewer than `minDF` documents
  /// or in more than `maxShare` of them are dropped. Deterministic and independent of threads.
  public init(texts: [String], minDF: Int = 3, maxShare: Double = 0.3, threads: Int = 0) {
    let tokenizer = Tokenizer(maxNGram: 2)
    let n = texts.count
    let workers = max(1, threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads)
    let chunks = max(1, min(workers * 4, n / 256 + 1))
    // Tokenize in parallel (each chunk writes its own slot).
    let perChunk = UnsafeMutableBufferPointer<([[String]], [String: [String: Int]])>.allocate(
      capacity: chunks)
    perChunk.initialize(repeating: ([], [:]))
    defer {
      perChunk.deinitialize()
      perChunk.deallocate()
    }
    nonisolated(unsafe) let slots = perChunk
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let lo = n * c / chunks
      let hi = n * (c + 1) / chunks
      var docs: [[String]] = []
      docs.reserveCapacity(hi - lo)
      var forms: [String: [String: Int]] = [:]
      for i in lo..<hi {
        docs.append(tokenizer.terms(texts[i]))
        for w in tokenizer.words(texts[i]) where !Tokenizer.stopWords.contains(w) {
          forms[Tokenizer.stem(w), default: [:]][w, default: 0] += 1
        }
      }
      slots[c] = (docs, forms)
    }
    var tokenized: [[String]] = []
    tokenized.reserveCapacity(n)
    var formCounts: [String: [String: Int]] = [:]
    for c in 0..<chunks {
      tokenized.append(contentsOf: perChunk[c].0)
      for (stem, counts) in perChunk[c].1 {
        for (w, k) in counts { formCounts[stem, default: [:]][w, default: 0] += k }
      }
    }
    var surface: [String: String] = [:]
    for (stem, counts) in formCounts {
      surface[stem] =
        counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
        .key
    }
    self.surface = surface
    // Document frequency.
    var df: [String: Int] = [:]
    for doc in tokenized {
      for t in Set(doc) { df[t, default: 0] += 1 }
    }
    let maxDF = max(minDF, Int(Double(n) * maxShare))
    let kept = df.filter { $0.value >= minDF && $0.value <= maxDF }.keys.sorted()
    var index: [String: Int] = [:]
    for (i, t) in kept.enumerated() { index[t] = i }
    terms = kept
    documentFrequency = kept.map { df[$0]! }
    let idf = documentFrequency.map { log(Double(n + 1) / Double($0 + 1)) + 1 }
    documents = tokenized.map { doc in
      var tf: [Int: Double] = [:]
      for t in doc { if let i = index[t] { tf[i, default: 0] += 1 } }
      var v = tf.map { ($0.key, (1 + log($0.value)) * idf[$0.key]) }.sorted { $0.0 < $1.0 }
      let norm = v.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
      if norm > 0 { for j in v.indices { v[j].1 /= norm } }
      return v
    }
  }

  /// A readable form of a term: each stemmed word replaced by its commonest surface form.
  public func readable(_ term: String) -> String {
    term.split(separator: " ").map { surface[String($0)] ?? String($0) }.joined(separator: " ")
  }
}

/// Spherical k-means over unit TF-IDF vectors with a seeded k-means++ start, followed by merging
/// clusters whose centroids are close. Assignment runs in parallel; results do not depend on
/// the thread count.
public struct TopicClustering: Sendable {
  /// Cluster per document (-1 for documents without terms).
  public var assignment: [Int]
  /// Unit centroid per cluster, dense over the vocabulary.
  public var centroids: [[Double]]
  /// Documents per cluster.
  public var sizes: [Int]

  public init(
    vectors: TermVectors, k requested: Int, mergeSimilarity: Double = 0.3, seed: UInt64 = 1,
    iterations: Int = 12, threads: Int = 0
  ) {
    let docs = vectors.documents
    let dims = vectors.terms.count
    let usable = docs.indices.filter { !docs[$0].isEmpty }
    let k = max(1, min(requested, usable.count))
    var rng = SplitMix(seed: seed)
    let dot = Self.dot
    func dense(_ d: [(Int, Double)]) -> [Double] {
      var c = [Double](repeating: 0, count: dims)
      for (i, w) in d { c[i] = w }
      return c
    }
    // k-means++ seeding on cosine distance.
    var centroids: [[Double]] = []
    if !usable.isEmpty && dims > 0 {
      centroids.append(dense(docs[usable[Int(rng.next() % UInt64(usable.count))]]))
      var best = usable.map { 1 - dot(docs[$0], centroids[0]) }
      while centroids.count < k {
        let total = best.reduce(0, +)
        guard total > 1e-12 else { break }
        var target = rng.unit() * total
        var pick = usable.count - 1
        for (j, d) in best.enumerated() {
          target -= d
          if target <= 0 {
            pick = j
            break
          }
        }
        let c = dense(docs[usable[pick]])
        centroids.append(c)
        for (j, i) in usable.enumerated() { best[j] = min(best[j], 1 - dot(docs[i], c)) }
      }
    }
    var assignment = [Int](repeating: -1, count: docs.count)
    let workers = max(1, threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads)
    func assign() -> Bool {
      let chunks = max(1, min(workers * 4, docs.count / 512 + 1))
      let current = centroids
      var changed = [Bool](repeating: false, count: chunks)
      assignment.withUnsafeMutableBufferPointer { aBuffer in
        changed.withUnsafeMutableBufferPointer { chBuffer in
          nonisolated(unsafe) let a = aBuffer
          nonisolated(unsafe) let ch = chBuffer
          DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (docs.count * c / chunks)..<(docs.count * (c + 1) / chunks) {
              guard !docs[i].isEmpty else { continue }
              var bestJ = 0
              var bestS = -Double.infinity
              for (j, cen) in current.enumerated() {
                let s = dot(docs[i], cen)
                if s > bestS {
                  bestS = s
                  bestJ = j
                }
              }
              if a[i] != bestJ {
                a[i] = bestJ
                ch[c] = true
              }
            }
          }
        }
      }
      return changed.contains(true)
    }
    func update() {
      var sums = [[Double]](repeating: [Double](repeating: 0, count: dims), count: centroids.count)
      for (i, j) in assignment.enumerated() where j >= 0 {
        for (t, w) in docs[i] { sums[j][t] += w }
      }
      for j in sums.indices {
        let norm = sums[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 {
          centroids[j] = sums[j].map { $0 / norm }
        } else if centroids[j].count != dims {
          centroids[j] = [Double](repeating: 0, count: dims)
        }
      }
    }
    if !centroids.isEmpty {
      for _ in 0..<iterations {
        if !assign() { break }
        update()
      }
      // Merge close clusters (union-find in index order), then recompute centroids.
      var parent = Array(centroids.indices)
      func root(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { x = parent[x] }
        return x
      }
      for a in centroids.indices {
        for b in (a + 1)..<centroids.count {
          var s = 0.0
          for t in 0..<dims { s += centroids[a][t] * centroids[b][t] }
          if s >= mergeSimilarity {
            let ra = root(a)
            let rb = root(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
          }
        }
      }
      var renumber: [Int: Int] = [:]
      for j in centroids.indices where renumber[root(j)] == nil {
        renumber[root(j)] = renumber.count
      }
      for i in assignment.indices where assignment[i] >= 0 {
        assignment[i] = renumber[root(assignment[i])]!
      }
      centroids = [[Double]](repeating: [], count: renumber.count)
      update()
    }
    var sizes = [Int](repeating: 0, count: centroids.count)
    for j in assignment where j >= 0 { sizes[j] += 1 }
    self.assignment = assignment
    self.centroids = centroids
    self.sizes = sizes
  }

  @Sendable static func dot(_ d: [(Int, Double)], _ c: [Double]) -> Double {
    var s = 0.0
    for (i, w) in d { s += w * c[i] }
    return s
  }

  /// The nearest cluster for a vector, or nil below `minimumSimilarity`.
  public func nearest(_ d: [(Int, Double)], minimumSimilarity: Double = 0.1) -> Int? {
    var best: (Int, Double)?
    for (j, c) in centroids.enumerated() {
      var s = 0.0
      for (i, w) in d { s += w * c[i] }
      if s >= minimumSimilarity, s > (best?.1 ?? -1) { best = (j, s) }
    }
    return best?.0
  }
}

/// A small seeded generator (SplitMix64): deterministic across platforms.
struct SplitMix: Sendable {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
