import Foundation
import TicketLensModel

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
    var text = text
    // ASCII text is cleaned and scored on its bytes (`MessageCleaner.cleanASCII`).
    let s =
      text.withUTF8 { bytes in
        MessageCleaner.cleanASCII(bytes).map { cleaned in
          cleaned.withUnsafeBufferPointer { Self.finish(Self.asciiWordScore($0) ?? 0, $0) }
        }
      } ?? rawScore(MessageCleaner.clean(text))
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
  /// Whether a byte starts some emoticon.
  static let emoticonStarts: [Bool] = {
    var out = [Bool](repeating: false, count: 256)
    for (p, _) in emoticonBytes where !p.isEmpty { out[Int(p[0])] = true }
    return out
  }()

  func rawScore(_ text: String) -> Double {
    var text = text
    if let s = text.withUTF8({ Self.asciiWordScore($0) }) {
      return Self.finish(s, text)
    }
    return Self.finish(wordScore(Self.words(text)), text)
  }

  /// The words' part of the score (valences with negation, modifiers and emphasis).
  func wordScore(_ words: [(word: String, shouted: Bool)]) -> Double {
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
    return sum
  }

  /// Adds emoticons and exclamation marks to the words' part and squashes the sum into [-1, 1].
  static func finish(_ words: Double, _ text: String) -> Double {
    var text = text
    return text.withUTF8 { finish(words, $0) }
  }

  /// `finish` on the text's bytes.
  static func finish(_ words: Double, _ bytes: UnsafeBufferPointer<UInt8>) -> Double {
    var sum = words
    let bangs = { () -> Int in
      // One pass: each emoticon's non-overlapping occurrences (as `occurrences` counts them),
      // checked only where a byte can start one; added in the lexicon's order.
      var counts = [Int](repeating: 0, count: emoticonBytes.count)
      var nextAllowed = [Int](repeating: 0, count: emoticonBytes.count)
      var bangs = 0
      for i in 0..<bytes.count {
        let b = bytes[i]
        if b == UInt8(ascii: "!") { bangs += 1 }
        guard emoticonStarts[Int(b)] else { continue }
        for (p, (pattern, _)) in emoticonBytes.enumerated()
        where pattern[0] == b && i >= nextAllowed[p] && i + pattern.count <= bytes.count {
          var j = 1
          while j < pattern.count && bytes[i + j] == pattern[j] { j += 1 }
          if j == pattern.count {
            counts[p] += 1
            nextAllowed[p] = i + pattern.count
          }
        }
      }
      for (p, (_, v)) in emoticonBytes.enumerated() { sum += v * Double(counts[p]) }
      return bangs
    }()
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

/// The ASCII fast path of the words' score: the same words, rules and order of additions as
/// `wordScore(words(_:))`, without a String per word — each word is hashed (`FNV1a`) as it is
/// read and looked up in tables keyed by the hash, a hit confirmed byte for byte. Texts with a
/// byte ≥ 0x80 take the general path. (Measured on 1M generated tickets: see BENCHMARKS.md.)
extension SentimentScorer {
  struct Entry {
    var bytes: [UInt8]
    var negation = false
    var modifier: Double?
    var valence: Double?
  }

  static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var h = FNV1a()
    for b in bytes { h.add(b) }
    return h.value
  }

  /// Every lexicon word (lower-case ASCII, as `words` produces them) by its hash.
  static let entries: [UInt64: Entry] = {
    var out: [UInt64: Entry] = [:]
    func update(_ w: String, _ f: (inout Entry) -> Void) {
      let b = Array(w.utf8)
      var e = out[hash(b)] ?? Entry(bytes: b)
      precondition(e.bytes == b, "lexicon hash collision: \(w)")
      f(&e)
      out[hash(b)] = e
    }
    for w in SentimentLexicon.negations { update(w) { $0.negation = true } }
    for (w, m) in SentimentLexicon.modifiers { update(w) { $0.modifier = m } }
    for (w, v) in SentimentLexicon.valence { update(w) { $0.valence = v } }
    return out
  }()

  static let goodHash = hash("good".utf8)
  static let greetings = ["morning", "afternoon", "evening", "day"].map { Array($0.utf8) }
  static let greetingHashes = Set(greetings.map { hash($0) })

  /// nil when the text is not ASCII.
  static func asciiWordScore(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    // Pass 1: the words (hash, start and length in `lower`, shouted, has a letter).
    var lower: [UInt8] = []
    lower.reserveCapacity(bytes.count)
    var words: [(hash: UInt64, start: Int, count: Int, shouted: Bool, letter: Bool)] = []
    var h = FNV1a()
    var start = 0
    var letters = 0
    var upper = 0
    func flush() {
      if lower.count > start {
        words.append(
          (h.value, start, lower.count - start, letters >= 3 && upper == letters, letters > 0))
      }
      h = FNV1a()
      start = lower.count
      letters = 0
      upper = 0
    }
    for b in bytes {
      var c = b
      switch b {
      case 0x80...: return nil
      case UInt8(ascii: "a")...UInt8(ascii: "z"): letters += 1
      case UInt8(ascii: "A")...UInt8(ascii: "Z"):
        c = b | 0x20
        letters += 1
        upper += 1
      case UInt8(ascii: "0")...UInt8(ascii: "9"): break
      case UInt8(ascii: "'"): continue
      default:
        flush()
        continue
      }
      lower.append(c)
      h.add(c)
    }
    flush()
    // Pass 2: as `wordScore`.
    let anyLower = words.contains { !$0.shouted && $0.letter }
    func entry(_ w: (hash: UInt64, start: Int, count: Int, shouted: Bool, letter: Bool)) -> Entry? {
      guard let e = entries[w.hash], e.bytes.count == w.count,
        e.bytes.elementsEqual(lower[w.start..<(w.start + w.count)])
      else { return nil }
      return e
    }
    var sum = 0.0
    var negateLeft = 0
    var boost = 1.0
    for n in words.indices {
      let w = words[n]
      if w.hash == goodHash, lower[w.start..<(w.start + w.count)].elementsEqual("good".utf8),
        n + 1 < words.count, greetingHashes.contains(words[n + 1].hash),
        greetings.contains(
          Array(lower[words[n + 1].start..<(words[n + 1].start + words[n + 1].count)]))
      {
        continue
      }
      let e = entry(w)
      if e?.negation == true {
        negateLeft = 3
        boost = 1
        continue
      }
      if let m = e?.modifier {
        boost *= m
        continue
      }
      if var v = e?.valence {
        v *= boost
        if anyLower, w.shouted { v *= 1.5 }
        if negateLeft > 0 { v *= -0.74 }
        sum += v
      }
      boost = 1
      if negateLeft > 0 { negateLeft -= 1 }
    }
    return sum
  }
}
