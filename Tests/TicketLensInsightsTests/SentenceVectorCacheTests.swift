import Foundation
import Testing

@testable import TicketLensInsights

@Suite struct SentenceVectorCacheTests {
  static func path() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "tl-vectors-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("w.sqlite.vectors").path
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
    // Nothing new and nothing dropped: the file is not rewritten.
    let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    usleep(20_000)
    second.save()
    let after = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    #expect(before == after)
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
    // A count no file of this size could hold is not believed (nor allocated for).
    var huge = bytes
    let countAt = 6 + 4 + "build 1".utf8.count + 4
    for k in 0..<4 { huge[countAt + k] = 0xFF }
    try huge.write(to: URL(fileURLWithPath: path))
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
