import COpenBLAS
import Foundation

/// Sentence vectors from all-MiniLM-L6-v2 (Apache-2.0; `Resources/NOTICE`) run in process: the
/// full six-layer transformer, its weights int8 with a scale per row (dequantised once at
/// load; 0.9995 mean cosine to the float32 model, `export_sentence_model.py --check`), matrix
/// products by OpenBLAS. A text is WordPiece-tokenized as BERT does (`[CLS] … [SEP]`, unknown
/// words `[UNK]`, at most 128 pieces), run through the model and mean-pooled to a unit vector of
/// 384 dimensions. Unlike the static embedding it reads words in context ("card not arrived" and
/// "card arrived, not working" differ), which is what tells apart topics that share their words.
///
/// Cost: about 3–7 ms per text of ticket length on one core, so it embeds samples (the topic
/// graph), not every ticket. Each text is computed alone (no batching), so its vector does not
/// depend on the other texts or on the thread count.
public struct SentenceModel: Sendable {
  public let tokenizer: WordPiece
  public let dimensions: Int
  let layers: Int
  let heads: Int
  let intermediate: Int
  /// Word pieces read per text, `[CLS]` and `[SEP]` included.
  let positions: Int
  /// Word embeddings stay int8 (30,522 rows; only a text's rows are dequantised).
  let wordScales: [Float]
  let wordValues: [Int8]
  let positionRows: [Float]
  let typeRow: [Float]
  let normWeight: [Float]
  let normBias: [Float]
  let blocks: [Block]

  static let classID: Int32 = 101
  static let separatorID: Int32 = 102
  static let unknownID: Int32 = 100

  struct Block: Sendable {
    /// Query, key and value weights stacked (3·hidden × hidden), and their biases.
    var qkv: [Float]
    var qkvBias: [Float]
    var output: [Float]
    var outputBias: [Float]
    var norm1Weight: [Float]
    var norm1Bias: [Float]
    var up: [Float]
    var upBias: [Float]
    var down: [Float]
    var downBias: [Float]
    var norm2Weight: [Float]
    var norm2Bias: [Float]
  }

  /// The model shipped with TicketLens, loaded once per process.
  public static func shared() throws -> SentenceModel {
    try loaded.get()
  }

  private static let loaded = Result { () throws(EmbeddingError) -> SentenceModel in
    let (model, vocabulary) = try StaticEmbedding.bundled(
      "sentence-model", what: "the sentence model")
    return try SentenceModel(model: model, vocabulary: vocabulary)
  }

