import TicketLensModel

/// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
  /// Fails with `invalid_utf8` unless the whole file is UTF-8 text (the article readers).
  static func requireText(_ file: MappedFile) throws(IngestIssue) {
    guard
      firstInvalid(
        file.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(
          bitPattern: 1)!, file.bytes.count) == nil
    else {
      throw IngestIssue(
        .invalidUTF8, .file, at: InputLocation(file: file.path), "the file is not UTF-8 text")
    }
  }

  /// The offset of the first byte that starts an invalid sequence, or nil when all is valid.
  static func firstInvalid(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    var i = 0
    while i < n {
      let c = p[i]
      if c < 0x80 {
        i += 1
        continue
      }
      var need = 0
      var min: UInt32 = 0
      var cp: UInt32 = 0
      switch c {
      case 0xC2...0xDF:
        need = 1
        cp = UInt32(c & 0x1F)
        min = 0x80
      case 0xE0...0xEF:
        need = 2
        cp = UInt32(c & 0x0F)
        min = 0x800
      case 0xF0...0xF4:
        need = 3
        cp = UInt32(c & 0x07)
        min = 0x10000
      default: return i
      }
      guard i + need < n else { return i }
      for k in 1...need {
        let cc = p[i + k]
        guard cc & 0xC0 == 0x80 else { return i }
        cp = cp << 6 | UInt32(cc & 0x3F)
      }
      if cp < min || cp > 0x10FFFF || (0xD800...0xDFFF).contains(cp) { return i }
      i += need + 1
    }
    return nil
  }
}
