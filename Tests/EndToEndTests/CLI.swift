import Foundation
import Testing
import TicketLensTestSupport

/// Runs the built `ticketlens` executable.
enum CLI {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The executable next to the test bundle (swift test builds it: the test target depends on it).
  static let executable: URL = {
    var dir = Bundle.main.bundleURL
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("ticketlens")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/ticketlens")
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  @discardableResult
  static func run(_ args: [String], in dir: String? = nil) throws -> Result {
    try run(executable, args, in: dir)
  }

  /// Runs any program, reading its output and error streams while it runs.
  static func run(_ program: URL, _ args: [String], in dir: String? = nil) throws -> Result {
    let p = Process()
    p.executableURL = program
    p.arguments = args
    if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently with the process so that neither fills up.
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    let g = DispatchGroup()
    g.enter()
    DispatchQueue.global().async {
      outData = out.fileHandleForReading.readDataToEndOfFile()
      g.leave()
    }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    g.wait()
    p.waitUntilExit()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Runs `pipelines/nightly.yml` on the sample data in place, writing into a new folder;
  /// returns that output folder and the run folder's path (with a trailing slash).
  static func runNightly(_ extra: [String] = []) throws -> (output: String, runFolder: String) {
    let dir = temporaryDirectory()
    try shareSampleVectors(into: dir + "/out/ticketlens.sqlite")
    return try runNightly(in: dir, extra)
  }

  private static func runNightly(in dir: String, _ extra: [String]) throws -> (
    output: String, runFolder: String
  ) {
    let root = packageRoot.path
    let nightly = try String(contentsOfFile: root + "/pipelines/nightly.yml", encoding: .utf8)
      .replacingOccurrences(of: "../sample-data", with: root + "/sample-data")
      .replacingOccurrences(of: "../reports", with: dir + "/out")
    try nightly.write(toFile: dir + "/nightly.yml", atomically: true, encoding: .utf8)
    let run = try run(["run", dir + "/nightly.yml", "--quiet"] + extra)
    #expect(run.status == 0, "\(run.stderr)")
    let folder = try #require(
      try FileManager.default.contentsOfDirectory(atPath: dir + "/out").first {
        $0.hasPrefix("20")
      })
    return (dir + "/out", dir + "/out/" + folder + "/")
  }

  /// The sentence vectors of one nightly run over the sample data (its window is read with the
  /// sentence model), made once per test process. `runNightly` and `samplePipeline` put a copy
  /// beside their new warehouse, so that only the first sample run of a test process spends
  /// seconds (minutes under ThreadSanitizer) embedding the same texts again: a run that reuses
  /// kept vectors writes what a run from scratch writes, tested where the vectors are the
  /// subject (`theSentenceModelsVectorsAreKeptForTheNextRun`, `SentenceVectorCacheTests`,
  /// `theSentenceModelFindsThemToo`), which make their own.
  static let sampleVectors: String? = {
    let dir = temporaryDirectory()
    guard (try? runNightly(in: dir, [])) != nil else { return nil }
    let file = dir + "/out/ticketlens.sqlite.vectors"
    return FileManager.default.fileExists(atPath: file) ? file : nil
  }()

  /// Copies `sampleVectors` beside `warehouse` (its folder made if need be).
  static func shareSampleVectors(into warehouse: String) throws {
    guard let file = sampleVectors else { return }
    let folder = URL(fileURLWithPath: warehouse).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: file, toPath: warehouse + ".vectors")
  }

  static func temporaryDirectory() -> String { Scratch.folder("e2e") }

  /// A pipeline over the committed sample data, writing into `dir`.
  static func samplePipeline(in dir: String, threshold: Double = 0.05) -> String {
    try? shareSampleVectors(into: dir + "/warehouse/ticketlens.sqlite")
    let sample = packageRoot.appendingPathComponent("sample-data").path
    let text = """
      name: e2e
      warehouse: warehouse/ticketlens.sqlite
      output: out
      timezone: Europe/Berlin
      reject_threshold: \(threshold)
      sources:
        - name: helpdesk
          format: generic-csv
          paths: \(sample)/tickets.csv
        - name: zendesk
          paths: \(sample)/zendesk_tickets.csv
          timezone: Europe/Berlin
      report:
        metrics:
          - metric: tickets_created
            by: [channel]
            grain: day
          - metric: first_reply_time
            by: [assignee]
            stats: [count, median, p90]

      """
    let path = dir + "/e2e.yml"
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}

/// A deliberately plain RFC 4180 reader over Characters, independent of the product's reader.
enum ReferenceCSV {
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < chars.count && chars[i + 1] == "\"" {
            field.unicodeScalars.append("\"")
            i += 1
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if c == "\n" || c == "\r" {
        if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
        row.append(field)
        field = ""
        rows.append(row)
        row = []
      } else {
        field.unicodeScalars.append(c)
      }
      i += 1
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }

  static func records(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let all = rows(try String(contentsOfFile: path, encoding: .utf8))
    return (all[0], Array(all.dropFirst()))
  }
}
