import ArgumentParser
import Foundation

/// A one-line progress bar on stderr for a terminal: file (or normalize step), percent,
/// records, rate and ETA.
final class ProgressBar: @unchecked Sendable {
  private var start = Date()
  private var last = Date.distantPast
  private var file = ""
  private let lock = NSLock()

  /// A normalize step's rows done of all (called from worker threads too).
  func step(_ name: String, _ done: Int, _ total: Int) {
    draw(name, done, total) { _ in String(format: "%d of %d", done, total) }
  }

  /// A file's records so far and bytes parsed of all.
  func update(_ name: String, _ records: Int, _ done: Int, _ total: Int) {
    draw(name, done, total) { elapsed in
      String(
        format: "%d records, %.0f/s, %.1f MB", records, Double(records) / elapsed,
        Double(done) / 1e6)
    }
  }

  /// Redraws the line (at most ten times a second, and when complete): name, bar, percent,
  /// `detail(elapsed seconds)` and ETA.
  private func draw(_ name: String, _ done: Int, _ total: Int, _ detail: (Double) -> String) {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    if name != file {
      file = name
      last = .distantPast
      start = now
    }
    guard now.timeIntervalSince(last) > 0.1 || done >= total else { return }
    last = now
    let elapsed = max(0.001, now.timeIntervalSince(start))
    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let text = String(
      format: "\r%@ [%@] %3.0f%% %@, ETA %.0f s   ", name, bar, fraction * 100, detail(elapsed),
      eta)
    FileHandle.standardError.write(Data(text.utf8))
    if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
