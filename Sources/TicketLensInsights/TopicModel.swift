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
  ///
  /// With `counting`, only those texts (an even sample of a very large set) are scanned: the
  /// vocabulary, frequencies and readable forms are the sample's, and `documentCount` is its
  /// size (the vectors of every text are then made on demand; `keepsDocuments` must be false).
  public init(
    texts: [String], minDF: Int = 3, maxShare: Double = 0.3,
    tokenizer: Tokenizer = Tokenizer(maxNGram: 2), threads: Int = 0, keepsDocuments: Bool = true,
    counting rows: [Int]? = nil
  ) {
    self.init(
      count: texts.count, text: { texts[$0] }, minDF: minDF, maxShare: maxShare,
      tokenizer: tokenizer, threads: threads, keepsDocuments: keepsDocuments, counting: rows)
  }

  /// The same, reading text `i` as `text(i)` (from a `TextColumn`, say).
  public init(
    count: Int, text: @Sendable (Int) -> String, minDF: Int = 3, maxShare: Double = 0.3,
    tokenizer: Tokenizer = Tokenizer(maxNGram: 2), threads: Int = 0, keepsDocuments: Bool = true,
    counting rows: [Int]? = nil
  ) {
    precondition(rows == nil || !keepsDocuments, "a sampled vocabulary keeps no documents")
    let n = rows?.count ?? count
    let workers = Parallel.workers(threads)
    // Scan, count document frequencies and written forms in parallel chunks, by term key
    // (`TermScanner`): a term's spelling is made once per chunk, when the chunk first meets it.
    let parts = Parallel.chunks(n, workers: workers, minimum: 256) { lo, hi in
      var chunk = VocabularyChunk()
      var scanner = TermScanner(tokenizer: tokenizer, collectsSurfaces: true)
      for i in lo..<hi {
        scanner.scan(text(rows?[i] ?? i))
        chunk.add(scanner, document: Int32(i - lo))
        if keepsDocuments { chunk.documents.append(scanner.terms.map(\.key)) }
      }
      return chunk
    }
    // Merged in chunk order (the spelling of a key is the same in every chunk).
    var all = VocabularyChunk()
    for part in parts { all.merge(part) }
    let maxDF = max(minDF, Int(Double(n) * maxShare))
    let kept = all.terms.keys.indices.filter {
      all.frequency[$0] >= minDF && all.frequency[$0] <= maxDF
    }.sorted { all.spelling[$0] < all.spelling[$1] }
    terms = kept.map { all.spelling[$0] }
    documentFrequency = kept.map { all.frequency[$0] }
    documentCount = n
    // The commonest written form of each word of a kept term (ties: the smaller spelling).
    var best: [UInt64: (count: Int, form: String)] = [:]
    for f in all.forms.keys.indices {
      let count = all.formCount[f]
      if let b = best[all.formStem[f]],
        b.count > count || (b.count == count && b.form < all.formSpelling[f])
      {
        continue
      }
      best[all.formStem[f]] = (count, all.formSpelling[f])
    }
    var surface: [String: String] = [:]
    for t in terms {
      for w in t.split(separator: " ") where surface[String(w)] == nil {
        if let b = best[TermKey.word(w.utf8)] { surface[String(w)] = b.form }
      }
    }
    self.surface = surface
    index = Self.index(terms)
    idf = Self.idf(documentFrequency, documents: n)
    documents =
      keepsDocuments
      ? Self.weighted(parts.flatMap(\.documents), index: index, idf: idf, workers: workers) : []
  }

  /// A vocabulary fixed earlier (`terms`, their document frequencies among `documentCount`
  /// documents, readable forms), without documents: what a stored classifier reads tickets
  /// loaded after it was trained with (`vectors(of:tokenizer:)`).
  public init(
    terms: [String], documentFrequency: [Int], documentCount: Int, surface: [String: String]
  ) {
    self.terms = terms
    self.documentFrequency = documentFrequency
    self.documentCount = documentCount
    self.surface = surface
    documents = []
    index = Self.index(terms)
    idf = Self.idf(documentFrequency, documents: documentCount)
  }

  /// Term key → position in `terms`, and each term's inverse document frequency.
  let index: KeySlots
  public let idf: [Double]

  /// Slot `i` holds the key of `terms[i]`.
  static func index(_ terms: [String]) -> KeySlots {
    var index = KeySlots(capacity: terms.count)
    for t in terms { _ = index.insert(TermKey.of(t)) }
    return index
  }

  /// The vectors of `texts` over this vocabulary: each the one it gets among the documents the
  /// vocabulary was counted over; terms outside it are ignored.
  public func vectors(of texts: [String], tokenizer: Tokenizer) -> [[(Int, Double)]] {
    var scanner = TermScanner(tokenizer: tokenizer)
    var positions: [Int] = []
    return texts.map {
      scanner.scan($0)
      return Self.weighted(scanner.terms.lazy.map(\.key), index: index, idf: idf, into: &positions)
    }
  }

  /// Smoothed inverse document frequency, as scikit-learn's `TfidfVectorizer`.
  static func idf(_ df: [Int], documents n: Int) -> [Double] {
    df.map { log(Double(n + 1) / Double($0 + 1)) + 1 }
  }

  /// Sublinear term frequency times `idf`, unit length, sorted by term index.
  static func weighted(
    _ documents: [[UInt64]], index: KeySlots, idf: [Double], workers: Int
  ) -> [[(Int, Double)]] {
    Parallel.chunks(documents.count, workers: workers, minimum: 256) { lo, hi in
      var positions: [Int] = []
      return documents[lo..<hi].map { weighted($0, index: index, idf: idf, into: &positions) }
    }.flatMap { $0 }
  }

  /// One document's vector from its terms' keys (`positions` is scratch space).
  static func weighted(
    _ keys: some Sequence<UInt64>, index: KeySlots, idf: [Double], into positions: inout [Int]
  ) -> [(Int, Double)] {
    positions.removeAll(keepingCapacity: true)
    for k in keys { if let p = index.slot(of: k) { positions.append(p) } }
    // A ticket has tens of terms: an insertion sort in place beats the library's sort, whose
    // comparison closure is not inlined here (6 % of the label pass's cycles at 1M tickets).
    if positions.count <= 64 {
      positions.withUnsafeMutableBufferPointer { p in
        for i in p.indices.dropFirst() {
          let x = p[i]
          var j = i
          while j > 0 && p[j - 1] > x {
            p[j] = p[j - 1]
            j -= 1
          }
          p[j] = x
        }
      }
    } else {
      positions.sort()
    }
    var v: [(Int, Double)] = []
    var j = 0
    while j < positions.count {
      var e = j + 1
      while e < positions.count && positions[e] == positions[j] { e += 1 }
      v.append((positions[j], (1 + log(Double(e - j))) * idf[positions[j]]))
      j = e
    }
    let norm = v.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
    if norm > 0 { for j in v.indices { v[j].1 /= norm } }
    return v
  }

  /// A readable form of a term: each stemmed word replaced by its commonest surface form.
  public func readable(_ term: String) -> String {
    term.split(separator: " ").map { surface[String($0)] ?? String($0) }.joined(separator: " ")
  }
}

