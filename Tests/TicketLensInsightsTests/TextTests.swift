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
