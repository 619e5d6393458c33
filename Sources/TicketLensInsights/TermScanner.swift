import TicketLensModel

/// 64-bit keys of terms: a word's is the FNV-1a hash of its UTF-8 bytes, an n-gram's folds its
/// words' keys in order. A term spelled as a string ("a b" for a bigram) has the same key as the
/// one `TermScanner` computes from a text, so that a vocabulary kept as strings finds the terms
/// of texts scanned later. Two different terms sharing a key would be counted as one: with
/// 64 bits, about one chance in a million at ten million distinct terms.
enum TermKey {
  static func word(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var h = FNV1a()
    for b in bytes { h.add(b) }
    return h.value
  }

  @inline(__always) static func joined(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var x = (a &* 0x9E37_79B9_7F4A_7C15) ^ b
    x ^= x >> 31
    x = x &* 0xBF58_476D_1CE4_E5B9
    return x ^ (x >> 29)
  }

  /// The key of a term as `Tokenizer.terms` spells it (words joined by one space).
  static func of(_ term: String) -> UInt64 {
    var key: UInt64?
    for w in term.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false) {
      let k = word(w)
      key = key.map { joined($0, k) } ?? k
    }
    return key ?? word([])
  }
}

/// 64-bit keys numbered 0, 1, 2, … in the order they were first inserted (open addressing,
/// linear probing): the vocabulary's index and the per-chunk term counts.
struct KeySlots: Sendable {
  /// The keys, by slot.
  private(set) var keys: [UInt64] = []
  private var table: [Int32]
  private var mask: Int

  init(capacity: Int = 512) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    table = Array(repeating: -1, count: size)
    mask = size - 1
  }

  var count: Int { keys.count }

  @inline(__always) private static func spread(_ key: UInt64) -> Int {
    var x = key ^ (key >> 33)
    x = x &* 0xFF51_AFD7_ED55_8CCD
    return Int(truncatingIfNeeded: x ^ (x >> 33))
  }

  /// The slot of `key`, or nil.
  @inline(__always) func slot(of key: UInt64) -> Int? {
    table.withUnsafeBufferPointer { table in
      keys.withUnsafeBufferPointer { keys in
        var i = Self.spread(key) & mask
        while true {
          let s = table[i]
          if s < 0 { return nil }
          if keys[Int(s)] == key { return Int(s) }
          i = (i + 1) & mask
        }
      }
    }
  }

  /// The slot of `key`, given the next free one when it is new.
  @inline(__always) mutating func insert(_ key: UInt64) -> (slot: Int, inserted: Bool) {
    if keys.count * 2 >= table.count { grow() }
    var i = Self.spread(key) & mask
    while true {
      let s = table[i]
      if s < 0 {
        table[i] = Int32(keys.count)
        keys.append(key)
        return (keys.count - 1, true)
      }
      if keys[Int(s)] == key { return (Int(s), false) }
      i = (i + 1) & mask
    }
  }

  private mutating func grow() {
    table = Array(repeating: -1, count: table.count * 2)
    mask = table.count - 1
    for (s, key) in keys.enumerated() {
      var i = Self.spread(key) & mask
      while table[i] >= 0 { i = (i + 1) & mask }
      table[i] = Int32(s)
    }
  }
}

/// The terms of one text at a time, as `Tokenizer.terms(words:)` makes them, but as keys
/// (`TermKey`) without a String per word: ASCII text is split, lowercased and stemmed byte by
/// byte; other text takes `Tokenizer.words` and the same byte stemmer. The spelling of a term is
/// made only when asked for (the first time a vocabulary meets it). Buffers are reused from text
/// to text.
struct TermScanner {
  let tokenizer: Tokenizer
  /// Whether the non-stop words are listed as written (`surfaces`), for readable labels.
  let collectsSurfaces: Bool

  /// The stems of the text's base words (after stop-word removal), back to back.
  private(set) var stems: [UInt8] = []
  /// Base words: stem key and where its bytes are in `stems`.
  private(set) var base: [(key: UInt64, start: Int32, count: Int32)] = []
  /// The text's terms in `Tokenizer.terms` order: key, first base word, words in the term.
  private(set) var terms: [(key: UInt64, first: Int32, n: Int32)] = []
  /// Non-stop words as written (lowercased), back to back.
  private(set) var written: [UInt8] = []
  /// Non-stop words: key of the written form, where it is in `written`, its base word.
  private(set) var surfaces: [(key: UInt64, start: Int32, count: Int32, base: Int32)] = []
  /// Scratch space for the word being read.
  private var word: [UInt8] = []

  init(tokenizer: Tokenizer, collectsSurfaces: Bool = false) {
    self.tokenizer = tokenizer
    self.collectsSurfaces = collectsSurfaces
    word.reserveCapacity(32)
  }

