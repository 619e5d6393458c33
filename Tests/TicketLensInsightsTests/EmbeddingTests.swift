import Foundation
import Testing

@testable import TicketLensInsights

/// The WordPiece tokenizer and the static embedding against the reference implementation
/// (Hugging Face `tokenizers` 0.23.3 with all-MiniLM-L6-v2's tokenizer.json, no special tokens;
/// the vector from Benchmarks/text_eval's Python reading of the same table).
struct EmbeddingTests {
  @Test(arguments: [
    ("Hello, world!", [7592, 1010, 2088, 999]),
    (
      "My card hasn't arrived yet — where is it?",
      [2026, 4003, 8440, 1005, 1056, 3369, 2664, 1517, 2073, 2003, 2009, 1029]
    ),
    (
      "Café déjà vu: 東京 refund#42",
      [7668, 2139, 3900, 24728, 1024, 1879, 1755, 25416, 8630, 1001, 4413]
    ),
    ("unaffordable transactions", [14477, 4246, 8551, 3085, 11817]),
  ])
  func wordPiecesMatchTheReferenceTokenizer(text: String, ids: [Int]) throws {
    let e = try StaticEmbedding.shared()
    #expect(e.tokenizer.tokenIDs(text).map(Int.init) == ids)
  }

  /// The memoised byte path gives each text the pieces of its words as `words(_:)` splits them,
  /// whether a word is met for the first time or again.
  @Test func memoisedPiecesEqualThoseOfEachWord() throws {
    let w = try StaticEmbedding.shared().tokenizer
    var cache = PieceCache()
    for text in TermScannerTests.texts + [
      "a\u{1}b\tc\rd\u{7F}e!!f", "Re: RE: re:", "x" + String(repeating: "y", count: 120),
    ] {
      for _ in 0..<2 {
        var ids: [Int32] = []
        cache.pieces(of: text, tokenizer: w, into: &ids)
        #expect(ids == w.words(text).flatMap { w.pieces($0) }, "\(text)")
      }
    }
  }

  @Test func sentenceVectorMatchesTheReferenceAndIsUnitLength() throws {
    let e = try StaticEmbedding.shared()
    let v = e.vector("My card hasn't arrived yet")
    #expect(v.count == 256)
    for (x, y) in zip(v.prefix(4), [-0.25616, 0.1576, -0.02217, 0.02892] as [Float]) {
      #expect(abs(x - y) < 1e-4, "\(v.prefix(4))")
    }
    #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    // The batch form gives the same vectors whatever the thread count; unknown text gives 0.
    let texts = ["My card hasn't arrived yet", "", "where is my new card", "\u{1F600}"]
    let one = e.vectors(texts, threads: 1)
    #expect(one == e.vectors(texts, threads: 3))
    #expect(Array(one.prefix(256)) == v)
    #expect(one[256..<512].allSatisfy { $0 == 0 } && one[768...].allSatisfy { $0 == 0 })
  }

  /// Over several chunks (4,096 texts each, written straight into one buffer), every row is
  /// that text's own vector, whatever the thread count.
  @Test func manyTextsGetEachTheirOwnVector() throws {
    let e = try StaticEmbedding.shared()
    let words = ["card", "refund", "parcel", "password", "late", "charged", "twice", "login"]
    let texts = (0..<9_000).map { i in
      "\(words[i % 8]) \(words[(i / 8) % 8]) \(words[(i / 64) % 8]) order \(i % 97)"
    }
    let two = e.vectors(texts, threads: 2)
    #expect(two.count == texts.count * 256)
    #expect(two == e.vectors(texts, threads: 1))
    for i in [0, 1, 4_095, 4_096, 4_097, 8_191, 8_192, 8_999] {
      #expect(Array(two[(i * 256)..<((i + 1) * 256)]) == e.vector(texts[i]), "text \(i)")
    }
  }

  @Test func paraphrasesAreNearerThanOtherNeeds() throws {
    let e = try StaticEmbedding.shared()
    func cos(_ a: String, _ b: String) -> Float {
      zip(e.vector(a), e.vector(b)).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let card = "my card still has not arrived"
    #expect(cos(card, "when will I receive the card you sent") > cos(card, "I want a refund"))
    #expect(cos("reset my password", "I forgot my login") > cos("reset my password", "parcel lost"))
  }

  @Test func refusesATruncatedTable() {
    #expect(throws: EmbeddingError.self) {
      try StaticEmbedding(table: Data("TLSE\u{1}\0\0\0".utf8), vocabulary: "a\n")
    }
  }
}

/// The linear SVMs on small data with known answers.
struct LinearSVMTests {
  /// Three classes, each its own term plus a shared one; the dense part points the same way.
  static func features() -> (TextFeatures, [Int32]) {
    var sparse: [[(Int, Double)]] = []
    var dense: [Float] = []
    var labels: [Int32] = []
    for i in 0..<90 {
      let c = i % 3
      sparse.append([(c, 0.8), (3, 0.6)])
      var d = [Float](repeating: 0, count: 4)
      d[c] = 1
      dense += d
      labels.append(Int32(c))
    }
    return (TextFeatures(sparse: sparse, vocabulary: 4, dense: dense, dimensions: 4), labels)
  }

  @Test func separatesSeparableClassesAndTheSharedTermCarriesNoWeightTowardAny() {
    let (f, labels) = Self.features()
    let m = LinearSVM(classes: ["a", "b", "c"], features: f, labels: labels)
    for i in 0..<f.count {
      let s = m.scores(f, i)
      #expect(s.firstIndex(of: s.max()!) == Int(labels[i]))
      // Its own class scores positive, the others negative (a margin of about one).
      #expect(
        s[Int(labels[i])] > 0.5 && s.enumerated().allSatisfy { $0 == Int(labels[i]) || $1 < -0.5 })
    }
    // Term 0 lifts class 0 and nothing else; the shared term 3 lifts no class over another.
    #expect(m.lift(term: 0, weight: 1, toward: [0]) > 0.5)
    #expect(abs(m.lift(term: 3, weight: 1, toward: [0])) < 0.01)
  }

  /// The scores, computed a dimension at a time for all classes, are each class's sum taken
  /// in the plain order (bias, sparse terms, dense values), bit for bit.
  @Test func scoresAreThePlainSumsToTheBit() {
    var (f, labels) = Self.features()
    // Dense values that do not add up exactly in another order.
    f.dense = f.dense.indices.map { Float(($0 * 7919) % 1000) / 997 + (f.dense[$0] > 0 ? 1 : 0) }
    let m = LinearSVM(classes: ["a", "b", "c"], features: f, labels: labels)
    for i in 0..<f.count {
      let plain = (0..<3).map { c -> Double in
        let base = c * m.width
        var s = m.weights[base + m.width - 1]
        for (t, v) in f.sparse[i] { s += m.weights[base + t] * v }
        for d in 0..<4 { s += m.weights[base + 4 + d] * Double(f.dense[i * 4 + d]) }
        return s
      }
      #expect(m.scores(f, i).map(\.bitPattern) == plain.map(\.bitPattern))
    }
  }

  @Test func weightsDoNotDependOnTheThreadCount() {
    let (f, labels) = Self.features()
    let one = LinearSVM(classes: ["a", "b", "c"], features: f, labels: labels, threads: 1)
    let two = LinearSVM(classes: ["a", "b", "c"], features: f, labels: labels, threads: 2)
    #expect(one.weights == two.weights)
  }
}
