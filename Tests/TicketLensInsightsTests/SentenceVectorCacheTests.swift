import Foundation
import Testing
import TicketLensModel

@testable import TicketLensInsights
import TicketLensTestSupport

@Suite struct SentenceVectorCacheTests {
  static func path() -> String {
    Scratch.file("w.sqlite.vectors")
  }

  static let texts = [
    "my card still hasn't arrived", "how do I change my PIN", "my card still hasn't arrived",
    "caf\u{E9} card declined", "cafe\u{301} card declined", "",
  ]

  /// A second run reads every vector the first embedded, bit for bit the model's own; each
  /// distinct text is embedded once, and texts are told apart by their bytes (a precomposed and
  /// a decomposed "é" are two texts).
  @Test func aSecondRunReusesEveryVectorBitForBit() throws {
    let model = try SentenceModel.shared()
    let path = Self.path()
    var first = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    let v1 = first.vectors(Self.texts, model: model, threads: 2)
    #expect(first.computed == 5)
    #expect(first.reused == 0)
    #expect(v1 == model.vectors(Self.texts, threads: 1))
    first.save()
    var second = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    let v2 = second.vectors(Self.texts.reversed(), model: model, threads: 1)
    #expect(second.computed == 0)
    #expect(second.reused == 5)
    #expect(v2 == model.vectors(Self.texts.reversed(), threads: 1))
    // Nothing new and nothing dropped: the file is not rewritten (a rewrite is a new file).
    let before = try Self.fileNumber(path)
    second.save()
    #expect(try Self.fileNumber(path) == before)
  }

  static func fileNumber(_ path: String) throws -> Int? {
    (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?
      .intValue
  }

  /// The identity names the program, OpenBLAS and its core, and the probe texts' vectors, and is
  /// the same when computed again.
  @Test func theIdentityNamesWhatTheVectorsDependOn() throws {
    let model = try SentenceModel.shared()
    let id = SentenceVectorCache.identity(model: model)
    for part in ["sentence-vectors=2", "exe=", "openblas=", "core=", "probe="] {
      #expect(id.contains(part), "\(id)")
    }
    #expect(SentenceVectorCache.identity(model: model) == id)
  }

  /// The file keeps the texts of the last run that wrote it: a text no longer used is dropped,
  /// a new one embedded and kept.
  @Test func theFileHoldsTheLastRunsTexts() throws {
    let model = try SentenceModel.shared()
    let path = Self.path()
    var a = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    _ = a.vectors(["one text", "another text"], model: model, threads: 1)
    a.save()
    var b = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    _ = b.vectors(["another text", "a third text"], model: model, threads: 1)
    #expect((b.computed, b.reused) == (1, 1))
    b.save()
    var c = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    _ = c.vectors(["one text", "another text", "a third text"], model: model, threads: 1)
    #expect((c.computed, c.reused) == (1, 2))
    c.save()
    // A run that only drops texts rewrites the file too.
    var d = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    _ = d.vectors(["one text"], model: model, threads: 1)
    #expect((d.computed, d.reused) == (0, 1))
    d.save()
    var e = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "test")
    _ = e.vectors(["one text", "another text"], model: model, threads: 1)
    #expect((e.computed, e.reused) == (1, 1))
  }

  /// A file written for another program, model or OpenBLAS, or a damaged one, is read as empty:
  /// every vector is embedded again and comes out the same.
  @Test func anotherIdentityOrADamagedFileIsEmpty() throws {
    let model = try SentenceModel.shared()
    let path = Self.path()
    var a = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "build 1")
    let v = a.vectors(Self.texts, model: model, threads: 1)
    a.save()
    var other = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "build 2")
    #expect(other.vectors(Self.texts, model: model, threads: 1) == v)
    #expect(other.computed == 5)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    for cut in [3, 40, bytes.count / 2, bytes.count - 1] {
      try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
      var damaged = SentenceVectorCache(
        path: path, dimensions: model.dimensions, identity: "build 1")
      #expect(damaged.vectors(Self.texts, model: model, threads: 1) == v)
      #expect(damaged.computed == 5, "cut at \(cut)")
    }
    // A flipped bit inside a vector fails the checksum.
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x10
    try flipped.write(to: URL(fileURLWithPath: path))
    var bitFlip = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "build 1")
    #expect(bitFlip.vectors(Self.texts, model: model, threads: 1) == v)
    #expect(bitFlip.computed == 5)
    // A count no file of this size could hold is not believed (nor allocated for), even with a
    // checksum that matches.
    var huge = [UInt8](bytes.dropLast(8))
    let countAt = 6 + 4 + "build 1".utf8.count + 4
    for k in 0..<4 { huge[countAt + k] = 0xFF }
    var sum = FNV1a()
    for b in huge { sum.add(b) }
    withUnsafeBytes(of: sum.value.littleEndian) { huge += $0 }
    try Data(huge).write(to: URL(fileURLWithPath: path))
    var lying = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "build 1")
    #expect(lying.vectors(Self.texts, model: model, threads: 1) == v)
    #expect(lying.computed == 5)
    // Garbage after a whole file is damage too.
    try (bytes + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
    var longer = SentenceVectorCache(path: path, dimensions: model.dimensions, identity: "build 1")
    _ = longer.vectors(Self.texts, model: model, threads: 1)
    #expect(longer.computed == 5)
  }
}
