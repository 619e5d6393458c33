import Foundation
import TicketLensModel

/// BERT's uncased WordPiece tokenizer (the one all-MiniLM-L6-v2 was trained with): text is
/// cleaned (control characters dropped, every kind of space one space), CJK ideographs stand
/// alone, letters are lowercased and stripped of accents, punctuation marks are words of their
/// own, and each word is split greedily into the longest vocabulary pieces from its start
/// (continuations spelled `##…`). A word the vocabulary cannot spell is dropped (BERT would
/// write `[UNK]`; the static embedding has no row for it).
public struct WordPiece: Sendable {
  /// Token id by spelling.
  let ids: [String: Int32]
  /// Words longer than this (in characters) are unknown, as in BERT.
  static let maxWordCharacters = 100

  /// - Parameter vocabulary: one token per line; a token's id is its line number (0-based).
  public init(vocabulary: String) {
    var ids: [String: Int32] = [:]
    var n: Int32 = 0
    for line in vocabulary.split(separator: "\n", omittingEmptySubsequences: false) {
      if !line.isEmpty, ids[String(line)] == nil { ids[String(line)] = n }
      n += 1
    }
    self.ids = ids
  }

  /// The token ids of a text, in order (no `[CLS]`/`[SEP]`).
  public func tokenIDs(_ text: String) -> [Int32] {
    var out: [Int32] = []
    var cache = PieceCache()
    cache.pieces(of: text, tokenizer: self, into: &out)
    return out
  }

  /// The pieces of one basic-tokenized word: the longest vocabulary piece from its start, then
  /// from where that one ended (`##…`); none when some part cannot be spelled.
  func pieces(_ word: String) -> [Int32] {
    var found: [Int32] = []
    let scalars = Array(word.unicodeScalars)
    guard scalars.count <= Self.maxWordCharacters else { return [] }
    var start = 0
    while start < scalars.count {
      var end = scalars.count
      var piece: Int32?
      while end > start {
        var s = start > 0 ? "##" : ""
        s.unicodeScalars.append(contentsOf: scalars[start..<end])
        if let id = ids[s] {
          piece = id
          break
        }
        end -= 1
      }
      guard let id = piece else { return [] }
      found.append(id)
      start = end
    }
    return found
  }

  /// BERT's basic tokenization: cleaned, lowercased, accents stripped, split on spaces and
  /// around punctuation and CJK ideographs.
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
    // Lowercase, then NFD so that accents become separate marks, which are dropped.
    let decomposed = text.lowercased().decomposedStringWithCanonicalMapping
    for u in decomposed.unicodeScalars {
      let v = u.value
      if v == 0 || v == 0xFFFD { continue }
      let p = u.properties
      if u == " " || u == "\t" || u == "\n" || u == "\r" || p.generalCategory == .spaceSeparator {
        flush()
      } else if p.generalCategory == .control || p.generalCategory == .format {
        continue
      } else if p.generalCategory == .nonspacingMark {
        continue
      } else if Self.isPunctuation(u) || Self.isCJK(v) {
        flush()
        out.append(String(u))
      } else {
        cur.append(u)
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

  /// Hands each basic-tokenized word of ASCII text to `body`, lowercased, in `word` (scratch
  /// space): runs of letters and digits, each punctuation mark alone; tab, newline and
  /// carriage return separate, other control bytes are dropped. False at the first byte ≥ 0x80
  /// (the words before it have been handed on): the text needs `words(_:)`.
  static func forEachASCIIWord(
    _ bytes: UnsafeBufferPointer<UInt8>, in word: inout [UInt8], _ body: ([UInt8]) -> Void
  ) -> Bool {
    word.removeAll(keepingCapacity: true)
    func flush() {
      if !word.isEmpty {
        body(word)
        word.removeAll(keepingCapacity: true)
      }
    }
    for b in bytes {
      switch b {
      case 0x80...: return false
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        word.append(b)
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(b | 0x20)
      case 33...47, 58...64, 91...96, 123...126:
        flush()
        word.append(b)
        flush()
      case 0...31, 127:
        if b == 9 || b == 10 || b == 13 { flush() }
      default: flush()
      }
    }
    flush()
    return true
  }

  /// BERT's punctuation: the ASCII non-alphanumeric symbols, and every Unicode `P*` category.
  static func isPunctuation(_ u: Unicode.Scalar) -> Bool {
    let v = u.value
    if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v)
      || (123...126).contains(v)
    {
      return true
    }
    switch u.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default: return false
    }
  }

  /// The CJK ideograph blocks BERT splits character by character.
  static func isCJK(_ v: UInt32) -> Bool {
    (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
      || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
      || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
      || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
  }
}

/// The word pieces of texts, words memoised by their bytes (keyed by FNV-1a, a hit confirmed
/// byte for byte): the same ids as `WordPiece.tokenIDs`, without a String per word for ASCII
/// text. One per worker; it grows with the distinct words it meets.
struct PieceCache {
  /// The id a word the vocabulary cannot spell becomes (BERT's `[UNK]`); nil drops the word.
  let unknown: Int32?
  private var slots = KeySlots(capacity: 4096)
  /// Each memoised word's bytes and pieces, by slot.
  private var words: [UInt8] = []
  private var entries: [(start: Int32, count: Int32, first: Int32, pieces: Int32)] = []
  private var pieces: [Int32] = []
  /// Scratch space for the word being read.
  private var word: [UInt8] = []

  init(unknown: Int32? = nil) { self.unknown = unknown }

  /// Appends the piece ids of `text` to `out`.
  mutating func pieces(of text: String, tokenizer: WordPiece, into out: inout [Int32]) {
    let start = out.count
    var text = text
    // The scratch word is moved out for the scan (it keeps its capacity from text to text).
    var word = self.word
    self.word = []
    defer { self.word = word }
    let ascii = text.withUTF8 { bytes in
      WordPiece.forEachASCIIWord(bytes, in: &word) { append($0, tokenizer, into: &out) }
    }
    guard !ascii else { return }
    out.removeSubrange(start...)
    for w in tokenizer.words(text) where !w.isEmpty { append(Array(w.utf8), tokenizer, into: &out) }
  }

  /// Appends the pieces of one (non-empty) word.
  private mutating func append(_ word: [UInt8], _ tokenizer: WordPiece, into out: inout [Int32]) {
    var h = FNV1a()
    for b in word { h.add(b) }
    if let s = slots.slot(of: h.value) {
      let e = entries[s]
      if Int(e.count) == word.count
        && words[Int(e.start)..<Int(e.start + e.count)].elementsEqual(word)
      {
        out.append(contentsOf: pieces[Int(e.first)..<Int(e.first + e.pieces)])
      } else {
        // Another word with the same key (all but never): spelled without the memo.
        out.append(contentsOf: spelled(word, tokenizer))
      }
      return
    }
    let found = spelled(word, tokenizer)
    _ = slots.insert(h.value)
    entries.append(
      (Int32(words.count), Int32(word.count), Int32(pieces.count), Int32(found.count)))
    words.append(contentsOf: word)
    pieces.append(contentsOf: found)
    out.append(contentsOf: found)
  }

  private func spelled(_ word: [UInt8], _ tokenizer: WordPiece) -> [Int32] {
    let found = tokenizer.pieces(String(decoding: word, as: UTF8.self))
    if found.isEmpty, let unknown { return [unknown] }
    return found
  }
}