/// Document frequencies and written forms of the terms of some documents, by term key.
struct VocabularyChunk {
  var terms = KeySlots(capacity: 4096)
  var spelling: [String] = []
  var frequency: [Int] = []
  /// The last document (within the chunk) that counted each term.
  private var lastDocument: [Int32] = []
  /// Written forms by key: their stem's key, count and spelling.
  var forms = KeySlots(capacity: 4096)
  var formStem: [UInt64] = []
  var formCount: [Int] = []
  var formSpelling: [String] = []
  /// Each document's term keys, when kept.
  var documents: [[UInt64]] = []

  mutating func add(_ scanner: TermScanner, document: Int32) {
    for (k, t) in scanner.terms.enumerated() {
      let (s, new) = terms.insert(t.key)
      if new {
        spelling.append(scanner.spelling(ofTerm: k))
        frequency.append(0)
        lastDocument.append(-1)
      }
      if lastDocument[s] != document {
        lastDocument[s] = document
        frequency[s] += 1
      }
    }
    for (k, w) in scanner.surfaces.enumerated() {
      let (s, new) = forms.insert(w.key)
      if new {
        formSpelling.append(scanner.spelling(ofSurface: k))
        formStem.append(scanner.base[Int(w.base)].key)
        formCount.append(0)
      }
      formCount[s] += 1
    }
  }

  mutating func merge(_ other: VocabularyChunk) {
    for (o, key) in other.terms.keys.enumerated() {
      let (s, new) = terms.insert(key)
      if new {
        spelling.append(other.spelling[o])
        frequency.append(0)
      }
      frequency[s] += other.frequency[o]
    }
    for (o, key) in other.forms.keys.enumerated() {
      let (s, new) = forms.insert(key)
      if new {
        formSpelling.append(other.formSpelling[o])
        formStem.append(other.formStem[o])
        formCount.append(0)
      }
      formCount[s] += other.formCount[o]
    }
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

  /// `transform(i)` for every `i` in `[0, n)`, in order, computed in `fixedChunks` of `size`.
  static func map<T>(_ n: Int, size: Int, threads: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    fixedChunks(n, size: size, threads: threads) { lo, hi in (lo..<hi).map(transform) }
      .flatMap { $0 }
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
