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
  /// Three clearly separated needs; the shared-neighbour graph's communities over the sentence
  /// vectors never mix them, split each into at most three, and are the same whatever the
  /// thread count.
  @Test func recoversSeparatedTopicsDeterministically() throws {
    let embedding = try StaticEmbedding.shared()
    let seeds = [
      ["refund", "charged", "twice", "card", "payment", "money"],
      ["password", "reset", "link", "locked", "login", "account"],
      ["webhook", "api", "slack", "endpoint", "integration", "token"],
    ]
    let filler = ["please help", "thanks a lot", "any update", "hi team", "urgent"]
    var texts: [String] = []
    var truth: [Int] = []
    // 30 different texts per need: three of its six words, in turn, and a filler phrase that
    // every need shares.
    for i in 0..<90 {
      let topic = i % 3
      let w = seeds[topic]
      let j = i / 3
      texts.append("\(w[j % 6]) \(w[(j / 6 + j + 1) % 6]) \(w[(j + 3) % 6]) \(filler[j % 5])")
      truth.append(topic)
    }
    var results: [[Int]] = []
    for threads in [1, 2, 4] {
      let v = embedding.vectors(texts, threads: threads)
      let c = TopicClustering(
        vectors: v, dimensions: embedding.dimensions, neighbours: 5, resolution: 1,
        threads: threads)
      results.append(c.assignment)
      // No cluster mixes two needs (a need may come out as a few phrasings).
      var needOf: [Int: Int] = [:]
      for (a, cluster) in c.assignment.enumerated() {
        #expect(cluster >= 0)
        if let need = needOf[cluster], need != truth[a] {
          Issue.record("cluster \(cluster) mixes needs \(need) and \(truth[a]): \(c.assignment)")
          return
        }
        needOf[cluster] = truth[a]
      }
      for need in 0..<3 { #expect(needOf.values.count { $0 == need } <= 3, "\(c.assignment)") }
      #expect(c.sizes.reduce(0, +) == 90)
    }
    #expect(results[0] == results[1] && results[1] == results[2])
  }
}

struct LouvainTests {
  /// Two cliques of five joined by one edge are two communities; a ring of such cliques is one
  /// community per clique at resolution 1, fewer at a low resolution.
  @Test func findsCliquesJoinedBySingleEdges() {
    func cliques(_ count: Int, ring: Bool) -> Louvain.Graph {
      var edges: [(Int, Int, Double)] = []
      for c in 0..<count {
        for a in 0..<5 { for b in (a + 1)..<5 { edges.append((c * 5 + a, c * 5 + b, 1)) } }
        if c + 1 < count || ring { edges.append((c * 5 + 4, ((c + 1) % count) * 5, 1)) }
      }
      return Louvain.Graph(nodes: count * 5, edges: edges)
    }
    #expect(
      Louvain.communities(cliques(2, ring: false), resolution: 1) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    let ring = Louvain.communities(cliques(12, ring: true), resolution: 1)
    #expect(ring == (0..<60).map { $0 / 5 })
    let coarse = Louvain.communities(cliques(12, ring: true), resolution: 0.05)
    #expect(Set(coarse).count < 12)
    // Members of one clique stay together however coarse.
    for c in 0..<12 { #expect(Set(coarse[(c * 5)..<(c * 5 + 5)]).count == 1) }
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

  /// Redaction masks leave the text; runs of x's inside a word, or touching a digit, stay.
  @Test func redactionMasksAreNotTheCustomersWords() {
    #expect(
      MessageCleaner.withoutMasks("On XX/XX/XXXX XXXX charged me {$XXXX} for my Xbox")
        == "On //  charged me {$} for my Xbox")
    #expect(
      MessageCleaner.withoutMasks("xx xxxx, X and x-ray [REDACTED] [Redacted].")
        == " , X and x-ray    .")
    #expect(MessageCleaner.withoutMasks("foo[redacted]bar") == "foo bar")
    #expect(MessageCleaner.withoutMasks("Café XXXX résumé") == "Café  résumé")
    // A mask before a curly apostrophe or a no-break space is a mask too.
    #expect(MessageCleaner.withoutMasks("XXXX’s loan\u{A0}XXXX") == "’s loan\u{A0}")
    // Server errors, sizes, words with x's: not masks.
    let kept = "5xx errors and 4XX ones, an XXL shirt, a box, an axe, xylophone, fix it"
    #expect(MessageCleaner.withoutMasks(kept) == kept)
    let plain = "No mask here, only a box and an axe."
    #expect(MessageCleaner.withoutMasks(plain) == plain)
    #expect(MessageCleaner.withoutMasks("") == "")
  }

