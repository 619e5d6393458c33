import Foundation
import Testing
import TicketLensWarehouse

@testable import TicketLensInsights

struct NaiveBayesTests {
  /// Two classes, three terms, weights small enough to work out by hand.
  @Test func matchesTheTextbookFormulas() {
    // Class 0: docs (t0: 1.0) and (t0: 0.5, t1: 0.5); class 1: doc (t2: 1.0).
    let docs: [[(Int, Double)]] = [[(0, 1.0)], [(0, 0.5), (1, 0.5)], [(2, 1.0)]]
    let alpha = 0.5
    let sums = NaiveBayes.Sums.of(
      docs, labels: [0, 0, 1], classes: 2, vocabulary: 3, threads: 1
    ) { _ in true }
    #expect(sums.weights == [1.5, 0.5, 0, 0, 0, 1.0])
    #expect(sums.documents == [2, 1])
    let nb = NaiveBayes(classes: ["a", "b"], vocabulary: 3, alpha: alpha, sums: sums)
    // θ_a = (1.5+.5, .5+.5, 0+.5) / (2 + 1.5); θ_b = (.5, .5, 1.5) / (1 + 1.5).
    let d: [(Int, Double)] = [(0, 0.6), (2, 0.8)]
    let expectedA = log(2.0 / 3) + 0.6 * log(2.0 / 3.5) + 0.8 * log(0.5 / 3.5)
    let expectedB = log(1.0 / 3) + 0.6 * log(0.5 / 2.5) + 0.8 * log(1.5 / 2.5)
    let s = nb.scores(d)
    #expect(abs(s[0] - expectedA) < 1e-12)
    #expect(abs(s[1] - expectedB) < 1e-12)
    let p = nb.probabilities(d)
    let pa = 1 / (1 + exp(expectedB - expectedA))
    #expect(abs(p[0] - pa) < 1e-12 && abs(p[0] + p[1] - 1) < 1e-12)
    #expect(nb.predict(d).label == (expectedA > expectedB ? 0 : 1))
  }

  @Test func fittedTemperatureLowersTheHeldOutLoss() {
    // Scores that are right but too flat: a temperature below 1 sharpens them.
    let scores: [[Double]] = (0..<200).map { i in i % 10 == 0 ? [0.1, 0] : [0.3, 0] }
    let labels = (0..<200).map { $0 % 10 == 0 ? 1 : 0 }
    func loss(_ t: Double) -> Double {
      zip(scores, labels).reduce(0) { acc, x in
        acc - log(NaiveBayes.softmax(x.0, temperature: t)[x.1])
      }
    }
    var nb = NaiveBayes(
      classes: ["a", "b"], vocabulary: 1, alpha: 1,
      sums: NaiveBayes.Sums(classes: 2, vocabulary: 1))
    nb.fitTemperature(scores: scores, labels: labels)
    #expect(nb.temperature < 1)
    #expect(loss(nb.temperature) < loss(1))
    #expect(loss(nb.temperature) <= loss(nb.temperature * 1.05) + 1e-9)
    #expect(loss(nb.temperature) <= loss(nb.temperature / 1.05) + 1e-9)
  }
}

struct ClassifierEvaluationTests {
  /// Accuracy and macro-F1 from a confusion table, worked out by hand.
  @Test func accuracyAndMacroF1() {
    // actual a: 8 right, 2 as b; actual b: 1 as a, 4 right; c never occurs nor is predicted.
    let e = ClassifierEvaluation(
      classes: ["a", "b", "c"], confusion: [[8, 2, 0], [1, 4, 0], [0, 0, 0]])
    #expect(e.total == 15 && e.correct == 12)
    #expect(e.accuracy == 12.0 / 15)
    let fa = 2 * (8.0 / 9) * (8.0 / 10) / (8.0 / 9 + 8.0 / 10)
    let fb = 2 * (4.0 / 6) * (4.0 / 5) / (4.0 / 6 + 4.0 / 5)
    #expect(abs(e.macroF1 - (fa + fb) / 2) < 1e-12)
    let stored = StoredClassifierModel(
      model: "m", labelled: 15, holdout: 15, predicted: 0, vocabulary: 1, alpha: 1,
      temperature: 1, confusion: [("a", "a", 8), ("a", "b", 2), ("b", "a", 1), ("b", "b", 4)])
    let rebuilt = ClassifierEvaluation(stored)
    #expect(rebuilt.classes == ["a", "b"])
    #expect(rebuilt.accuracy == e.accuracy && abs(rebuilt.macroF1 - e.macroF1) < 1e-12)
  }
}

