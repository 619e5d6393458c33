import Foundation
import Testing

@testable import TicketLensInsights

@Suite struct SentenceModelTests {
  /// Texts and the first values of their vectors from the same int8 model run in numpy
  /// (`export_sentence_model.py --check`, tokenized by Hugging Face `tokenizers`): public
  /// corpus queries, accents, CJK, an unknown word, punctuation, a text past 128 pieces.
  @Test func matchesTheReferenceImplementation() throws {
    let model = try SentenceModel.shared()
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../EndToEndTests/TextEval/sentence-model-check.tsv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 45)
    let texts = lines.map { String($0.split(separator: "\t")[0]) }
    let vectors = model.vectors(texts, threads: 2)
    var worst: Float = 0
    for (i, line) in lines.enumerated() {
      let expected = line.split(separator: "\t").dropFirst().map { Float(String($0))! }
      for (d, e) in expected.enumerated() {
        worst = max(worst, abs(vectors[i * model.dimensions + d] - e))
      }
    }
    #expect(worst < 1e-4, "largest difference \(worst)")
  }

  /// A text's vector is the same alone, among others in any order (texts are run in batches),
  /// and on any number of threads: real queries of every length, short texts, no text.
  @Test func vectorsDependOnTheTextAlone() throws {
    let model = try SentenceModel.shared()
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../EndToEndTests/TextEval/banking77/test.csv")
    let queries = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
      .enumerated().filter { $0.offset % 13 == 0 }.map {
        String($0.element.split(separator: ",")[0])
      }
    let texts = queries + ["", "!!!", "ok", String(repeating: "card declined again ", count: 60)]
    let dims = model.dimensions
    let one = model.vectors(texts, threads: 1)
    #expect(model.vectors(texts, threads: 2) == one)
    let reversed = model.vectors(texts.reversed(), threads: 1)
    for i in texts.indices {
      let v = Array(one[(i * dims)..<((i + 1) * dims)])
      let j = texts.count - 1 - i
      #expect(Array(reversed[(j * dims)..<((j + 1) * dims)]) == v, "text \(i) reversed")
      #expect(model.vector(texts[i]) == v, "text \(i) alone")
    }
    // A text without words has no vector; punctuation alone is still text.
    let n = queries.count
    #expect(one[(n * dims)..<((n + 1) * dims)].allSatisfy { $0 == 0 })
    #expect(one[((n + 1) * dims)..<((n + 2) * dims)].contains { $0 != 0 })
  }

  /// Paraphrases are nearer each other than texts that share words but not the need.
  @Test func paraphrasesAreNearer() throws {
    let model = try SentenceModel.shared()
    let v = model.vectors([
      "my new card still hasn't arrived", "when will the card you sent me get here",
      "how do I change the PIN on my card", "I forgot my password and can't log in",
      "how do I reset my password", "how do I change my password to a stronger one",
    ])
    func cos(_ a: Int, _ b: Int) -> Float {
      (0..<384).reduce(0) { $0 + v[a * 384 + $1] * v[b * 384 + $1] }
    }
    #expect(cos(0, 1) > cos(0, 2))
    #expect(cos(3, 4) > cos(3, 5))
  }
}