  /// Reads a model in the `TLSM` v1 layout (see export_sentence_model.py) and its vocabulary.
  public init(model data: Data, vocabulary: String) throws(EmbeddingError) {
    BLAS.singleThreaded()
    var reader = TensorReader(bytes: [UInt8](data))
    guard reader.bytes.count >= 32, reader.bytes[0..<4].elementsEqual("TLSM".utf8) else {
      throw EmbeddingError("the sentence model is not a TLSM file")
    }
    reader.at = 4
    let header = (0..<7).map { _ in reader.u32() }
    guard header[0] == 1 else { throw EmbeddingError("the sentence model is not TLSM v1") }
    let vocabularySize = header[1]
    let hidden = header[2]
    layers = header[3]
    heads = header[4]
    intermediate = header[5]
    positions = header[6]
    guard hidden > 0, heads > 0, hidden % heads == 0, positions >= 3 else {
      throw EmbeddingError("the sentence model's header is not a model")
    }
    let expected =
      32 + vocabularySize * (4 + hidden) + positions * (4 + hidden) + 3 * hidden * 4
      + layers
      * (4 * (hidden * (4 + hidden) + hidden * 4) + 2 * hidden * 4
        + intermediate * (4 + hidden) + intermediate * 4 + hidden * (4 + intermediate)
        + hidden * 4 + 2 * hidden * 4)
    guard reader.bytes.count == expected else {
      throw EmbeddingError("the sentence model is truncated")
    }
    tokenizer = WordPiece(vocabulary: vocabulary)
    guard tokenizer.ids.count <= vocabularySize else {
      throw EmbeddingError("the vocabulary has more tokens than the model has rows")
    }
    dimensions = hidden
    (wordScales, wordValues) = reader.quantised(rows: vocabularySize, columns: hidden)
    positionRows = reader.matrix(rows: positions, columns: hidden)
    typeRow = reader.vector(hidden)
    normWeight = reader.vector(hidden)
    normBias = reader.vector(hidden)
    var blocks: [Block] = []
    for _ in 0..<layers {
      var qkv: [Float] = []
      var qkvBias: [Float] = []
      for _ in 0..<3 {
        qkv += reader.matrix(rows: hidden, columns: hidden)
        qkvBias += reader.vector(hidden)
      }
      let output = reader.matrix(rows: hidden, columns: hidden)
      let outputBias = reader.vector(hidden)
      let norm1Weight = reader.vector(hidden)
      let norm1Bias = reader.vector(hidden)
      let up = reader.matrix(rows: intermediate, columns: hidden)
      let upBias = reader.vector(intermediate)
      let down = reader.matrix(rows: hidden, columns: intermediate)
      let downBias = reader.vector(hidden)
      blocks.append(
        Block(
          qkv: qkv, qkvBias: qkvBias, output: output, outputBias: outputBias,
          norm1Weight: norm1Weight, norm1Bias: norm1Bias, up: up, upBias: upBias, down: down,
          downBias: downBias, norm2Weight: reader.vector(hidden), norm2Bias: reader.vector(hidden)))
    }
    self.blocks = blocks
  }

  /// The model's input ids for a text: `[CLS]`, its word pieces (unknown words `[UNK]`, at most
  /// `positions − 2`), `[SEP]`; empty when the text has no word.
  func inputIDs(_ text: String, cache: inout PieceCache) -> [Int32] {
    var pieces: [Int32] = []
    cache.pieces(of: text, tokenizer: tokenizer, into: &pieces)
    guard !pieces.isEmpty else { return [] }
    return [Self.classID] + pieces.prefix(positions - 2) + [Self.separatorID]
  }

  /// The unit-length vector of a text (all zeros when it has no word).
  public func vector(_ text: String) -> [Float] {
    vectors([text], threads: 1)
  }

  /// Unit vectors of many texts, flat (`texts.count × dimensions`), in parallel chunks.
  public func vectors(_ texts: [String], threads: Int = 0) -> [Float] {
    let dims = dimensions
    let parts = Parallel.fixedChunks(texts.count, size: 32, threads: threads) { lo, hi in
      var out = [Float](repeating: 0, count: (hi - lo) * dims)
      var cache = PieceCache(unknown: Self.unknownID)
      var scratch = Scratch()
      var batch: [(row: Int, ids: [Int32])] = []
      var pieces = 0
      func flush() {
        let v = encode(batch.map(\.ids), &scratch)
        for (b, item) in batch.enumerated() {
          for d in 0..<dims { out[(item.row - lo) * dims + d] = v[b * dims + d] }
        }
        batch.removeAll(keepingCapacity: true)
        pieces = 0
      }
      for i in lo..<hi {
        let ids = inputIDs(texts[i], cache: &cache)
        guard !ids.isEmpty else { continue }
        batch.append((i, ids))
        pieces += ids.count
        if pieces >= Self.batchPieces { flush() }
      }
      if !batch.isEmpty { flush() }
      return out
    }
    guard parts.count > 1 else { return parts.first ?? [] }
    var all: [Float] = []
    all.reserveCapacity(texts.count * dims)
    for p in parts { all.append(contentsOf: p) }
    return all
  }

  /// Texts are run together until they hold this many word pieces (one scratch buffer, one
  /// pass over the layers). Each product covers the rows of one text alone: OpenBLAS' kernels
  /// round a row differently by where it falls in their tiles (on Haswell-class kernels, by its
  /// position modulo 12 and whether it is in the product's last rows), so a text's vector is the
  /// same whatever it is run with only when its rows are multiplied by themselves (a test checks
  /// it). That costs a third more in the linear layers than one product over the batch.
  static let batchPieces = 384

