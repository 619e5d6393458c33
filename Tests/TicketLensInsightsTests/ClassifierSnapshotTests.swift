import Foundation
import Testing
import TicketLensWarehouse

@testable import TicketLensInsights

/// The trained classifier kept between runs: encoded exactly, and classifying with it what the
/// trained classifier classified.
struct ClassifierSnapshotTests {
  static func describe(_ c: [TicketClassification]) -> [String] {
    c.map {
      "\($0.rowid) \($0.category ?? "-") \($0.origin ?? "-") \($0.confidence?.bitPattern ?? 0) \($0.suggestedPriority ?? "-") \($0.urgency?.bitPattern ?? 0) \($0.urgencyTerms ?? "")"
    }
  }

  /// The tickets the models were trained on, classified again from the snapshot (after an
  /// encode/decode round trip), get exactly what training gave them: same vocabulary, same
  /// document frequencies, same weights, so the same vectors and scores to the bit.
  @Test(arguments: ClassifierKind.allCases) func reclassifiesTheTrainingTicketsToTheBit(
    kind: ClassifierKind
  ) throws {
    var settings = CategorySettings()
    settings.fields = ["reason"]
    settings.tagPrefix = "cat_"
    settings.kind = kind
    // A threshold low enough to flag many low and normal tickets, with their urgent terms.
    settings.urgentThreshold = 0.001
    let tickets = TicketClassifierTests.tickets()
    let classifier = TicketClassifier(settings: settings, threads: 2)
    let trained = try classifier.classify(tickets)
    let decoded = try #require(ClassifierSnapshot(bytes: trained.snapshot.encoded()))
    #expect(decoded.terms == trained.snapshot.terms)
    #expect(decoded.surface == trained.snapshot.surface)
    let again = try classifier.classify(tickets, using: decoded)
    #expect(Self.describe(again) == Self.describe(trained.classifications))
    // Some tickets are predicted and some flagged, so the comparison covers every column.
    #expect(
      again.contains { $0.origin == "predicted" } && again.contains { $0.urgencyTerms != nil })
    // A few of them alone, in another order, with one thread: the same rows again.
    let some = [tickets[41], tickets[7], tickets[300]]
    let alone = try TicketClassifier(settings: settings, threads: 1).classify(some, using: decoded)
    let expected = [41, 7, 300].map { Self.describe(trained.classifications)[$0] }
    #expect(Self.describe(alone) == expected)
  }

  /// The classifier keeps no ticket's vector: vectors made later from the vocabulary equal, to
  /// the bit, those the same texts get when every document's vector is kept.
  @Test func vectorsMadeFromTheVocabularyEqualTheKeptOnes() {
    let texts = TicketClassifierTests.tickets().map(\.text) + ["", "unseen words only", "refund"]
    let tokenizer = TicketClassifier.tokenizer
    let kept = TermVectors(texts: texts, minDF: 2, maxShare: 1, tokenizer: tokenizer)
    let vocabulary = TermVectors(
      texts: texts, minDF: 2, maxShare: 1, tokenizer: tokenizer, keepsDocuments: false)
    #expect(vocabulary.documents.isEmpty && vocabulary.terms == kept.terms)
    func bits(_ d: [[(Int, Double)]]) -> [[String]] {
      d.map { $0.map { "\($0.0):\($0.1.bitPattern)" } }
    }
    let order = Array(texts.indices.reversed())
    #expect(
      bits(vocabulary.vectors(of: order.map { texts[$0] }, tokenizer: tokenizer))
        == bits(order.map { kept.documents[$0] }))
  }

  @Test func aDamagedSnapshotIsRefused() throws {
    var settings = CategorySettings()
    settings.fields = ["reason"]
    let bytes = try TicketClassifier(settings: settings).classify(
      TicketClassifierTests.tickets()
    ).snapshot.encoded()
    #expect(ClassifierSnapshot(bytes: bytes) != nil)
    for cut in [0, 3, 40, bytes.count / 2, bytes.count - 1] {
      #expect(ClassifierSnapshot(bytes: Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
    }
    #expect(ClassifierSnapshot(bytes: bytes + [0]) == nil)
  }
}
