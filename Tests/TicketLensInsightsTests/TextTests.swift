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

  /// The ASCII fast path gives the general path's word score to the bit, on texts made of
  /// lexicon words, negations, modifiers, greetings, digits and apostrophes in any case.
  @Test func asciiFastPathAgreesWithTheGeneralPath() {
    let pool =
      Array(SentimentLexicon.valence.keys.sorted().prefix(400))
      + SentimentLexicon.negations.sorted()
      + SentimentLexicon.modifiers.keys.sorted()
      + ["good", "morning", "day", "evening", "order", "12", "don't", "it's", "a", "the", "x"]
    var state: UInt64 = 7
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    let separators = [" ", " ", " ", ", ", "! ", ". ", "\n", " :) ", "-"]
    for _ in 0..<3000 {
      var text = ""
      for _ in 0..<(1 + next(14)) {
        var w = pool[next(pool.count)]
        switch next(4) {
        case 0: w = w.uppercased()
        case 1: w = w.prefix(1).uppercased() + w.dropFirst()
        default: break
        }
        text += w + separators[next(separators.count)]
      }
      var copy = text
      let fast = copy.withUTF8 { SentimentScorer.asciiWordScore($0) }
      let general = s.wordScore(SentimentScorer.words(text))
      #expect(fast?.bitPattern == general.bitPattern, "\(text)")
    }
    // Emoticons and exclamation marks: the one-pass count equals each emoticon counted alone.
    for _ in 0..<2000 {
      var text = ""
      for _ in 0..<(1 + next(12)) {
        let e = SentimentLexicon.emoticons[next(SentimentLexicon.emoticons.count)].0
        text += [e, "!", ":", " ", "word", "<", ";", e + e][next(8)]
      }
      var copy = text
      let expected = copy.withUTF8 { bytes -> Double in
        var sum = 0.0
        for (pattern, v) in SentimentScorer.emoticonBytes {
          sum += v * Double(SentimentScorer.occurrences(pattern, in: bytes))
        }
        let amplify = 0.3 * Double(min(3, bytes.count { $0 == UInt8(ascii: "!") }))
        if sum > 0 { sum += amplify } else if sum < 0 { sum -= amplify }
        return sum == 0 ? 0 : sum / (sum * sum + 15).squareRoot()
      }
      #expect(SentimentScorer.finish(0, text).bitPattern == expected.bitPattern, "\(text)")
    }
    var accented = "Très bien, merci"
    #expect(accented.withUTF8 { SentimentScorer.asciiWordScore($0) } == nil)
  }

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