  /// Working memory, grown to the largest batch met.
  struct Scratch {
    var x: [Float] = []
    var qkv: [Float] = []
    var scores: [Float] = []
    var context: [Float] = []
    var sum: [Float] = []
    var up: [Float] = []
    mutating func fit(rows: Int, _ m: SentenceModel) {
      func grow(_ a: inout [Float], _ n: Int) {
        if a.count < n { a = [Float](repeating: 0, count: n) }
      }
      grow(&x, rows * m.dimensions)
      grow(&qkv, rows * 3 * m.dimensions)
      grow(&scores, m.positions * m.positions)
      grow(&context, rows * m.dimensions)
      grow(&sum, rows * m.dimensions)
      grow(&up, rows * m.intermediate)
    }
  }

  /// The transformer over several inputs (each with `[CLS]`/`[SEP]`), their rows one after
  /// another in the scratch buffers, every product within one input. Returns each input's mean-pooled unit
  /// vector, flat.
  func encode(_ inputs: [[Int32]], _ s: inout Scratch) -> [Float] {
    let n = inputs.reduce(0) { $0 + $1.count }
    let h = dimensions
    let head = h / heads
    s.fit(rows: n, self)
    var starts: [Int] = []
    var row = 0
    for (t, ids) in inputs.enumerated() {
      starts.append(row)
      for (p, id) in ids.enumerated() {
        let scale = wordScales[Int(id)]
        for d in 0..<h {
          s.x[(row + p) * h + d] =
            scale * Float(wordValues[Int(id) * h + d]) + positionRows[p * h + d] + typeRow[d]
        }
      }
      row += ids.count
    }
    Self.layerNorm(&s.x, rows: n, width: h, weight: normWeight, bias: normBias)
    let inverseRoot = 1 / Float(head).squareRoot()
    for b in blocks {
      Self.linear(s.x, inputs, starts, width: h, b.qkv, b.qkvBias, outputs: 3 * h, into: &s.qkv)
      s.qkv.withUnsafeBufferPointer { qkv in
        s.scores.withUnsafeMutableBufferPointer { scores in
          s.context.withUnsafeMutableBufferPointer { context in
            for (t, ids) in inputs.enumerated() {
              let m = ids.count
              let first = starts[t]
              for k in 0..<heads {
                let q = qkv.baseAddress! + first * 3 * h + k * head
                // Scores of every query with every key of the input, scaled; softmax by row.
                cblas_sgemm(
                  CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(m), Int32(head),
                  inverseRoot, q, Int32(3 * h), q + h, Int32(3 * h), 0, scores.baseAddress!,
                  Int32(m))
                for r in 0..<m {
                  var top = -Float.infinity
                  for c in 0..<m { top = max(top, scores[r * m + c]) }
                  var total: Float = 0
                  for c in 0..<m {
                    let e = exp(scores[r * m + c] - top)
                    scores[r * m + c] = e
                    total += e
                  }
                  let inv = 1 / total
                  for c in 0..<m { scores[r * m + c] *= inv }
                }
                cblas_sgemm(
                  CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(head), Int32(m), 1,
                  scores.baseAddress!, Int32(m), q + 2 * h, Int32(3 * h), 0,
                  context.baseAddress! + first * h + k * head, Int32(h))
              }
            }
          }
        }
      }
      Self.linear(
        s.context, inputs, starts, width: h, b.output, b.outputBias, outputs: h, into: &s.sum)
      for i in 0..<(n * h) { s.x[i] += s.sum[i] }
      Self.layerNorm(&s.x, rows: n, width: h, weight: b.norm1Weight, bias: b.norm1Bias)
      Self.linear(
        s.x, inputs, starts, width: h, b.up, b.upBias, outputs: intermediate, into: &s.up)
      // GELU (the erf form the model was trained with).
      for i in 0..<(n * intermediate) {
        let v = s.up[i]
        s.up[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
      }
      Self.linear(
        s.up, inputs, starts, width: intermediate, b.down, b.downBias, outputs: h, into: &s.sum)
      for i in 0..<(n * h) { s.x[i] += s.sum[i] }
      Self.layerNorm(&s.x, rows: n, width: h, weight: b.norm2Weight, bias: b.norm2Bias)
    }
    var pooled = [Float](repeating: 0, count: inputs.count * h)
    for (t, ids) in inputs.enumerated() {
      for p in starts[t]..<(starts[t] + ids.count) {
        for d in 0..<h { pooled[t * h + d] += s.x[p * h + d] }
      }
      StaticEmbedding.normalise(&pooled, row: t, dims: h)
    }
    return pooled
  }

  /// `out[rows × outputs] = x[rows × width] · weightᵀ + bias` (weight stored by output row), one
  /// product per input (its rows from `starts[t]`), so that a row's rounding depends on its
  /// input alone.
  static func linear(
    _ x: [Float], _ inputs: [[Int32]], _ starts: [Int], width: Int, _ weight: [Float],
    _ bias: [Float], outputs: Int, into out: inout [Float]
  ) {
    let rows = starts.last.map { $0 + inputs[inputs.count - 1].count } ?? 0
    for r in 0..<rows { for o in 0..<outputs { out[r * outputs + o] = bias[o] } }
    x.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { out in
        for (t, ids) in inputs.enumerated() {
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(ids.count), Int32(outputs),
            Int32(width), 1, x.baseAddress! + starts[t] * width, Int32(width), weight,
            Int32(width), 1, out.baseAddress! + starts[t] * outputs, Int32(outputs))
        }
      }
    }
  }

  /// Layer normalisation of each row (ε = 1e-12, as the model).
  static func layerNorm(
    _ x: inout [Float], rows: Int, width: Int, weight: [Float], bias: [Float]
  ) {
    for r in 0..<rows {
      let base = r * width
      var mean: Float = 0
      for d in 0..<width { mean += x[base + d] }
      mean /= Float(width)
      var variance: Float = 0
      for d in 0..<width {
        let c = x[base + d] - mean
        variance += c * c
      }
      variance /= Float(width)
      let inv = 1 / (variance + 1e-12).squareRoot()
      for d in 0..<width { x[base + d] = (x[base + d] - mean) * inv * weight[d] + bias[d] }
    }
  }
}

