import Foundation

/// Where tests write their files: one folder per test process under the system's temporary
/// folder, removed when the process exits, so a test run leaves nothing behind (the suite writes
/// several GB of warehouses and reports per run). A folder left by a run that crashed is removed
/// by the next run. `TICKETLENS_KEEP_TEST_FILES=1` keeps the folder to look at after a failure.
public enum Scratch {
  static let prefix = "ticketlens-test-run-"

  static func rootPath(pid: Int32 = getpid()) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)\(pid)").path
  }

  static let root: String = {
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.path
    for name in (try? fm.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix(prefix) {
      // A folder of a process that no longer runs (kill with signal 0 only asks).
      if let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(),
        kill(pid, 0) != 0, errno == ESRCH
      {
        try? fm.removeItem(atPath: tmp + "/" + name)
      }
    }
    let path = rootPath()
    try? fm.removeItem(atPath: path)
    try! fm.createDirectory(atPath: path, withIntermediateDirectories: true)
    if ProcessInfo.processInfo.environment["TICKETLENS_KEEP_TEST_FILES"] != "1" {
      atexit { try? FileManager.default.removeItem(atPath: Scratch.rootPath()) }
    }
    return path
  }()

  /// A new empty folder whose name starts with `label`.
  public static func folder(_ label: String) -> String {
    let path = root + "/\(label)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// A path named `name` in a new empty folder (nothing is written there yet).
  public static func file(_ name: String) -> String {
    folder("f") + "/" + name
  }
}
