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
  /// Documents the frequencies were counted over.
  public var documentCount: Int
  /// The commonest surface form seen for each stemmed word, for readable labels.
  public var surface: [String: String]

  /// Builds vectors from raw texts: unigrams and bigrams; terms in fewer than `minDF` documents
  /// or in more than `maxShare` of them are dropped. Deterministic and independent of threads.
  ///
  /// With `keepsDocuments` false only the vocabulary is built (terms, frequencies, readable
  /// forms, `index`) and `documents` stays empty: the vectors of some texts are then made when
  /// needed by `vectors(of:tokenizer:)`, the same as they would have been (a million tickets'
  /// tokens and vectors are never held at once).
  public init(
    texts: [String], minDF: Int = 3, maxShare: Double = 0.3,
    tokenizer: Tokenizer = Tokenizer(maxNGram: 2), threads: Int = 0, keepsDocuments: Bool = true
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
        if keepsDocuments { docs.append(doc) }
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
    documentCount = n
    let idf = Self.idf(documentFrequency, documents: n)
    if keepsDocuments {
      documents = Self.weighted(tokenized, index: index, idf: idf, workers: workers)
    } else {
      documents = []
      self.index = index
      self.idf = idf
    }
  }

  /// A vocabulary fixed earlier (`terms`, their document frequencies among `documentCount`
  /// documents, readable forms), without documents: what a stored classifier reads tickets
  /// loaded after it was trained with (`vectors(of:tokenizer:)`).
  public init(
    terms: [String], documentFrequency: [Int], documentCount: Int, surface: [String: String]
  ) {
    var index: [String: Int] = [:]
    for (i, t) in terms.enumerated() { index[t] = i }
    self.terms = terms
    self.documentFrequency = documentFrequency
    self.documentCount = documentCount
    self.surface = surface
    documents = []
    self.index = index
    idf = Self.idf(documentFrequency, documents: documentCount)
  }

  /// Term → position in `terms`, and each term's inverse document frequency; filled by the
  /// vocabulary-only initializers.
  public private(set) var index: [String: Int] = [:]
  public private(set) var idf: [Double] = []

  /// The vectors of `texts` over this vocabulary (built without documents): each the one it
  /// gets among the documents the vocabulary was counted over; terms outside it are ignored.
  public func vectors(of texts: [String], tokenizer: Tokenizer) -> [[(Int, Double)]] {
    let tokenized = texts.map { tokenizer.terms(words: tokenizer.words($0)) }
    return Self.weighted(tokenized, index: index, idf: idf, workers: 1)
  }

  /// Smoothed inverse document frequency, as scikit-learn's `TfidfVectorizer`.
  static func idf(_ df: [Int], documents n: Int) -> [Double] {
    df.map { log(Double(n + 1) / Double($0 + 1)) + 1 }
  }

  /// Sublinear term frequency times `idf`, unit length, sorted by term index.
  static func weighted(
    _ tokenized: [[String]], index: [String: Int], idf: [Double], workers: Int
  ) -> [[(Int, Double)]] {
    Parallel.chunks(tokenized.count, workers: workers, minimum: 256) { lo, hi in
      tokenized[lo..<hi].map { doc -> [(Int, Double)] in
        var tf: [Int: Double] = [:]
        for t in doc { if let i = index[t] { tf[i, default: 0] += 1 } }
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