struct TicketClassifierTests {
  static func tickets() -> [ClassifierTicket] {
    let kinds: [(String, [String])] = [
      ("billing", ["refund my card charge", "invoice charged twice", "billing refund please"]),
      ("login", ["password reset link", "cannot log in password", "account locked login"]),
      ("shipping", ["parcel delivery late", "tracking parcel lost", "courier delivery address"]),
    ]
    var out: [ClassifierTicket] = []
    for i in 0..<600 {
      let (name, texts) = kinds[i % 3]
      let urgent = i % 7 == 0
      let text = texts[(i / 3) % 3] + (urgent ? " production down urgent asap" : " thanks")
      out.append(
        ClassifierTicket(
          rowid: Int64(i + 1), source: "s", id: String(i), text: text,
          // A third of the tickets record no category.
          fieldCategory: i % 5 == 1 ? nil : (i % 10 == 0 ? nil : name),
          tags: i % 10 == 0 ? "vip cat_\(name)" : "vip",
          priority: urgent ? "urgent" : (i % 2 == 0 ? "low" : "normal")))
    }
    return out
  }

  @Test func learnsCategoriesAndPrioritiesAndFlagsUrgentText() throws {
    var settings = CategorySettings()
    settings.fields = ["reason"]
    settings.tagPrefix = "cat_"
    let input = Self.tickets()
    let r = try TicketClassifier(settings: settings, threads: 2).classify(input)
    let names = ["billing", "login", "shipping"]
    for (i, c) in r.classifications.enumerated() {
      // Recorded categories are kept (field or tag); the rest are predicted, all correctly here.
      #expect(c.category == names[i % 3])
      #expect(c.origin == (i % 5 == 1 ? "predicted" : "label"))
      if i % 5 == 1 { #expect((c.confidence ?? 0) > 0.5) } else { #expect(c.confidence == nil) }
      // Urgent wording is what marks the urgent tickets.
      #expect(((c.urgency ?? 0) >= 0.5) == (i % 7 == 0), "ticket \(i): \(c.urgency ?? -1)")
    }
    let category = r.models.first { $0.model == "category" }!
    #expect(ClassifierEvaluation(category).accuracy == 1)
    #expect(category.holdout > 60 && category.holdout < 180)
    #expect(category.predicted == input.count { Int($0.id)! % 5 == 1 })
    #expect(r.models.map(\.model) == ["category", "priority"])
  }

  @Test(arguments: ClassifierKind.allCases) func sameResultForOneAndManyThreads(
    kind: ClassifierKind
  ) throws {
    var settings = CategorySettings()
    settings.fields = ["reason"]
    let input = Self.tickets()
    settings.kind = kind
    func run(_ threads: Int) throws -> [String] {
      let r = try TicketClassifier(settings: settings, threads: threads).classify(input)
      return r.classifications.map {
        "\($0.category ?? "-") \($0.confidence ?? -1) \($0.suggestedPriority ?? "-") \($0.urgency ?? -1) \($0.urgencyTerms ?? "")"
      } + r.models.map { "\($0.temperature) \($0.confusion.map(\.tickets))" }
    }
    let one = try run(1)
    #expect(try run(2) == one)
    #expect(try run(5) == one)
  }

  @Test func heldOutShareIsStableAndNearTheSetting() {
    var s = CategorySettings()
    s.holdoutShare = 0.2
    let c = TicketClassifier(settings: s)
    let held = (0..<10_000).count { c.isHeldOut(source: "helpdesk", id: String($0)) }
    #expect(held > 1_850 && held < 2_150)
    #expect(c.isHeldOut(source: "a", id: "1") == c.isHeldOut(source: "a", id: "1"))
  }
}