  /// The byte cleaner keeps exactly what `clean` keeps, on every ASCII text: lines, quotes,
  /// signatures and greetings in all their spellings and places.
  @Test func asciiCleanerEqualsTheStringCleaner() {
    let parts = [
      "Hi there,", "hello!", "Hilarious,", "Good morning,", "Dear team, thanks for all", "",
      "   ", "\t", "My card was charged twice.", "It is still BROKEN!!", "> quoted great news",
      "  > quoted", "--", " -- ", "---", "-----Original Message-----", "On Mon, Support wrote:",
      "On the phone", "wrote:", "Thanks,", "thanks", "Thanks for the quick fix", "Cheers!",
      "Kind regards", "best regards, Sam", "Sent from my phone", "br", "Anna", "Thx a lot :)",
      "many thanks to all of you here today", "Regards", "bestseller is broken",
    ]
    var texts = TermScannerTests.texts
    var rng = SplitMix(seed: 7)
    for _ in 0..<3000 {
      let count = Int(rng.next() % 7)
      let seps = ["\n", "\r\n", "\r", "\n\n"]
      texts.append(
        (0..<count).map { _ in parts[Int(rng.next() % UInt64(parts.count))] }
          .joined(separator: seps[Int(rng.next() % 4)]))
    }
    var checked = 0
    for text in texts {
      var t = text
      guard let fast = t.withUTF8({ MessageCleaner.cleanASCII($0) }) else {
        #expect(text.utf8.contains { $0 >= 0x80 }, "\(text)")
        continue
      }
      #expect(String(decoding: fast, as: UTF8.self) == MessageCleaner.clean(text), "\(text)")
      #expect(s.score(text).score == s.rawScore(MessageCleaner.clean(text)), "\(text)")
      checked += 1
    }
    #expect(checked > 3000)
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

struct TopicGraphProductTests {
  /// Unit vectors from a fixed generator (`n × dims`).
  static func vectors(_ n: Int, _ dims: Int) -> [Float] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var v = [Float](repeating: 0, count: n * dims)
    for r in 0..<n {
      var norm: Float = 0
      for d in 0..<dims {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        v[r * dims + d] = Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        norm += v[r * dims + d] * v[r * dims + d]
      }
      for d in 0..<dims { v[r * dims + d] /= norm.squareRoot() }
    }
    return v
  }

  /// The nearest neighbours, found by matrix products over blocks of rows, are the same for
  /// every thread count and are the k most similar (checked in Double, up to float rounding);
  /// the nearest centre of each row of a product likewise.
  @Test func productsGiveTheNearestWhateverTheThreadCount() {
    let (n, dims, k) = (700, 24, 6)
    let v = Self.vectors(n, dims)
    func exact(_ a: Int, _ b: Int) -> Double {
      (0..<dims).reduce(0.0) { $0 + Double(v[a * dims + $1]) * Double(v[b * dims + $1]) }
    }
    let chosen = Array(stride(from: 0, to: n, by: 1))
    let runs = [1, 2, 3].map {
      TopicClustering.nearestNeighbours(v, dims, chosen, k: k, threads: $0)
    }
    #expect(runs[0] == runs[1] && runs[1] == runs[2])
    for a in [0, 1, 127, 128, 129, 400, 699] {
      let best = (0..<n).filter { $0 != a }.map { exact(a, $0) }.sorted(by: >)
      #expect(runs[0][a].count == k && !runs[0][a].contains(a))
      for b in runs[0][a] { #expect(exact(a, b) >= best[k - 1] - 1e-5, "row \(a): \(b)") }
    }
    // Nearest centre of 5,000 rows among 9 centres, in one product.
    let centres = Array(v[0..<(9 * dims)])
    let rows = Self.vectors(5_000, dims)
    let picked = TopicClustering.similarities(
      rows, rows: Array(0..<5_000)[...], centres: centres, dims: dims
    ) { _, s in (0..<9).max { s[$0] < s[$1] }! }
    for r in [0, 2047, 2048, 4999] {
      let sims = (0..<9).map { c in
        (0..<dims).reduce(0.0) { $0 + Double(rows[r * dims + $1]) * Double(centres[c * dims + $1]) }
      }
      #expect(sims[picked[r]] >= sims.max()! - 1e-5, "row \(r)")
    }
  }
}
