import TicketLensModel

/// Files saved as UTF-16 or UTF-32 (Excel's "Unicode text", PowerShell's `Out-File`, some
/// Windows exports) announce it with a byte-order mark. Every reader works on UTF-8, so such a
/// file is transcoded to UTF-8 in memory before its format is detected; a file whose code units
/// do not decode (an unpaired surrogate, a value past U+10FFFF, a truncated unit) fails naming
/// its encoding and the byte offset.
public enum ByteOrderMark {
  public enum Encoding: String, Sendable {
    case utf16LE = "UTF-16LE"
    case utf16BE = "UTF-16BE"
    case utf32LE = "UTF-32LE"
    case utf32BE = "UTF-32BE"

    var markLength: Int { self == .utf16LE || self == .utf16BE ? 2 : 4 }
  }

  /// The encoding the file's byte-order mark names (UTF-8's mark is not one of these: the readers
  /// skip it themselves).
  public static func encoding(_ b: UnsafeRawBufferPointer) -> Encoding? {
    func at(_ i: Int) -> UInt8? { i < b.count ? b[i] : nil }
    switch (at(0), at(1), at(2), at(3)) {
    case (0xFF, 0xFE, 0x00, 0x00): return .utf32LE
    case (0x00, 0x00, 0xFE, 0xFF): return .utf32BE
    case (0xFF, 0xFE, _, _): return .utf16LE
    case (0xFE, 0xFF, _, _): return .utf16BE
    default: return nil
    }
  }

  /// The file as UTF-8 without its mark, or the file itself when it has no UTF-16/32 mark.
  public static func transcoded(_ file: MappedFile) throws(IngestIssue) -> MappedFile {
    guard let enc = encoding(file.bytes) else { return file }
    let b = file.bytes
    let unit = enc.markLength  // the mark is one code unit
    let body = b.count - enc.markLength
    func fail(_ offset: Int, _ why: String) -> IngestIssue {
      IngestIssue(
        .unreadable, .file, at: InputLocation(file: file.path),
        "the file is \(enc.rawValue) (byte-order mark) but \(why) at byte offset \(offset); export it again or save it as UTF-8"
      )
    }
    if body % unit != 0 {
      throw fail(b.count - body % unit, "ends inside a \(unit)-byte code unit")
    }
    var out: [UInt8] = []
    out.reserveCapacity(unit == 2 ? body * 3 / 2 : body)
    let little = enc == .utf16LE || enc == .utf32LE
    if unit == 2 {
      var units: [UInt16] = []
      units.reserveCapacity(body / 2)
      var i = enc.markLength
      while i < b.count {
        let lo = UInt16(b[i]), hi = UInt16(b[i + 1])
        units.append(little ? lo | hi << 8 : hi | lo << 8)
        i += 2
      }
      var decoder = UTF16()
      var it = units.makeIterator()
      var position = 0
      while true {
        switch decoder.decode(&it) {
        case .scalarValue(let s):
          out.append(contentsOf: UTF8.encode(s)!)
          position += s.value > 0xFFFF ? 2 : 1
        case .emptyInput:
          return MappedFile(path: file.path, contents: out)
        case .error:
          throw fail(enc.markLength + 2 * position, "holds an unpaired surrogate")
        }
      }
    }
    var i = enc.markLength
    while i < b.count {
      let v =
        little
        ? UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
        : UInt32(b[i + 3]) | UInt32(b[i + 2]) << 8 | UInt32(b[i + 1]) << 16 | UInt32(b[i]) << 24
      guard let s = Unicode.Scalar(v) else {
        throw fail(i, "holds no character U+\(String(v, radix: 16, uppercase: true))")
      }
      out.append(contentsOf: UTF8.encode(s)!)
      i += 4
    }
    return MappedFile(path: file.path, contents: out)
  }
}
