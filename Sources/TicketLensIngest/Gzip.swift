import CZlib
import TicketLensModel

/// Transparent reading of gzip-compressed inputs (`.gz`, or any file starting with 1F 8B).
public enum Gzip {
  /// Decompressed inputs larger than this fail the file (a guard against decompression bombs).
  public nonisolated(unsafe) static var maxBytes = 16 << 30

  public static func isGzip(_ b: UnsafeRawBufferPointer) -> Bool {
    b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B
  }

  /// Decompresses `file` (all gzip members) into memory.
  public static func decompress(_ file: MappedFile) throws(IngestIssue) -> MappedFile {
    var stream = z_stream()
    guard ticketlens_inflate_init_gzip(&stream) == Z_OK else {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: file.path), "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var out: [UInt8] = []
    out.reserveCapacity(file.bytes.count * 4)
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    let input = UnsafeMutablePointer(
      mutating: file.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
    stream.next_in = input
    stream.avail_in = UInt32(min(file.bytes.count, Int(UInt32.max)))
    var consumed = 0
    while true {
      let rc: Int32 = chunk.withUnsafeMutableBufferPointer { buf in
        stream.next_out = buf.baseAddress
        stream.avail_out = UInt32(buf.count)
        return inflate(&stream, Z_NO_FLUSH)
      }
      let produced = chunk.count - Int(stream.avail_out)
      out.append(contentsOf: chunk[0..<produced])
      if out.count > maxBytes {
        throw IngestIssue(
          .unreadable, .file, at: InputLocation(file: file.path),
          "decompresses to more than \(maxBytes >> 30) GiB; refused")
      }
      if rc == Z_STREAM_END {
        consumed = file.bytes.count - Int(stream.avail_in)
        // Another gzip member may follow (concatenated .gz files).
        if consumed < file.bytes.count, file.bytes[consumed] == 0x1F {
          inflateReset(&stream)
          continue
        }
        break
      }
      guard rc == Z_OK || (rc == Z_BUF_ERROR && produced > 0) else {
        let msg = stream.msg.map { String(cString: $0) } ?? "truncated or corrupt data"
        throw IngestIssue(
          .unreadable, .file, at: InputLocation(file: file.path),
          "gzip data is not valid (\(msg)) after \(out.count) decompressed bytes")
      }
      if rc == Z_BUF_ERROR && stream.avail_in == 0 {
        throw IngestIssue(
          .unreadable, .file, at: InputLocation(file: file.path),
          "the gzip file is truncated after \(out.count) decompressed bytes")
      }
    }
    return MappedFile(path: file.path, contents: out)
  }
}
