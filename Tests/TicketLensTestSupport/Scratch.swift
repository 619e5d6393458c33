import Foundation

/// Where tests write their files: one folder per test process under the system's temporary
/// folder, removed when the process exits, so a test run leaves nothing behind (the suite writes
/// several hundred MB of warehouses and reports per run).
///
/// Each process holds an exclusive `flock` on its folder's `.lock` for as long as it lives; a
/// folder whose lock can be taken belongs to a process that ended without removing it (a crash)
/// and is removed by the next test process. A live process's folder is never touched, whatever
/// its pid or pid namespace. `TICKETLENS_KEEP_TEST_FILES=1` keeps the folder (marked `.keep`, so
/// later runs leave it too) to look at after a failure.
public enum Scratch {
  static let prefix = "ticketlens-test-run-"

  static let root: String = {
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.path
    for name in (try? fm.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix(prefix) {
      let folder = tmp + "/" + name
      guard !fm.fileExists(atPath: folder + "/.keep") else { continue }
      let fd = open(folder + "/.lock", O_RDWR)
      guard fd >= 0 else { continue }  // being made, or not ours to judge
      if flock(fd, LOCK_EX | LOCK_NB) == 0 { try? fm.removeItem(atPath: folder) }
      close(fd)
    }
    // Made and locked under a name the scan skips, then renamed: no other process can find
    // the folder before its lock is held (the lock stays with the open file across the rename).
    let name = "\(prefix)\(getpid())-\(UUID().uuidString)"
    let path = tmp + "/" + name
    let making = tmp + "/." + name
    let lock: Int32
    do {
      try fm.createDirectory(atPath: making, withIntermediateDirectories: true)
      // Held until the process ends (the descriptor is never closed).
      lock = open(making + "/.lock", O_RDWR | O_CREAT, 0o600)
      guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
      try fm.moveItem(atPath: making, toPath: path)
    } catch {
      fatalError("cannot make the tests' folder \(path): \(error)")
    }
    if ProcessInfo.processInfo.environment["TICKETLENS_KEEP_TEST_FILES"] == "1" {
      fm.createFile(atPath: path + "/.keep", contents: nil)
    } else {
      atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
    }
    return path
  }()

  /// A new empty folder whose name starts with `label`.
  public static func folder(_ label: String) -> String {
    let path = root + "/\(label)-\(UUID().uuidString)"
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      fatalError("cannot make a test folder \(path): \(error)")
    }
    return path
  }

  /// A path named `name` in a new empty folder (nothing is written there yet).
  public static func file(_ name: String) -> String {
    folder("f") + "/" + name
  }
}
