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

  /// Lets scanners drop this file's pages once they are past them; nil when the bytes are not a
  /// file mapping (dropping heap pages would zero them).
  public var pageRelease: PageRelease? {
    guard let mapping else { return nil }
    return PageRelease(base: UnsafeRawPointer(mapping), count: bytes.count)
  }

  deinit {
    if let mapping { munmap(mapping, bytes.count) }
    owned?.deallocate()
  }
}

/// Drops whole pages of a read-only file mapping from the process's resident memory
/// (`madvise(MADV_DONTNEED)`). The kernel keeps them in its page cache and maps them back from
/// the file if they are touched again, so a release is never wrong, only a little slower when
/// the bytes are needed again. The scanners release behind themselves every `window` bytes:
/// that keeps memory bounded on a file with one record of a gigabyte, where the mapped pages
/// would otherwise all stay resident until the file is closed.
public struct PageRelease: @unchecked Sendable {  // a read-only mapping owned by a MappedFile
  let base: UnsafeRawPointer
  let count: Int

  /// How far a scanner gets ahead of its last release.
  public static let window = 8 << 20
  static let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

  /// Releases the whole pages inside `[from, to)` (offsets into the file).
  public func release(_ from: Int, _ to: Int) {
    let lo = (max(0, from) + Self.page - 1) / Self.page * Self.page
    let hi = min(to, count) / Self.page * Self.page
    guard hi > lo else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base + lo), hi - lo, MADV_DONTNEED)
  }
}

/// A sequential scanner's release position: `passed(offset)` releases what lies behind once it
/// is a window long.
struct ReleaseCursor {
  let release: PageRelease?
  var done: Int

  init(_ release: PageRelease?, from: Int) {
    self.release = release
    done = from
  }

  @inline(__always) mutating func passed(_ offset: Int) {
    guard let release, offset - done >= PageRelease.window else { return }
    release.release(done, offset)
    done = offset
  }

  /// Releases everything behind `offset`, however short: at the end of a chunk, whose pages
  /// would otherwise stay resident until the file is closed when the chunk is shorter than the
  /// window (XML pieces of 512 KiB, and any chunk smaller than 8 MiB). Only whole pages inside
  /// the range go, so a page shared with the next chunk stays.
  mutating func finish(_ offset: Int) {
    guard let release, offset > done else { return }
    release.release(done, offset)
    done = offset
  }

  /// The offset of the first `byte` in `[from, to)` of `base`, nil when there is none: `memchr`
  /// a window at a time, releasing the pages passed (one call for anything shorter).
  mutating func find(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
    var p = from
    while p < to {
      let span = min(to - p, PageRelease.window)
      if let hit = memchr(base + p, Int32(byte), span) { return UnsafeRawPointer(hit) - base }
      p += span
      passed(p)
    }
    return nil
  }
}
