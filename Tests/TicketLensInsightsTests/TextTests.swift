import Testing

@testable import TicketLensInsights

struct TokenizerTests {
  @Test func asciiFastPathAgreesWithTheUnicodePath() {
    let texts = [
      "Can't log in: Password reset link NOT working!!", "order #10442, parcel DE8812 (late)",
      "", "   ", "It's 3am and the app crashes", "a-b_c/d e'f 'g' Z9",
    ]
    for t in texts {
      let fast = Tokenizer.asciiWords(t)
      #expect(fast != nil)
      // Appending a non-ASCII word forces the Unicode path; its words are the same plus that one.
      #expect(Tokenizer().words(t + " é") == (fast ?? []) + ["é"], "\(t)")
    }
    #expect(Tokenizer.asciiWords("Größe") == nil)
    #expect(Tokenizer().words("GRÖSSE Straße") == ["grösse", "straße"])
  }

  @Test func termsRemoveStopWordsStemAndAddBigrams() {
    let t = Tokenizer(maxNGram: 2)
    #expect(t.terms("The invoices are missing") == ["invoice", "miss", "invoice miss"])
  }
}

struct TopicClusteringTests {
  /// Three clearly separated vocabularies; k-means (with merging) must recover them exactly,
  /// whatever the thread count.
  @Test func recoversSeparatedTopicsDeterministically() {
    let seeds = [
      ["refund", "charged", "twice", "card"], ["password", "reset", "link", "locked"],
      ["webhook", "api", "slack", "endpoint"],
    ]
    var texts: [String] = []
    var truth: [Int] = []
    for i in 0..<90 {
      let topic = i % 3
      let words = seeds[topic]
      texts.append("\(words[i % 4]) \(words[(i + 1) % 4]) \(words[(i + 2) % 4]) please help")
      truth.append(topic)
    }
    var results: [[Int]] = []
    for threads in [1, 2, 4] {
      let v = TermVectors(texts: texts, minDF: 2, maxShare: 0.5, threads: threads)
      let c = TopicClustering(vectors: v, k: 6, seed: 3, threads: threads)
      results.append(c.assignment)
      // Same topic ⇔ same cluster.
      for a in 0..<texts.count {
        for b in 0..<texts.count
        where (truth[a] == truth[b]) != (c.assignment[a] == c.assignment[b]) {
          Issue.record("documents \(a) and \(b) are clustered wrongly")
          return
        }
      }
      #expect(c.sizes.sorted() == [30, 30, 30])
    }
    #expect(results[0] == results[1] && results[1] == results[2])
  }
}

struct SentimentTests {
  let s = SentimentScorer()

  @Test(arguments: [
    ("Thank you so much, this works great!", SentimentScorer.Label.positive),
    ("This is terrible, the app crashes every time.", .negative),
    ("I need to change the billing address on my account.", .neutral),
    ("The export is not bad at all.", .positive),
    ("Not good. The reset link is broken.", .negative),
    ("Still waiting :(", .negative),
    ("Works now 👍", .positive),
  ])
  func labelsFixtureTexts(text: String, expected: SentimentScorer.Label) {
    #expect(s.score(text).label == expected, "\(text): \(s.score(text).score)")
  }

  @Test func rulesMoveTheScoreTheRightWay() {
    let base = s.score("The update is bad.").score
    #expect(s.score("The update is very bad.").score < base)  // intensifier
    #expect(s.score("The update is BAD.").score < base)  // shouting
    #expect(s.score("The update is bad!!!").score < base)  // exclamation
    #expect(s.score("The update is not bad.").score > 0)  // negation flips
    #expect(s.score("The update is slightly bad.").score > base)  // downtoner
    for text in ["", "ok", "AWFUL AWFUL AWFUL!!!!!!", String(repeating: "great ", count: 500)] {
      let v = s.score(text).score
      #expect(v >= -1 && v <= 1)
    }
  }

  @Test func greetingsSignaturesAndQuotesAreNotTheCustomersWords() {
    let mail = "Hi there,\r\nMy card was charged twice.\r\nThanks,\r\nAnna\r\n> Great news from us!"
    #expect(MessageCleaner.clean(mail) == "My card was charged twice.")
    #expect(s.score(mail).label == .negative)
    let reply = "It is still broken.\nOn Mon, 2 Mar 2026, Support wrote:\nWe fixed it, great!"
    #expect(MessageCleaner.clean(reply) == "It is still broken.")
    #expect(s.score("Good morning,\nWhere is my parcel?").label == .neutral)
  }

  @Test func scoresInInputOrderWhateverTheThreads() {
    let texts = (0..<3000).map { i in
      i % 3 == 0 ? "great \(i)" : (i % 3 == 1 ? "awful \(i)" : "\(i)")
    }
    let one = s.scoreAll(texts, threads: 1).map(\.label)
    let four = s.scoreAll(texts, threads: 4).map(\.label)
    #expect(one == four)
    #expect(one[0] == .positive && one[1] == .negative && one[2] == .neutral)
  }
}
