/// Splits support text into normalised terms: Unicode-aware lowercasing, words of letters and
/// digits, English stop words removed, a light suffix-stripping stemmer, and optional n-grams.
///
/// It is the first stage of the text insights (sentiment, categories, topics, knowledge gaps)
/// and is deterministic: the same text always gives the same terms.
public struct Tokenizer: Sendable {
  /// Largest n-gram produced (1 = single words).
  public var maxNGram: Int
  public var removesStopWords: Bool
  public var stems: Bool

  public init(maxNGram: Int = 1, removesStopWords: Bool = true, stems: Bool = true) {
    self.maxNGram = maxNGram
    self.removesStopWords = removesStopWords
    self.stems = stems
  }

  /// Lowercased words (letters and digits; apostrophes inside words are dropped).
  public func words(_ text: String) -> [String] {
    if let ascii = Self.asciiWords(text) { return ascii }
    var out: [String] = []
    var cur = String.UnicodeScalarView()
    func flush() {
      if !cur.isEmpty {
        out.append(String(cur))
        cur = String.UnicodeScalarView()
      }
    }
    for u in text.unicodeScalars {
      if u.properties.isAlphabetic || u.properties.numericType != nil {
        for l in u.properties.lowercaseMapping.unicodeScalars { cur.append(l) }
      } else if u == "'" || u == "\u{2019}" {
        continue
      } else {
        flush()
      }
    }
    flush()
    return out
  }

  /// The same words for pure-ASCII text without Unicode property lookups; nil when the text
  /// has non-ASCII bytes.
  static func asciiWords(_ text: String) -> [String]? {
    var text = text
    var out: [String] = []
    var word: [UInt8] = []
    let ascii = text.withUTF8 { bytes in
      forEachASCIIWord(bytes, in: &word) { out.append(String(decoding: $0, as: UTF8.self)) }
    }
    return ascii ? out : nil
  }

  /// Hands each word of ASCII text to `body`, lowercased, in `word` (scratch space): letters and
  /// digits, apostrophes inside words dropped, anything else a separator. False at the first
  /// byte ≥ 0x80 (the words before it have been handed on): the text needs `words(_:)`.
  static func forEachASCIIWord(
    _ bytes: UnsafeBufferPointer<UInt8>, in word: inout [UInt8], _ body: ([UInt8]) -> Void
  ) -> Bool {
    word.removeAll(keepingCapacity: true)
    for b in bytes {
      switch b {
      case 0x80...: return false
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        word.append(b)
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(b | 0x20)
      case UInt8(ascii: "'"): continue
      default:
        if !word.isEmpty {
          body(word)
          word.removeAll(keepingCapacity: true)
        }
      }
    }
    if !word.isEmpty {
      body(word)
      word.removeAll(keepingCapacity: true)
    }
    return true
  }

  /// Terms: words minus stop words, stemmed, then n-grams up to `maxNGram` joined by a space.
  public func terms(_ text: String) -> [String] { terms(words: words(text)) }

  /// Terms from words already split by `words(_:)`.
  public func terms(words: [String]) -> [String] {
    var base = words
    if removesStopWords { base.removeAll { Self.stopWords.contains($0) } }
    if stems { base = base.map(Self.stem) }
    guard maxNGram > 1 else { return base }
    var out = base
    for n in 2...maxNGram where base.count >= n {
      for i in 0...(base.count - n) { out.append(base[i..<(i + n)].joined(separator: " ")) }
    }
    return out
  }

  /// A light English stemmer: strips common inflections (`-ing`, `-ed`, `-ies`, `-es`, `-s`)
  /// when enough of the word remains. Words with digits or non-ASCII letters are left alone.
  public static func stem(_ w: String) -> String {
    guard w.utf8.count > 3, w.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return w }
    func strip(_ suffix: String, _ replacement: String = "", minStem: Int = 3) -> String? {
      guard w.hasSuffix(suffix), w.count - suffix.count >= minStem else { return nil }
      return String(w.dropLast(suffix.count)) + replacement
    }
    if let s = strip("ies", "y") { return s }
    if let s = strip("ing") { return undouble(s) }
    if let s = strip("ed") { return undouble(s) }
    if w.hasSuffix("ss") || w.hasSuffix("us") || w.hasSuffix("is") { return w }
    if let s = strip("es"), s.hasSuffix("sh") || s.hasSuffix("ch") || s.hasSuffix("x") { return s }
    if let s = strip("s") { return s }
    return w
  }

  private static func undouble(_ s: String) -> String {
    let u = Array(s.utf8)
    if u.count >= 2, u[u.count - 1] == u[u.count - 2], !"lsz".utf8.contains(u[u.count - 1]) {
      return String(s.dropLast())
    }
    return s
  }

  /// A small English stop-word list (function words only).
  public static let stopWords: Set<String> = [
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from",
    "had", "has", "have", "he", "her", "here", "hi", "hello", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please", "she", "so", "than",
    "thanks", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to",
    "too", "us", "was", "we", "were", "what", "when", "which", "while", "who", "will", "with",
    "would", "you", "your",
  ]
}