/// Reads the little-endian tensors of a model file in order.
private struct TensorReader {
  let bytes: [UInt8]
  var at = 0

  mutating func u32() -> Int {
    defer { at += 4 }
    return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16
      | Int(bytes[at + 3]) << 24
  }

  mutating func f32() -> Float { Float(bitPattern: UInt32(u32())) }

  mutating func vector(_ n: Int) -> [Float] { (0..<n).map { _ in f32() } }

  /// A matrix's row scales and int8 values, as stored.
  mutating func quantised(rows: Int, columns: Int) -> ([Float], [Int8]) {
    let scales = vector(rows)
    let values = bytes[at..<(at + rows * columns)].map { Int8(bitPattern: $0) }
    at += rows * columns
    return (scales, values)
  }

  /// A matrix dequantised to float32, row-major.
  mutating func matrix(rows: Int, columns: Int) -> [Float] {
    let (scales, values) = quantised(rows: rows, columns: columns)
    var out = [Float](repeating: 0, count: rows * columns)
    for r in 0..<rows {
      for c in 0..<columns { out[r * columns + c] = scales[r] * Float(values[r * columns + c]) }
    }
    return out
  }
}

/// OpenBLAS as the product uses it.
enum BLAS {
  private static let once: Void = openblas_set_num_threads(1)
  /// Each product runs on the calling thread: work is spread over cores by the caller, and a
  /// product's result must not depend on how many threads OpenBLAS would use.
  static func singleThreaded() { _ = once }
}
