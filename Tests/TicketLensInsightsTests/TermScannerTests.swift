import Foundation
import Testing

@testable import TicketLensInsights

/// The keyed scanner and the vocabulary built on it against the String tokenizer they replace.
struct TermScannerTests {
  /// Real queries (BANKING77's test split, lines as they are) and hand-made edge cases.
  static let texts: [String] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../EndToEndTests/TextEval/banking77/test.csv")
    let corpus = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    let lines = corpus.split(separator: "\n").map(String.init)
    return lines
      + [
        "", "   ", "'''", "I'm RUNNING late: the buses' stopped; tries, tried, passes, wishes",
        "Größe der Straße: café crème — naïve résumé", "日本語のテキスト and English words",
        "hopping hoping fizzing fuzzed stressed bussing glasses boxes watches dishes 2fa codes",
        "ies ing ed es s is us ss x1es abcs", "ÉCOLE école Ecole", "ﬁle ﬂow", "don’t won't can't",
        "THE the The tHe a an AND", "emoji 😀 between words 😡 here",
      ]
  }()

  @Test func bytesStemAsTheStringStemmer() {
    let words = Self.texts.flatMap { Tokenizer().words($0) }
    for stem in ["", "a", "ab", "abc", "abcd", "hop", "bus", "fizz", "glass", "wish", "box", "day"]
    {
      for suffix in ["", "s", "es", "ies", "ing", "ed", "ss", "us", "is", "sh", "ches", "xes"] {
        for w in [stem + suffix, stem + stem.suffix(1) + suffix] {
          var b = Array(w.utf8)
          TermScanner.stem(&b, from: 0)
          #expect(String(decoding: b, as: UTF8.self) == Tokenizer.stem(w), "\(w)")
        }
      }
    }
    for w in words {
      var b = Array("x ".utf8) + Array(w.utf8)
      TermScanner.stem(&b, from: 2)
      #expect(String(decoding: b.dropFirst(2), as: UTF8.self) == Tokenizer.stem(w), "\(w)")
    }
  }

  @Test func termsAndSpellingsAsTheTokenizerWritesThem() {
    for tokenizer in [
      Tokenizer(), Tokenizer(maxNGram: 2), Tokenizer(maxNGram: 2, removesStopWords: false),
      Tokenizer(maxNGram: 3, removesStopWords: false, stems: false),
    ] {
      var scanner = TermScanner(tokenizer: tokenizer, collectsSurfaces: true)
      for text in Self.texts {
        let expected = tokenizer.terms(text)
        scanner.scan(text)
        let spelled = scanner.terms.indices.map { scanner.spelling(ofTerm: $0) }
        #expect(spelled == expected, "\(text)")
        #expect(scanner.terms.map(\.key) == expected.map(TermKey.of), "\(text)")
        let written = scanner.surfaces.indices.map { scanner.spelling(ofSurface: $0) }
        #expect(
          written == tokenizer.words(text).filter { !Tokenizer.stopWords.contains($0) }, "\(text)")
      }
    }
  }

  /// TF-IDF vectors recomputed with Strings and dictionaries: the same terms, frequencies,
  /// readable forms and weights, to the bit, for any thread count.
  @Test(arguments: [1, 3])
  func vectorsEqualAStringReference(threads: Int) {
    let texts = Self.texts
    let tokenizer = Tokenizer(maxNGram: 2)
    let v = TermVectors(
      texts: texts, minDF: 2, maxShare: 0.3, tokenizer: tokenizer, threads: threads)
    let docs = texts.map { tokenizer.terms($0) }
    var df: [String: Int] = [:]
    var forms: [String: [String: Int]] = [:]
    for (t, d) in zip(texts, docs) {
      for term in Set(d) { df[term, default: 0] += 1 }
      for w in tokenizer.words(t) where !Tokenizer.stopWords.contains(w) {
        forms[Tokenizer.stem(w), default: [:]][w, default: 0] += 1
      }
    }
    let maxDF = max(2, Int(Double(texts.count) * 0.3))
    let terms = df.filter { $0.value >= 2 && $0.value <= maxDF }.keys.sorted()
    #expect(v.terms == terms)
    #expect(v.documentFrequency == terms.map { df[$0]! })
    var position: [String: Int] = [:]
    for (i, t) in terms.enumerated() { position[t] = i }
    let n = Double(texts.count)
    for (k, d) in docs.enumerated() {
      var tf: [Int: Double] = [:]
      for t in d { if let i = position[t] { tf[i, default: 0] += 1 } }
      var row = tf.map { i, c in (i, (1 + log(c)) * (log((n + 1) / Double(df[terms[i]]! + 1)) + 1))
      }
      .sorted { $0.0 < $1.0 }
      let norm = row.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
      if norm > 0 { for j in row.indices { row[j].1 /= norm } }
      #expect(v.documents[k].map(\.0) == row.map(\.0))
      #expect(v.documents[k].map(\.1.bitPattern) == row.map(\.1.bitPattern))
    }
    for word in Set(terms.flatMap { $0.split(separator: " ").map(String.init) }) {
      let best = forms[word]?.max {
        $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key)
      }
      #expect(v.surface[word] == best?.key, "\(word)")
    }
  }
}
