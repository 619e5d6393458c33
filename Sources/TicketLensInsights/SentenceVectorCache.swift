import COpenBLAS
import Foundation
import TicketLensModel
import TicketLensWarehouse

/// The sentence model's vectors of earlier runs, kept beside the warehouse
/// (`<warehouse>.vectors`) by the exact text they were computed from, so that a nightly run
/// embeds only the texts it has not seen (the new and changed contacts of the window's sample)
/// instead of the whole sample again (milliseconds per text).
///
/// A vector depends on its text alone (`SentenceModel` computes each text in products of its
/// own), so a reused vector is the one the model would compute, bit for bit, as long as what
/// computes it is the same. The file is written for an identity (`identity(model:)`): the
/// program, the OpenBLAS build and core, and the bits of the vectors of a few fixed probe texts
/// computed now, which change with the model's weights, its code, OpenBLAS' kernels and the
/// system's maths library alike. A file of another identity is read as empty, and so is a
/// damaged one (its body carries an FNV-1a checksum). Texts are compared by their UTF-8 bytes
/// (two canonically equal spellings are two texts, as for the tokenizer). The file holds the
/// texts used by the last run that wrote it (the nightly run's sample; an ad-hoc `gaps` over
/// another window replaces them), in the order they were first used; it is replaced whole
/// (temporary file renamed), so a reader sees the old file or the new.
struct SentenceVectorCache {
  let path: String
  let identity: String
  let dimensions: Int
  /// Vectors read from the file, by text.
  private var stored: [[UInt8]: Int] = [:]
  private var storedVectors: [Float] = []
  /// The texts used by this run, in first-use order, and their vectors.
  private var used: [[UInt8]: Int] = [:]
  private var usedTexts: [[UInt8]] = []
  private var usedVectors: [Float] = []
  /// Distinct texts this run embedded, and distinct texts it found in the file.
  private(set) var computed = 0
  private(set) var reused = 0

  static let magic = Array("TLSV2\n".utf8)

  /// Texts whose vectors stand for the model, its code and the libraries it runs on: a short
  /// query, accents and an emoji, and a text longer than the model reads.
  static let probes = [
    "my card still hasn't arrived", "caf\u{E9} cr\u{E8}me br\u{FB}l\u{E9}e \u{1F600} refund?",
    String(repeating: "the parcel was delayed again and nobody answers the phone ", count: 30),
  ]

  /// What the vectors computed now depend on besides their texts (see the type's comment).
  static func identity(model: SentenceModel) -> String {
    var probe = FNV1a()
    for v in model.vectors(probes, threads: 1) {
      withUnsafeBytes(of: v.bitPattern.littleEndian) { for b in $0 { probe.add(b) } }
    }
    var parts = ["sentence-vectors=2", Warehouse.programKey]
    if let config = openblas_get_config() { parts.append("openblas=" + String(cString: config)) }
    if let core = openblas_get_corename() { parts.append("core=" + String(cString: core)) }
    parts.append("probe=" + String(probe.value, radix: 16))
    return parts.joined(separator: " ")
  }

