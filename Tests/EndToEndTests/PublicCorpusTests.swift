import Foundation
import Testing
import TicketLensIngest
import TicketLensInsights

/// The category classifier on customer queries our generator never wrote: BANKING77 (PolyAI,
/// CC-BY-4.0; see TextEval/README.md), its official split, restricted to 20 of its 77 intents
/// (every one whose name sorts first) so that the debug-build suite stays quick. The full
/// corpora are measured against scikit-learn by Benchmarks/text_eval/run.sh (BENCHMARKS.md).
struct PublicCorpusTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("TextEval/banking77").path

  static func rows(_ name: String) throws -> [(text: String, label: String)] {
    let file = try MappedFile(path: folder + "/" + name)
    let reader = CSVReader(file: file)
    let header = try #require(reader.header())
    #expect(header.names == ["text", "label"])
    var out: [(String, String)] = []
    _ = reader.parse(from: header.bodyOffset, line: header.bodyLine, limit: file.bytes.count) {
      r in
      out.append((reader.string(r.fields[0]), reader.string(r.fields[1])))
    }
    return out
  }

  /// Held-out accuracy of a model fitted on the train rows, scored on the test rows.
  static func accuracy(_ kind: ClassifierKind, intents: Int) throws -> Double {
    let train = try rows("train.csv")
    let test = try rows("test.csv")
    #expect(train.count == 10_003 && test.count == 3_080)
    let chosen = Set(Set(train.map(\.label)).sorted().prefix(intents))
    let a = train.filter { chosen.contains($0.label) }
    let b = test.filter { chosen.contains($0.label) }
    let texts = a.map(\.text) + b.map(\.text)
    let input = try TicketClassifier.input(texts, kind: kind)
    var settings = CategorySettings()
    settings.kind = kind
    let trained = try #require(
      TrainedClassifier.train(
        input: input, labels: a.map(\.label) + b.map { _ in nil },
        holdout: Array(repeating: false, count: texts.count), kind: kind,
        penalty: settings.penalty))
    var right = 0
    let testRows = input.features(Array(a.count..<texts.count))
    for (k, row) in b.enumerated() {
      let p = trained.model.predict(testRows, k).label
      if trained.model.classes[p] == row.label { right += 1 }
    }
    return Double(right) / Double(b.count)
  }

  @Test func linearModelBeatsNaiveBayesOnRealQueries() throws {
    let linear = try Self.accuracy(.linear, intents: 20)
    let bayes = try Self.accuracy(.naiveBayes, intents: 20)
    print("BANKING77, 20 intents: linear \(linear), naive Bayes \(bayes)")
    #expect(linear >= 0.96, "linear \(linear)")
    #expect(linear >= bayes + 0.02, "linear \(linear), naive Bayes \(bayes)")
  }
}
