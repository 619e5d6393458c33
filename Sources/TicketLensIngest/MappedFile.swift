#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import TicketLensModel

/// A whole input file mapped read-only into memory.
///
/// The readers work on raw bytes; mapping lets the kernel page the file in as the parallel
/// chunk parsers touch it, with no copy. An empty file is represented without a mapping.
public final class MappedFile: @unchecked Sendable {
  /// The name used in messages and accounting (the path as the user wrote it).
  public let path: String
  /// The bytes of the file. Valid for the lifetime of this object.
  public let bytes: UnsafeRawBufferPointer
  private let mapping: UnsafeMutableRawPointer?

  /// Maps the file at `path`, naming it `name` (default: the path) in messages.
  /// - Throws: an `IngestIssue` with code `unreadable_file` naming the OS error.
  public init(path: String, name: String? = nil) throws(IngestIssue) {
    self.path = name ?? path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: self.path),
        "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: self.path),
        "cannot stat: \(String(cString: strerror(errno)))")
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      throw IngestIssue(.unreadable, .file, at: InputLocation(file: self.path), "is a directory")
    }
    let size = Int(st.st_size)
    if size == 0 {
      mapping = nil
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: self.path),
        "cannot map: \(String(cString: strerror(errno)))")
    }
    _ = madvise(p, size, MADV_SEQUENTIAL)
    mapping = p
    bytes = UnsafeRawBufferPointer(start: p, count: size)
  }

  /// Wraps bytes already in memory (tests, stdin); they are copied.
  public init(path: String, contents: [UInt8]) {
    self.path = path
    let p = UnsafeMutableRawPointer.allocate(byteCount: max(contents.count, 1), alignment: 16)
    contents.withUnsafeBytes { src in
      if let base = src.baseAddress { p.copyMemory(from: base, byteCount: src.count) }
    }
    mapping = nil
    owned = p
    bytes = UnsafeRawBufferPointer(start: p, count: contents.count)
  }

  private var owned: UnsafeMutableRawPointer? = nil

  deinit {
    if let mapping { munmap(mapping, bytes.count) }
    owned?.deallocate()
  }
}
