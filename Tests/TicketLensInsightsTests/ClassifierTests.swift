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

/// With more labelled tickets than `TrainedClassifier.maximumTraining` outside the held-out
/// share, the held-out tickets are scored while every ticket is classified: the evaluation must
/// equal the one made by scoring them beforehand with the same model.
struct HeldOutScoredWhileClassifyingTests {
  @Test func evaluationEqualsScoringTheHeldOutTicketsFirst() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../EndToEndTests/TextEval/banking77/train.csv")
    // Ten intents of BANKING77 (lines "text,label"; quoted texts left out).
    let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
      .compactMap { line -> (String, String)? in
        guard !line.contains("\""), let comma = line.lastIndex(of: ",") else { return nil }
        return (String(line[..<comma]), String(line[line.index(after: comma)...]))
      }
    let intents = Array(Set(rows.map(\.1))).sorted().prefix(10)
    let base = rows.filter { intents.contains($0.1) }
    var tickets: [ClassifierTicket] = []
    var k = 0
    while tickets.count < 27_000 {
      let (text, label) = base[k % base.count]
      // One label in eight from another intent: the held-out table is not all diagonal.
      let recorded = k % 8 == 3 ? base[(k * 31) % base.count].1 : label
      // Priorities unrelated to the text: a noisy model, so the table is not all diagonal.
      tickets.append(
        ClassifierTicket(
          rowid: Int64(k + 1), source: "s", id: String(k), text: text + " #\(k % 7)",
          fieldCategory: recorded, tags: "", priority: ["low", "normal", "high"][(k * 7919) % 3]))
      k += 1
    }
    var settings = CategorySettings()
    settings.fields = ["reason"]
    let classifier = TicketClassifier(settings: settings, threads: 2)
    let result = try classifier.classify(tickets)
    let input = try TicketClassifier.input(tickets.map(\.text), kind: .linear, threads: 2)
    let holdout = tickets.map { classifier.isHeldOut(source: $0.source, id: $0.id) }
    #expect(holdout.count { !$0 } > TrainedClassifier.maximumTraining)
    for (name, labels) in [
      ("category", tickets.map { $0.fieldCategory.map(TicketClassifier.normalized) }),
      ("priority", tickets.map { $0.priority }),
    ] {
      let first = try #require(
        TrainedClassifier.train(input: input, labels: labels, holdout: holdout, threads: 2))
      let stored = try #require(result.models.first { $0.model == name })
      let evaluation = try #require(first.evaluation)
      #expect(ClassifierEvaluation(stored) == evaluation, "\(name)")
      #expect(
        stored.holdout == holdout.count { $0 } && stored.temperature == first.model.temperature)
      #expect(evaluation.correct < evaluation.total, "\(name): a table worth comparing")
    }
  }
}

struct RecordedCategoryTests {
  /// A category read down from the tags by the warehouse (`tagCategory`) is the one the
  /// classifier would find in the tags themselves; a custom field still comes first.
  @Test func aTagReadDownByTheWarehouseIsTheSameCategory() {
    var settings = CategorySettings()
    settings.tagPrefix = "contact_reason_"
    let c = TicketClassifier(settings: settings)
    for tags in [
      "vip contact_reason_Refund", "contact_reason_ contact_reason_late-delivery", "vip", "",
    ] {
      let whole = ClassifierTicket(
        rowid: 1, source: "s", id: "1", text: "", fieldCategory: nil, tags: tags, priority: nil)
      var read = whole
      read.tags = ""
      read.tagCategory = Warehouse.firstTag(in: tags, prefix: Array("contact_reason_".utf8))
      #expect(c.recordedCategory(read) == c.recordedCategory(whole), "\(tags)")
    }
    var fielded = ClassifierTicket(
      rowid: 1, source: "s", id: "1", text: "", fieldCategory: "Billing", tags: "", priority: nil,
      tagCategory: "refund")
    #expect(c.recordedCategory(fielded) == "billing")
    fielded.fieldCategory = nil
    #expect(c.recordedCategory(fielded) == "refund")
  }

  /// The compact batch's categories and priorities (normalized once per distinct value) are
  /// each ticket's own, with and without a tag prefix, from a field, a tag category read down
  /// by the warehouse or whole tags; spellings that are equal to Swift but not byte for byte
  /// stay apart.
  @Test func theCompactBatchGivesEachTicketsOwnCategory() {
    var tickets: [ClassifierTicket] = []
    let fields: [String?] = [nil, "Billing", " ", "Password Reset", "Caf\u{E9}", "Cafe\u{301}"]
    let tagSets = ["", "vip contact_reason_Refund", "contact_reason_late-delivery", "vip"]
    let tagCategories: [String?] = [nil, "refund", "Late Delivery"]
    let priorities: [String?] = [nil, "Urgent", "low", "whatever"]
    var n = 0
    for f in fields {
      for t in tagSets {
        for tc in tagCategories {
          n += 1
          tickets.append(
            ClassifierTicket(
              rowid: Int64(n), source: "s", id: "\(n)", text: "t\(n)", fieldCategory: f,
              tags: t, priority: priorities[n % priorities.count], tagCategory: tc))
        }
      }
    }
    let batch = ClassifierTickets(tickets)
    for prefix in [nil, "contact_reason_"] as [String?] {
      var settings = CategorySettings()
      settings.fields = ["contact_reason"]
      settings.tagPrefix = prefix
      let c = TicketClassifier(settings: settings)
      #expect(c.recordedCategories(batch) == tickets.map(c.recordedCategory), "\(prefix ?? "-")")
    }
    let normalized: [String: String] = ["Urgent": "urgent", "low": "low"]
    #expect(
      TicketClassifier.recordedPriorities(batch)
        == tickets.map { $0.priority.flatMap { normalized[$0] } })
    #expect(batch.fieldCategories.values.count == fields.count - 1)
    #expect(batch.rowids == tickets.map(\.rowid) && batch.texts[5] == "t6")
  }

  /// The held-out split reads the FNV-1a hash of source, a unit separator and id (values
  /// computed apart from the product): the same tickets are held out as before the batch was
  /// compact.
  @Test func theHeldOutSplitIsTheKeysHash() {
    #expect(ClassifierTickets.keyHash(source: "helpdesk", id: "1") == 13_942_201_316_782_971_391)
    let c = TicketClassifier(settings: CategorySettings())
    let held = (1...30).filter { c.isHeldOut(source: "helpdesk", id: "\($0)") }
    #expect(held == [1, 4, 11, 17, 21, 30])
    #expect(
      held
        == (1...30).filter {
          c.isHeldOut(keyHash: ClassifierTickets.keyHash(source: "helpdesk", id: "\($0)"))
        })
  }
}