  /// The stop words by key, each with its bytes to confirm a hit.
  private static let stopWords: (slots: KeySlots, bytes: [[UInt8]]) = {
    var slots = KeySlots()
    var bytes: [[UInt8]] = []
    for w in Tokenizer.stopWords.sorted() {
      if slots.insert(TermKey.word(w.utf8)).inserted { bytes.append(Array(w.utf8)) }
    }
    precondition(bytes.count == Tokenizer.stopWords.count, "stop-word key collision")
    return (slots, bytes)
  }()

  static func isStopWord(_ w: [UInt8], key: UInt64) -> Bool {
    guard let s = stopWords.slots.slot(of: key) else { return false }
    return stopWords.bytes[s] == w
  }

  /// Scans `text`: afterwards `terms` (and `surfaces`) describe it.
  mutating func scan(_ text: String) {
    stems.removeAll(keepingCapacity: true)
    base.removeAll(keepingCapacity: true)
    terms.removeAll(keepingCapacity: true)
    written.removeAll(keepingCapacity: true)
    surfaces.removeAll(keepingCapacity: true)
    var text = text
    // The scratch word is moved out for the scan (it keeps its capacity from text to text).
    var word = self.word
    self.word = []
    defer { self.word = word }
    let ascii = text.withUTF8 { bytes in
      Tokenizer.forEachASCIIWord(bytes, in: &word) { endWord($0) }
    }
    if !ascii {
      stems.removeAll(keepingCapacity: true)
      base.removeAll(keepingCapacity: true)
      written.removeAll(keepingCapacity: true)
      surfaces.removeAll(keepingCapacity: true)
      for w in tokenizer.words(text) { endWord(Array(w.utf8)) }
    }
    for (b, w) in base.enumerated() { terms.append((w.key, Int32(b), 1)) }
    if tokenizer.maxNGram > 1 {
      for n in 2...tokenizer.maxNGram where base.count >= n {
        for i in 0...(base.count - n) {
          var key = base[i].key
          for j in 1..<n { key = TermKey.joined(key, base[i + j].key) }
          terms.append((key, Int32(i), Int32(n)))
        }
      }
    }
  }

  /// One word (lowercased): stop-word check, stem, base word and surface form.
  private mutating func endWord(_ word: [UInt8]) {
    let key = TermKey.word(word)
    let stop = Self.isStopWord(word, key: key)
    if stop && tokenizer.removesStopWords { return }
    let start = stems.count
    stems.append(contentsOf: word)
    if tokenizer.stems { Self.stem(&stems, from: start) }
    // The stemmer only shortens: a stem as long as the word is the word.
    let stemKey = stems.count - start == word.count ? key : TermKey.word(stems[start...])
    base.append((stemKey, Int32(start), Int32(stems.count - start)))
    if collectsSurfaces && !stop {
      surfaces.append((key, Int32(written.count), Int32(word.count), Int32(base.count - 1)))
      written.append(contentsOf: word)
    }
  }

  /// `Tokenizer.stem` on the bytes of `s` from `start` (the word's stem replaces it there).
  static func stem(_ s: inout [UInt8], from start: Int) {
    let count = s.count - start
    guard count > 3 else { return }
    for i in start..<s.count where s[i] < 97 || s[i] > 122 { return }
    func ends(_ suffix: StaticString) -> Bool {
      let n = suffix.utf8CodeUnitCount
      guard count >= n else { return false }
      return suffix.withUTF8Buffer { suffix in
        for k in 0..<n where s[s.count - n + k] != suffix[k] { return false }
        return true
      }
    }
    func undouble() {
      let n = s.count
      if n - start >= 2, s[n - 1] == s[n - 2], s[n - 1] != 108, s[n - 1] != 115, s[n - 1] != 122 {
        s.removeLast()
      }
    }
    if ends("ies"), count - 3 >= 3 {
      s.removeLast(3)
      s.append(UInt8(ascii: "y"))
      return
    }
    if ends("ing"), count - 3 >= 3 {
      s.removeLast(3)
      undouble()
      return
    }
    if ends("ed"), count - 2 >= 3 {
      s.removeLast(2)
      undouble()
      return
    }
    if ends("ss") || ends("us") || ends("is") { return }
    if ends("es"), count - 2 >= 3 {
      let n = s.count - 2
      let sh = s[n - 2] == 115 && s[n - 1] == 104
      let ch = s[n - 2] == 99 && s[n - 1] == 104
      if sh || ch || s[n - 1] == 120 {
        s.removeLast(2)
        return
      }
    }
    if ends("s"), count - 1 >= 3 { s.removeLast() }
  }

  /// The spelling of term `k` of the text, as `Tokenizer.terms` writes it.
  func spelling(ofTerm k: Int) -> String {
    let t = terms[k]
    var bytes: [UInt8] = []
    for b in Int(t.first)..<Int(t.first + t.n) {
      if b > t.first { bytes.append(UInt8(ascii: " ")) }
      bytes.append(contentsOf: stems[Int(base[b].start)..<Int(base[b].start + base[b].count)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Word `k` of `surfaces` as written.
  func spelling(ofSurface k: Int) -> String {
    let w = surfaces[k]
    return String(decoding: written[Int(w.start)..<Int(w.start + w.count)], as: UTF8.self)
  }
}
