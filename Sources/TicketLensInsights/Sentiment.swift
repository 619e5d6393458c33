import Foundation

/// A lexicon-and-rules sentiment scorer for customer messages: word valences from
/// `SentimentLexicon`, negation (flips and damps the next three words), intensifiers and
/// downtoners, ALL-CAPS emphasis, exclamation marks and emoticons; the sum is squashed into
/// [-1, 1] with x / √(x² + 15). Deterministic, no model, no network.
public struct SentimentScorer: Sendable {
  public enum Label: String, Sendable, CaseIterable { case negative, neutral, positive }

  /// Bumped whenever the lexicon or the rules change: stored scores of another version are
  /// recomputed on the next run.
  public static let version = 5

  /// Scores at or beyond ±`neutralBand` are negative / positive.
  public var neutralBand = 0.05

  public init() {}

  /// The score in [-1, 1] and its label.
  /// Greetings, signatures and quoted replies are removed first (`MessageCleaner`).
  public func score(_ text: String) -> (score: Double, label: Label) {
    let s = rawScore(MessageCleaner.clean(text))
    let label: Label = s <= -neutralBand ? .negative : (s >= neutralBand ? .positive : .neutral)
    return (s, label)
  }

  /// Words lowercased without apostrophes, each with whether it was written in capitals.
  static func words(_ text: String) -> [(word: String, shouted: Bool)] {
    var text = text
    if let ascii = text.withUTF8({ bytes -> [(String, Bool)]? in
      var out: [(String, Bool)] = []
      var cur: [UInt8] = []
      var letters = 0
      var upper = 0
      func flush() {
        if !cur.isEmpty {
          out.append((String(decoding: cur, as: UTF8.self), letters >= 3 && upper == letters))
          cur.removeAll(keepingCapacity: true)
        }
        letters = 0
        upper = 0
      }
      for b in bytes {
        switch b {
        case 0x80...: return nil
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
          cur.append(b)
          letters += 1
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
          cur.append(b | 0x20)
          letters += 1
          upper += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): cur.append(b)
        case UInt8(ascii: "'"): continue
        default: flush()
        }
      }
      flush()
      return out
    }) {
      return ascii
    }
    var out: [(String, Bool)] = []
    var cur = ""
    var letters = 0
    var upper = 0
    func flush() {
      if !cur.isEmpty { out.append((cur.lowercased(), letters >= 3 && upper == letters)) }
      cur = ""
      letters = 0
      upper = 0
    }
    for c in text {
      if c == "'" || c == "\u{2019}" { continue }
      if c.isLetter || c.isNumber {
        cur.append(c)
        if c.isLetter { letters += 1 }
        if c.isUppercase { upper += 1 }
      } else {
        flush()
      }
    }
    flush()
    return out
  }

  /// Non-overlapping occurrences of `pattern` in `bytes`.
  static func occurrences(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let first = pattern.first, bytes.count >= pattern.count else { return 0 }
    var n = 0
    var i = 0
    while i <= bytes.count - pattern.count {
      if bytes[i] == first {
        var j = 1
        while j < pattern.count && bytes[i + j] == pattern[j] { j += 1 }
        if j == pattern.count {
          n += 1
          i += pattern.count
          continue
        }
      }
      i += 1
    }
    return n
  }

  static let emoticonBytes = SentimentLexicon.emoticons.map { (Array($0.0.utf8), $0.1) }

  func rawScore(_ text: String) -> Double {
    let words = Self.words(text)
    let anyLower = words.contains { !$0.shouted && $0.word.contains { $0.isLetter } }
    var sum = 0.0
    var negateLeft = 0
    var boost = 1.0
    for (n, (w, shouted)) in words.enumerated() {
      // Greetings are not sentiment ("Good morning").
      if w == "good", n + 1 < words.count,
        ["morning", "afternoon", "evening", "day"].contains(words[n + 1].word)
      {
        continue
      }
      if SentimentLexicon.negations.contains(w) {
        negateLeft = 3
        boost = 1
        continue
      }
      if let m = SentimentLexicon.modifiers[w] {
        boost *= m
        continue
      }
      if var v = SentimentLexicon.valence[w] {
        v *= boost
        // A shouted word among lower-case text counts more.
        if anyLower, shouted { v *= 1.5 }
        if negateLeft > 0 { v *= -0.74 }
        sum += v
      }
      boost = 1
      if negateLeft > 0 { negateLeft -= 1 }
    }
    var text = text
    let bangs = text.withUTF8 { bytes -> Int in
      for (pattern, v) in Self.emoticonBytes {
        sum += v * Double(Self.occurrences(pattern, in: bytes))
      }
      return bytes.count { $0 == UInt8(ascii: "!") }
    }
    // Exclamation marks amplify whatever direction the text already has (at most three).
    let amplify = 0.3 * Double(min(3, bangs))
    if sum > 0 { sum += amplify } else if sum < 0 { sum -= amplify }
    guard sum != 0 else { return 0 }
    return sum / (sum * sum + 15).squareRoot()
  }
}

extension SentimentScorer {
  /// Scores many texts in parallel chunks; the result is in input order whatever the threads.
  public func scoreAll(_ texts: [String], threads: Int = 0) -> [(score: Double, label: Label)] {
    let scorer = self
    return Parallel.chunks(texts.count, workers: Parallel.workers(threads), minimum: 512) {
      lo, hi in
      (lo..<hi).map { scorer.score(texts[$0]) }
    }.flatMap { $0 }
  }
}
