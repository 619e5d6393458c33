import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One writer at a time: an advisory lock on `<warehouse>.lock`, which also records the
/// holder's pid and start time for the message a second writer gets. The kernel releases the
/// lock when its process ends however it ends, so a lock left by a dead process is simply taken
/// over.
public final class WriterLock {
  public let path: String
  private let fd: Int32

  /// Another process holds the lock.
  public struct Busy: Error, Sendable, CustomStringConvertible {
    public var holder: String
    public var waited: Double
    public var description: String {
      "another run is writing to this warehouse (\(holder)); waited \(String(format: "%.0f", waited)) s (use --wait SECONDS to wait longer)"
    }
  }

  /// Takes the lock for `warehouse`, waiting up to `wait` seconds.
  /// - Throws: `Busy` when another process keeps it that long.
  public init(warehouse: String, wait: Double, command: String) throws {
    path = warehouse + ".lock"
    try FileManager.default.createDirectory(
      atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
      withIntermediateDirectories: true)
    fd = open(path, O_RDWR | O_CREAT, 0o600)
    guard fd >= 0 else {
      throw OutputFailure("\(path): cannot open the lock file: \(String(cString: strerror(errno)))")
    }
    let start = Date()
    while true {
      var fl = flock()
      fl.l_type = Int16(F_WRLCK)
      fl.l_whence = Int16(SEEK_SET)
      if fcntl(fd, F_SETLK, &fl) == 0 { break }
      let waited = Date().timeIntervalSince(start)
      if waited >= wait {
        let holder =
          (try? String(contentsOfFile: path, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown holder"
        close(fd)
        throw Busy(holder: holder.isEmpty ? "unknown holder" : holder, waited: waited)
      }
      usleep(100_000)
    }
    let f = ISO8601DateFormatter()
    let text = "pid \(getpid()), \(command), since \(f.string(from: Date()))\n"
    _ = ftruncate(fd, 0)
    _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
  }

  deinit {
    _ = ftruncate(fd, 0)
    close(fd)  // closing the descriptor releases the lock
  }
}

/// A failure that is not about the data (a file that cannot be created, and the like).
public struct OutputFailure: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ d: String) { description = d }
}

/// Cooperative cancellation on SIGINT and SIGTERM: the work stops between records, the open
/// transaction is rolled back, and the command exits 130 or 143.
public enum Cancellation {
  /// The signal received, 0 if none: set on a dispatch thread, read by the workers, so behind a
  /// lock (a plain variable was a data race, which ThreadSanitizer reported on SIGINT).
  nonisolated(unsafe) private static var signal: Int32 = 0
  private static let lock = NSLock()
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  /// The signal received, 0 if none.
  public static var received: Int32 {
    lock.lock()
    defer { lock.unlock() }
    return signal
  }

  /// Installs the handlers (once, from the main thread).
  public static func install() {
    for sig in [SIGINT, SIGTERM] {
      Glibc.signal(sig, SIG_IGN)
      let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      s.setEventHandler {
        lock.lock()
        Cancellation.signal = sig
        lock.unlock()
      }
      s.resume()
      sources.append(s)
    }
  }

  /// Throws when a stop was asked for.
  public static func check() throws(Cancelled) {
    let s = received
    if s != 0 { throw Cancelled(signal: s) }
  }

  /// A run stopped by a signal; `exitCode` is 128 + the signal.
  public struct Cancelled: Error, Sendable, CustomStringConvertible {
    public var signal: Int32
    public var exitCode: Int32 { 128 + signal }
    public var description: String {
      "stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM"); the open transaction was rolled back"
    }
  }
}