  /// Reads the file at `path` (best effort: missing, damaged or of another identity is empty).
  init(path: String, dimensions: Int, identity: String) {
    self.path = path
    self.identity = identity
    self.dimensions = dimensions
    guard let data = FileManager.default.contents(atPath: path), data.count >= 8 else { return }
    // The last eight bytes are the FNV-1a of all before them, which the reader stops at.
    var r = Reader(bytes: [UInt8](data), end: data.count - 8)
    var sum = FNV1a()
    for b in r.bytes[..<r.end] { sum.add(b) }
    let trailer = r.bytes.withUnsafeBytes {
      UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: r.end, as: UInt64.self))
    }
    guard trailer == sum.value, r.take(Self.magic.count) == Self.magic[...], r.string() == identity,
      let dims = r.u32(), Int(dims) == dimensions, let count = r.u32()
    else { return }
    // Each entry takes at least its length and its vector: a damaged count is not believed.
    guard Int(count) <= r.remaining / (4 + dimensions * 4) else { return }
    var index: [[UInt8]: Int] = [:]
    var vectors = [Float]()
    vectors.reserveCapacity(Int(count) * dimensions)
    for row in 0..<Int(count) {
      guard let n = r.u32(), let text = r.take(Int(n)) else { return }
      guard let block = r.take(dimensions * 4) else { return }
      block.withUnsafeBytes { b in
        for d in 0..<dimensions {
          let bits = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: d * 4, as: UInt32.self))
          vectors.append(Float(bitPattern: bits))
        }
      }
      index[Array(text)] = row
    }
    guard r.atEnd else { return }
    stored = index
    storedVectors = vectors
  }

  /// The model's vectors of `texts` (row-major, `dimensions` per text), from the file where it
  /// has them; each distinct missing text is embedded once.
  mutating func vectors(_ texts: [String], model: SentenceModel, threads: Int) -> [Float] {
    precondition(model.dimensions == dimensions)
    let dims = dimensions
    // Where each text's vector is in `usedVectors`, embedding the texts not yet known.
    var rows = [Int](repeating: 0, count: texts.count)
    var missing: [String] = []
    var missingKeys: [[UInt8]] = []
    var pending = Set<[UInt8]>()
    var waiting: [(Int, [UInt8])] = []
    for (i, text) in texts.enumerated() {
      let key = Array(text.utf8)
      if let row = used[key] {
        rows[i] = row
      } else if let row = stored[key] {
        reused += 1
        rows[i] = remember(key, storedVectors[(row * dims)..<((row + 1) * dims)])
      } else {
        if pending.insert(key).inserted {
          missing.append(text)
          missingKeys.append(key)
        }
        waiting.append((i, key))
      }
    }
    if !missing.isEmpty {
      computed += missing.count
      let v = model.vectors(missing, threads: threads)
      for (m, key) in missingKeys.enumerated() {
        _ = remember(key, v[(m * dims)..<((m + 1) * dims)])
      }
      for (i, key) in waiting { rows[i] = used[key]! }
    }
    var out = [Float](repeating: 0, count: texts.count * dims)
    for (i, row) in rows.enumerated() {
      for d in 0..<dims { out[i * dims + d] = usedVectors[row * dims + d] }
    }
    return out
  }

  private mutating func remember(_ key: [UInt8], _ vector: ArraySlice<Float>) -> Int {
    let row = usedTexts.count
    used[key] = row
    usedTexts.append(key)
    usedVectors.append(contentsOf: vector)
    return row
  }

  /// Replaces the file with this run's texts and vectors when it would change (something was
  /// embedded, or the file holds texts this run did not use). Best effort: a cache that cannot
  /// be written costs time on the next run, not a result.
  func save() {
    guard computed > 0 || stored.count != reused else { return }
    var out = Self.magic
    out.reserveCapacity(usedTexts.count * (dimensions * 4 + 200) + 256)
    func u32(_ v: UInt32) {
      withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    let id = Array(identity.utf8)
    u32(UInt32(id.count))
    out += id
    u32(UInt32(dimensions))
    u32(UInt32(usedTexts.count))
    for (row, text) in usedTexts.enumerated() {
      u32(UInt32(text.count))
      out += text
      for d in 0..<dimensions { u32(usedVectors[row * dimensions + d].bitPattern) }
    }
    var sum = FNV1a()
    for b in out { sum.add(b) }
    u32(UInt32(truncatingIfNeeded: sum.value))
    u32(UInt32(truncatingIfNeeded: sum.value >> 32))
    try? Data(out).write(to: URL(fileURLWithPath: path), options: .atomic)
  }

  /// Reads `bytes` up to `end`.
  private struct Reader {
    let bytes: [UInt8]
    let end: Int
    var at = 0
    var atEnd: Bool { at == end }
    var remaining: Int { end - at }
    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
      guard n >= 0, end - at >= n else { return nil }
      defer { at += n }
      return bytes[at..<(at + n)]
    }
    mutating func u32() -> UInt32? {
      guard let b = take(4) else { return nil }
      return b.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }
    mutating func string() -> String? {
      guard let n = u32(), let b = take(Int(n)) else { return nil }
      return String(decoding: b, as: UTF8.self)
    }
  }
}
