import Dispatch
import Foundation
import TicketLensInsights
import TicketLensReports
import TicketLensSample

/// The category classifier (the pipeline's default, linear model) against scikit-learn
/// (Benchmarks/classifier.sh): generated tickets
/// whose recorded contact reason (missing for a quarter, wrong for 3 %) is the label, split by
/// the same key hash the pipeline uses. Writes the data set for the peer, then trains, times and
/// scores our side: accuracy and macro-F1 on the held-out labelled tickets, and accuracy against
/// the true topic on them.
enum ClassifierBench {
  static func run(dir: String, tickets n: Int) throws -> String {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let generator = SampleGenerator(options: SampleOptions(tickets: n, seed: 21))
    let classifier = TicketClassifier(settings: CategorySettings())
    let examples = (0..<n).map { generator.classifierExample(ofTicket: $0) }
    let ids = (0..<n).map { String(100_000 + $0) }
    let holdout = ids.map { classifier.isHeldOut(source: "helpdesk", id: $0) }
    // The peer's input: id, split, label (empty when none), topic, text.
    var csv = "id,split,label,topic,priority,text\n"
    csv.reserveCapacity(n * 200)
    for i in 0..<n {
      let e = examples[i]
      csv +=
        ids[i] + (holdout[i] ? ",test," : ",train,") + (e.recordedReason ?? "") + ","
        + e.topic + "," + (e.priority ?? "") + "," + CSVWriter().field(e.text, guardFormula: false)
        + "\n"
    }
    try csv.write(toFile: dir + "/classifier.csv", atomically: true, encoding: .utf8)

    let texts = examples.map(\.text)
    let labels = examples.map(\.recordedReason)
    let settings = CategorySettings()
    let start = DispatchTime.now().uptimeNanoseconds
    let input = try TicketClassifier.input(texts, kind: settings.kind)
    let vectorized = DispatchTime.now().uptimeNanoseconds
    let trained = TrainedClassifier.train(
      input: input, labels: labels, holdout: holdout, penalty: settings.penalty)!
    let end = DispatchTime.now().uptimeNanoseconds
    let e = trained.evaluation!
    // Accuracy against the true topic, on the same held-out labelled tickets (the evaluation
    // model was fitted without them).
    var truthRight = 0
    var truthTotal = 0
    let partial = TrainedClassifier.train(
      input: input, labels: zip(labels, holdout).map { $1 ? nil : $0 },
      holdout: Array(repeating: false, count: n), penalty: settings.penalty)!
    let scored = (0..<n).filter { holdout[$0] && labels[$0] != nil }
    let scoredFeatures = input.features(scored, threads: 0)
    for (k, i) in scored.enumerated() {
      truthTotal += 1
      let p = partial.model.predict(scoredFeatures, k).label
      if partial.model.classes[p] == examples[i].topic { truthRight += 1 }
    }
    // The harder task: the priority from the text (only urgent wording carries signal).
    let priority = TrainedClassifier.train(
      input: input, labels: examples.map(\.priority), holdout: holdout,
      penalty: settings.penalty)!.evaluation!
    return String(
      format:
        "ticketlens tickets=%d train=%d test=%d vocabulary=%d vectorize=%.3f fit=%.3f seconds=%.3f accuracy=%.4f macro_f1=%.4f truth_accuracy=%.4f priority_accuracy=%.4f priority_macro_f1=%.4f",
      n, trained.labelled - e.total, e.total, input.vectors.terms.count,
      Double(vectorized - start) / 1e9, Double(end - vectorized) / 1e9,
      Double(end - start) / 1e9, e.accuracy, e.macroF1,
      Double(truthRight) / Double(max(1, truthTotal)), priority.accuracy, priority.macroF1)
  }
}
