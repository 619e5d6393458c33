#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An output file that could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String
  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }
  public var description: String { "\(path): \(message)" }
}

/// Writes files so that readers see the old content or the new, never a half-written file:
/// the bytes go to a temporary file in the same folder, are flushed to disk, and the temporary
/// file is renamed over the target.
public enum AtomicFile {
  public static func write(_ text: String, to path: String) throws(OutputError) {
    try write(Array(text.utf8), to: path)
  }

  public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
    let dir = parent(of: path)
    let name = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "out")
    let tmp = dir + "/." + name + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw OutputError(path: path, message: errnoText("cannot create")) }
    var ok = true
    var err = ""
    bytes.withUnsafeBytes { b in
      var off = 0
      while off < b.count {
        let w = Glibc_write(fd, b.baseAddress! + off, b.count - off)
        if w < 0 {
          if errno == EINTR { continue }
          ok = false
          err = errnoText("cannot write")
          return
        }
        off += w
      }
    }
    if ok && fsync(fd) != 0 {
      ok = false
      err = errnoText("cannot flush")
    }
    close(fd)
    guard ok else {
      unlink(tmp)
      throw OutputError(path: path, message: err)
    }
    guard rename(tmp, path) == 0 else {
      let e = errnoText("cannot rename into place")
      unlink(tmp)
      throw OutputError(path: path, message: e)
    }
  }

  /// Creates `path` and its parents (like `mkdir -p`).
  public static func makeDirectories(_ path: String) throws(OutputError) {
    var cur = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      cur += "/" + part
      if mkdir(cur, 0o755) != 0 && errno != EEXIST {
        throw OutputError(path: cur, message: errnoText("cannot create folder"))
      }
    }
  }

  static func parent(of path: String) -> String {
    guard let i = path.lastIndex(of: "/") else { return "." }
    return i == path.startIndex ? "/" : String(path[..<i])
  }

  static func errnoText(_ what: String) -> String {
    "\(what): \(String(cString: strerror(errno)))"
  }
}

@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
  write(fd, p, n)
}
