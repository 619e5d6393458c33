import Foundation

/// Sentence vectors from a static word-piece embedding distilled from all-MiniLM-L6-v2
/// (Apache-2.0; `Resources/NOTICE`): every vocabulary token was run alone through the full
/// model, the rows reduced to 256 dimensions by PCA and weighted by SIF
/// (`Benchmarks/text_eval/distill_static.py` made the table). A text's vector is the mean of its
/// pieces' rows, unit length — a tokenisation and a few hundred additions per text, yet words
/// that mean the same land near each other ("card hasn't arrived", "where is my card"), which
/// TF-IDF cannot see.
public struct StaticEmbedding: Sendable {
  public let tokenizer: WordPiece
  public let dimensions: Int
  /// Whether a token id has a row (specials and `[unused*]` have none).
  let known: [Bool]
  /// Token-major rows as the table stores them, one byte a value (7.6 MB; as floats they took
  /// 30 MB, held by a run from its classification to its report): value `d` of row `id` is
  /// `scales[id] * Float(quantised[id * dimensions + d])`, computed where it is added.
  let quantised: [Int8]
  let scales: [Float]

  /// The embedding shipped with TicketLens, loaded once per process.
  public static func shared() throws -> StaticEmbedding {
    try loaded.get()
  }

  private static let loaded = Result { () throws(EmbeddingError) -> StaticEmbedding in
    let (table, vocabulary) = try bundled("static-embedding", what: "the static embedding")
    return try StaticEmbedding(table: table, vocabulary: vocabulary)
  }

  /// A model file of this target's resource bundle (`name.bin`) and the vocabulary both models
  /// share (`vocab.txt`); `what` names the model in the error.
  static func bundled(_ name: String, what: String) throws(EmbeddingError) -> (Data, String) {
    guard
      let table = Bundle.module.url(forResource: name, withExtension: "bin"),
      let vocabulary = Bundle.module.url(forResource: "vocab", withExtension: "txt")
    else {
      throw EmbeddingError(
        "\(what) (\(name).bin, vocab.txt) is missing from the "
          + "TicketLens_TicketLensInsights resource bundle beside the executable")
    }
    guard let data = try? Data(contentsOf: table),
      let words = try? String(contentsOf: vocabulary, encoding: .utf8)
    else { throw EmbeddingError("cannot read \(table.path)") }
    return (data, words)
  }

  /// Reads a table in the `TLSE` v1 layout (see distill_static.py) and its vocabulary.
  public init(table data: Data, vocabulary: String) throws(EmbeddingError) {
    let bytes = [UInt8](data)
    func u32(_ at: Int) -> Int {
      Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
    guard bytes.count >= 16, bytes[0..<4].elementsEqual("TLSE".utf8), u32(4) == 1 else {
      throw EmbeddingError("the static embedding table is not a TLSE v1 file")
    }
    let rows = u32(8)
    let dims = u32(12)
    guard dims > 0, bytes.count == 16 + rows * 4 + rows * dims else {
      throw EmbeddingError("the static embedding table is truncated")
    }
    tokenizer = WordPiece(vocabulary: vocabulary)
    guard tokenizer.ids.count <= rows else {
      throw EmbeddingError("the vocabulary has more tokens than the table has rows")
    }
    dimensions = dims
    let scales = (0..<rows).map { Float(bitPattern: UInt32(u32(16 + 4 * $0))) }
    known = scales.map { $0 != 0 }
    self.scales = scales
    let base = 16 + rows * 4
    quantised = bytes[base..<(base + rows * dims)].map { Int8(bitPattern: $0) }
  }

  /// The unit-length vector of a text (all zeros when no piece of it is known).
  public func vector(_ text: String) -> [Float] {
    var out = [Float](repeating: 0, count: dimensions)
    add(tokenizer.tokenIDs(text), into: &out)
    return out
  }

  /// Unit vectors of many texts, flat (`texts.count × dimensions`), computed in parallel chunks
  /// that write their rows straight into the result (each text's vector depends on that text
  /// alone, so threads never change the result, and no chunk's copy is held beside it).
  public func vectors(_ texts: [String], threads: Int = 0) -> [Float] {
    let dims = dimensions
    var all = [Float](repeating: 0, count: texts.count * dims)
    all.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      _ = Parallel.fixedChunks(texts.count, size: 4096, threads: threads) { lo, hi in
        var cache = PieceCache()
        var ids: [Int32] = []
        for i in lo..<hi {
          ids.removeAll(keepingCapacity: true)
          cache.pieces(of: texts[i], tokenizer: tokenizer, into: &ids)
          add(ids, into: UnsafeMutableBufferPointer(rebasing: out[(i * dims)..<((i + 1) * dims)]))
        }
      }
    }
    return all
  }

  /// Adds the rows of `ids` to `out` and normalises it to unit length.
  func add(_ ids: [Int32], into out: inout [Float]) {
    out.withUnsafeMutableBufferPointer { add(ids, into: $0) }
  }

  /// Adds the rows of `ids` to the `dimensions` floats at `out` (zero on entry) and normalises
  /// them to unit length.
  func add(_ ids: [Int32], into out: UnsafeMutableBufferPointer<Float>) {
    let dims = dimensions
    quantised.withUnsafeBufferPointer { rows in
      for id in ids where known[Int(id)] {
        let scale = scales[Int(id)]
        let row = UnsafeBufferPointer(rebasing: rows[(Int(id) * dims)..<((Int(id) + 1) * dims)])
        // The product rounded as the dequantised table rounded it, then added.
        for d in 0..<dims { out[d] += scale * Float(row[d]) }
      }
      Self.normalise(UnsafeMutableBufferPointer(rebasing: out[0..<dims]))
    }
  }

  /// Scales a vector to unit length (left as it is when all zero): the squares summed in order,
  /// then each value times the inverse root, so equal inputs give equal vectors everywhere.
  static func normalise(_ v: UnsafeMutableBufferPointer<Float>) {
    var norm: Float = 0
    for d in v.indices { norm += v[d] * v[d] }
    guard norm > 0 else { return }
    let inv = 1 / norm.squareRoot()
    for d in v.indices { v[d] *= inv }
  }

  /// `normalise` on row `row` of a flat array of `dims`-wide rows.
  static func normalise(_ a: inout [Float], row: Int, dims: Int) {
    a.withUnsafeMutableBufferPointer {
      normalise(UnsafeMutableBufferPointer(rebasing: $0[(row * dims)..<((row + 1) * dims)]))
    }
  }
}

/// The static embedding could not be loaded.
public struct EmbeddingError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}
