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
  public init(
    texts: [String], minDF: Int = 3, maxShare: Double = 0.3,
    tokenizer: Tokenizer = Tokenizer(maxNGram: 2), threads: Int = 0
  ) {
    let n = texts.count
    let workers = Parallel.workers(threads)
    // Tokenize, count surface forms and document frequencies in parallel chunks.
    let parts = Parallel.chunks(n, workers: workers, minimum: 256) { lo, hi in
      var docs: [[String]] = []
      docs.reserveCapacity(hi - lo)
      var forms: [String: [String: Int]] = [:]
      var df: [String: Int] = [:]
      for i in lo..<hi {
        let words = tokenizer.words(texts[i])
        let doc = tokenizer.terms(words: words)
        for t in Set(doc) { df[t, default: 0] += 1 }
        docs.append(doc)
        for w in words where !Tokenizer.stopWords.contains(w) {
          forms[Tokenizer.stem(w), default: [:]][w, default: 0] += 1
        }
      }
      return (docs, forms, df)
    }
    var tokenized: [[String]] = []
    tokenized.reserveCapacity(n)
    var formCounts: [String: [String: Int]] = [:]
    var df: [String: Int] = [:]
    for part in parts {
      tokenized.append(contentsOf: part.0)
      for (stem, counts) in part.1 {
        for (w, k) in counts { formCounts[stem, default: [:]][w, default: 0] += k }
      }
      for (t, k) in part.2 { df[t, default: 0] += k }
    }
    var surface: [String: String] = [:]
    for (stem, counts) in formCounts {
      surface[stem] =
        counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
        .key
    }
    self.surface = surface
    let maxDF = max(minDF, Int(Double(n) * maxShare))
    let kept = df.filter { $0.value >= minDF && $0.value <= maxDF }.keys.sorted()
    var index: [String: Int] = [:]
    for (i, t) in kept.enumerated() { index[t] = i }
    terms = kept
    documentFrequency = kept.map { df[$0]! }
    let idf = documentFrequency.map { log(Double(n + 1) / Double($0 + 1)) + 1 }
    let finalIndex = index
    let allTerms = tokenized
    documents = Parallel.chunks(n, workers: workers, minimum: 256) { lo, hi in
      allTerms[lo..<hi].map { doc -> [(Int, Double)] in
        var tf: [Int: Double] = [:]
        for t in doc { if let i = finalIndex[t] { tf[i, default: 0] += 1 } }
        var v = tf.map { ($0.key, (1 + log($0.value)) * idf[$0.key]) }.sorted { $0.0 < $1.0 }
        let norm = v.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
        if norm > 0 { for j in v.indices { v[j].1 /= norm } }
        return v
      }
    }.flatMap { $0 }
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
    let workers = Parallel.workers(threads)
    // k-means++ seeding on cosine distance (distance updates in parallel chunks).
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
        let previous = best
        best = Parallel.chunks(usable.count, workers: workers, minimum: 2048) { lo, hi in
          (lo..<hi).map { j in min(previous[j], 1 - dot(docs[usable[j]], c)) }
        }.flatMap { $0 }
      }
    }
    var assignment = [Int](repeating: -1, count: docs.count)
    // Documents as compressed rows (term, weight) for the hot loop.
    var offsets = [Int](repeating: 0, count: docs.count + 1)
    for (i, d) in docs.enumerated() { offsets[i + 1] = offsets[i] + d.count }
    var termIndex = [Int32](repeating: 0, count: offsets[docs.count])
    var weight = [Double](repeating: 0, count: offsets[docs.count])
    for (i, d) in docs.enumerated() {
      for (p, (t, w)) in d.enumerated() {
        termIndex[offsets[i] + p] = Int32(t)
        weight[offsets[i] + p] = w
      }
    }
    func assign() -> Bool {
      // Centroids transposed: term-major, so a document's terms read contiguous rows of k.
      let kk = centroids.count
      var transposed = [Double](repeating: 0, count: dims * kk)
      for (j, c) in centroids.enumerated() {
        for t in 0..<dims { transposed[t * kk + j] = c[t] }
      }
      let cen = transposed
      let (off, ti, wt) = (offsets, termIndex, weight)
      let next = Parallel.chunks(docs.count, workers: workers, minimum: 512) { lo, hi in
        var best = [Int](repeating: -1, count: hi - lo)
        var sc = [Double](repeating: 0, count: kk)
        cen.withUnsafeBufferPointer { cen in
          ti.withUnsafeBufferPointer { ti in
            wt.withUnsafeBufferPointer { wt in
              for i in lo..<hi where off[i] < off[i + 1] {
                for j in 0..<kk { sc[j] = 0 }
                for p in off[i]..<off[i + 1] {
                  let row = Int(ti[p]) * kk
                  let w = wt[p]
                  for j in 0..<kk { sc[j] += w * cen[row + j] }
                }
                var bestJ = 0
                var bestS = -Double.infinity
                for j in 0..<kk where sc[j] > bestS {
                  bestS = sc[j]
                  bestJ = j
                }
                best[i - lo] = bestJ
              }
            }
          }
        }
        return best
      }.flatMap { $0 }
      defer { assignment = next }
      return next != assignment
    }
    func update() {
      var sums = [[Double]](repeating: [Double](repeating: 0, count: dims), count: centroids.count)
      for (i, j) in assignment.enumerated() where j >= 0 {
        sums[j].withUnsafeMutableBufferPointer { row in
          for p in offsets[i]..<offsets[i + 1] { row[Int(termIndex[p])] += weight[p] }
        }
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

/// Runs `body` over `[0, n)` split into contiguous chunks on the Dispatch pool and returns the
/// results in chunk order (so the combined result does not depend on the thread count).
enum Parallel {
  /// Worker count for a `threads` option (0 = one per core).
  static func workers(_ threads: Int) -> Int {
    max(1, threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads)
  }

  static func chunks<T>(
    _ n: Int, workers: Int, minimum: Int, _ body: @Sendable (Int, Int) -> T
  ) -> [T] {
    let count = max(1, min(workers * 4, n / max(1, minimum) + 1))
    return collect(count, workers: count) { c in body(n * c / count, n * (c + 1) / count) }
  }

  /// Runs `body` over `[0, n)` in chunks of `size` (so the partition, and any floating-point
  /// sum merged in chunk order, does not depend on the thread count) on at most `threads`
  /// workers; returns the results in chunk order.
  static func fixedChunks<T>(
    _ n: Int, size: Int, threads: Int, _ body: @Sendable (Int, Int) -> T
  ) -> [T] {
    let count = max(1, (n + size - 1) / size)
    return collect(count, workers: min(workers(threads), count)) { c in
      body(c * size, min(n, (c + 1) * size))
    }
  }

  /// `body(c)` for every chunk `c` in `0..<count`, spread over `workers` Dispatch workers, the
  /// results in chunk order.
  private static func collect<T>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
      slots.deinitialize()
      slots.deallocate()
    }
    nonisolated(unsafe) let out = slots
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      for c in stride(from: w, to: count, by: workers) { out[c] = body(c) }
    }
    return slots.map { $0! }
  }
}
