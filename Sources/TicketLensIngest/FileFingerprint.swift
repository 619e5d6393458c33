import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What identifies the content of an input file between runs: size, modification time and a
/// fast 64-bit content hash (not cryptographic: it tells "same file again", nothing more).
public struct FileFingerprint: Sendable, Hashable {
  public var size: Int64
  public var mtimeNanoseconds: Int64
  public var hash: String

  public init(size: Int64, mtimeNanoseconds: Int64, hash: String) {
    self.size = size
    self.mtimeNanoseconds = mtimeNanoseconds
    self.hash = hash
  }

  /// Size and modification time from the file system; nil when the file cannot be stat'ed.
  public static func stat(_ path: String) -> (size: Int64, mtime: Int64)? {
    var st = Glibc.stat()
    guard lstatFollowing(path, &st) == 0 else { return nil }
    return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
  }

  /// A 64-bit hash of the bytes, as 16 hex digits: 1 MiB blocks hashed in parallel, then the
  /// block hashes in order (the result does not depend on the thread count). With `release`,
  /// each block's pages are dropped once hashed (see `PageRelease`).
  public static func hash(_ b: UnsafeRawBufferPointer, release: PageRelease? = nil) -> String {
    let block = 1 << 20
    let blocks = max(1, (b.count + block - 1) / block)
    let parts = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: blocks)
    defer { parts.deallocate() }
    nonisolated(unsafe) let out = parts
    nonisolated(unsafe) let b = b
    DispatchQueue.concurrentPerform(iterations: blocks) { k in
      let lo = k * block
      let hi = min(b.count, lo + block)
      out[k] = mix(UnsafeRawBufferPointer(rebasing: b[lo..<hi]), seed: UInt64(k))
      release?.release(lo, hi)
    }
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(b.count)
    for k in 0..<blocks { h = (h ^ parts[k]) &* 0x9E37_79B9_7F4A_7C15 ^ (h >> 31) }
    h ^= h >> 33
    h = h &* 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  static func mix(_ b: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    var h: UInt64 = 0x1319_8A2E_0370_7344 ^ seed
    var i = 0
    if let base = b.baseAddress {
      while i + 8 <= b.count {
        let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        i += 8
      }
    }
    while i < b.count {
      h = (h ^ UInt64(b[i])) &* 0x1000_0000_01B3
      i += 1
    }
    return h
  }
}

/// `stat(2)` (the name `stat` is shadowed inside `FileFingerprint`).
private func lstatFollowing(_ path: String, _ st: inout Glibc.stat) -> Int32 {
  stat(path, &st)
}
