import Dispatch
import Foundation
import TicketLensIngest
import TicketLensInsights

/// The category classifier on labelled text written by others (Benchmarks/text_eval/run.sh):
/// a corpus' official train and test CSVs (`text,label`), the model fitted on train exactly as
/// the pipeline fits it (TF-IDF over the pipeline's tokenizer, terms in at least 2 texts, and
/// for the linear model the static embedding), scored on test.
enum IntentBench {
  static func run(train: String, test: String, kind: ClassifierKind) throws -> String {
    let a = try rows(train)
    let b = try rows(test)
    let texts = a.map(\.text) + b.map(\.text)
    let labels: [String?] = a.map(\.label) + b.map { _ in nil }
    let start = DispatchTime.now().uptimeNanoseconds
    // Test texts take part in the vocabulary's document frequencies, as unlabelled tickets do
    // in the pipeline (no label of theirs is seen).
    let input = try TicketClassifier.input(texts, kind: kind)
    let vectorized = DispatchTime.now().uptimeNanoseconds
    var settings = CategorySettings()
    settings.kind = kind
    let trained = TrainedClassifier.train(
      input: input, labels: labels, holdout: Array(repeating: false, count: texts.count),
      kind: kind, penalty: settings.penalty)!
    let end = DispatchTime.now().uptimeNanoseconds
    var confusion = [[Int]](
      repeating: [Int](repeating: 0, count: trained.model.classes.count),
      count: trained.model.classes.count)
    var index: [String: Int] = [:]
    for (i, c) in trained.model.classes.enumerated() { index[c] = i }
    let test = input.features(Array(a.count..<texts.count), threads: 0)
    for (k, row) in b.enumerated() {
      guard let actual = index[row.label] else { continue }
      confusion[actual][trained.model.predict(test, k).label] += 1
    }
    let e = ClassifierEvaluation(classes: trained.model.classes, confusion: confusion)
    return String(
      format:
        "ticketlens-%@ train=%d test=%d vocabulary=%d features=%.3f fit=%.3f accuracy=%.4f macro_f1=%.4f",
      kind.rawValue, a.count, b.count, input.vectors.terms.count, Double(vectorized - start) / 1e9,
      Double(end - vectorized) / 1e9, e.accuracy, e.macroF1)
  }

  /// The `text,label` rows of a CSV file.
  static func rows(_ path: String) throws -> [(text: String, label: String)] {
    let file = try MappedFile(path: path)
    let reader = CSVReader(file: file)
    guard let header = reader.header(), let t = header.names.firstIndex(of: "text"),
      let l = header.names.firstIndex(of: "label")
    else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
    var out: [(String, String)] = []
    _ = reader.parse(from: header.bodyOffset, line: header.bodyLine, limit: file.bytes.count) {
      r in
      if r.fields.count > max(t, l) {
        out.append((reader.string(r.fields[t]), reader.string(r.fields[l])))
      }
    }
    return out
  }
}
