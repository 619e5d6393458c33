import Foundation
import Testing

@testable import TicketLensInsights
@testable import TicketLensWarehouse

@Suite struct GenericSubjectTests {
  static func ticket(_ n: Int, _ subject: String, _ description: String) -> ContactText {
    ContactText(
      kind: .ticket, source: "helpdesk", id: "t\(n)",
      text: subject + (description.isEmpty ? "" : "\n" + description), created: 0,
      resolutionMinutes: nil, rating: nil)
  }

  static let needs = [
    ["my card payment was declined at the shop", "the terminal refused my card again"],
    ["how do I reset my password", "I forgot my password and cannot log in"],
    ["the parcel has not arrived after two weeks", "where is my delivery, it is late"],
  ]

  /// A subject many tickets share whatever they ask ("Question") is generic; one they share
  /// because they ask the same thing ("Refund request") is not, nor is one fewer than ten
  /// tickets share. A generic subject's ticket is read by its description, or by its subject
  /// when it has no description; a generic subject is no suggested title.
  @Test func aSubjectSharedWhateverTheNeedIsGeneric() throws {
    var contacts: [ContactText] = []
    for i in 0..<30 {
      let need = Self.needs[i % 3][i / 3 % 2]
      contacts.append(Self.ticket(i, i % 2 == 0 ? "Question" : "  question ", need))
    }
    let refunds = [
      "I want my money back for the broken kettle", "please refund the order I returned",
      "the refund for my return has not reached my account",
    ]
    for i in 0..<30 { contacts.append(Self.ticket(100 + i, "Refund request", refunds[i % 3])) }
    for i in 0..<9 { contacts.append(Self.ticket(200 + i, "Help", Self.needs[i % 3][0])) }
    contacts.append(Self.ticket(300, "Question", ""))
    let parts = contacts.map(KnowledgeGapFinder.ticketParts)
    let generic = KnowledgeGapFinder.genericSubjects(
      parts, embedding: try StaticEmbedding.shared(), threads: 2)
    #expect(generic == ["question"])
    #expect(
      KnowledgeGapFinder.topicText(contacts[0], parts[0], generic: generic)
        == Self.needs[0][0])
    #expect(
      KnowledgeGapFinder.topicText(contacts[30], parts[30], generic: generic)
        == "Refund request\n" + refunds[0])
    #expect(
      KnowledgeGapFinder.topicText(contacts.last!, parts.last!, generic: generic) == "Question\n")
    #expect(KnowledgeGapFinder.suggestedTitle(Array(contacts[0..<30]), generic: generic) == "")
    #expect(
      KnowledgeGapFinder.suggestedTitle(Array(contacts[0..<40]), generic: generic)
        == "Refund request")
  }

  /// The window's background: the mean cosine of two different rows (zero rows left out) and
  /// the rows' mean, checked against the pairs counted one by one.
  @Test func theBackgroundIsTheMeanCosineOfTwoContacts() {
    let rows: [[Float]] = [[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0, 0], [0, 0.6, 0.8]]
    var pairs: [Double] = []
    let kept = rows.filter { $0 != [0, 0, 0] }
    for i in kept.indices {
      for j in kept.indices where j != i {
        pairs.append(Double(zip(kept[i], kept[j]).reduce(0) { $0 + $1.0 * $1.1 }))
      }
    }
    let (c, mean) = KnowledgeGapFinder.background(rows.flatMap { $0 }, dims: 3)
    #expect(abs(c - pairs.reduce(0, +) / Double(pairs.count)) < 1e-6)
    #expect(zip(mean, [0.4, 0.6, 0.2]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(mean)")
    #expect(KnowledgeGapFinder.background([1, 0, 1, 0], dims: 2).0 == 1)
    #expect(KnowledgeGapFinder.background([1, 0], dims: 2).0 == 0)
    // Opposite texts: a mean cosine of −1, read as 0 (the scale starts at 0).
    #expect(KnowledgeGapFinder.background([1, 0, -1, 0], dims: 2).0 == 0)
    #expect(KnowledgeGapFinder.background([], dims: 0).0 == 0)
  }

  /// The settings on a window's scale: x ↦ zero + x (1 − zero) for the similarities, x ↦
  /// x (1 − zero) for the margin; the centres' settings on the contacts' zero, the article's on
  /// the contact–article zero.
  @Test func theSettingsOnTheWindowsScale() {
    var settings = GapSettings()
    settings.matchThreshold = 0.2
    settings.coverMargin = 0.05
    settings.fragmentSimilarity = 0.8
    settings.gapMergeSimilarity = 0.5
    let s = GapScale(contacts: 0.5, articles: 0.25, settings: settings)
    #expect(s.contacts == 0.5 && s.articles == 0.25)
    #expect(abs(s.matchFloor - 0.4) < 1e-12)
    #expect(abs(s.coverMargin - 0.0375) < 1e-12)
    #expect(abs(s.fragmentSimilarity - 0.9) < 1e-12)
    #expect(abs(s.gapMergeSimilarity - 0.75) < 1e-12)
    // With zeros of 0 the settings are plain cosines.
    let plain = GapScale(contacts: 0, articles: 0, settings: settings)
    #expect(plain.matchFloor == 0.2 && plain.coverMargin == 0.05)
    #expect(plain.fragmentSimilarity == 0.8 && plain.gapMergeSimilarity == 0.5)
  }
}
