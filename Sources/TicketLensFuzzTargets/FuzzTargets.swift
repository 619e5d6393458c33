import Foundation
import TicketLensIngest
import TicketLensModel
import TicketLensPipeline

/// The fuzzed entry points, shared by the libFuzzer executable (`Fuzz/run.sh`) and the tests
/// that replay the seed corpus and every crash found (`Fuzz/corpus`, `Fuzz/regressions`).
/// Each takes arbitrary bytes and must neither crash nor hang; the readers must also account
/// for what they read (records out never exceed records read).
public enum FuzzTargets {
  public static let names = ["csv", "json", "xml", "timestamp", "pipeline"]

  /// A scratch folder per process for readers that open paths, removed when the process exits.
  static let scratch: String = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ticketlens-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: FuzzTargets.scratch) }
    return dir.path
  }()

  /// Runs `target` on `data`; throws (so a test fails) when a reader broke its accounting.
  public static func run(_ target: String, _ data: [UInt8]) throws {
    switch target {
    case "csv":
      try read(data, name: "in.csv", format: .genericCSV)
      try read(data, name: "in.csv", format: .zendeskCSV)
      data.withUnsafeBytes { raw in
        let reader = CSVReader(bytes: raw)
        if let head = reader.header() {
          reader.parse(from: head.bodyOffset, line: head.bodyLine, limit: raw.count) { _ in }
        }
      }
    case "json":
      try read(data, name: "in.json", format: nil)
      try read(data, name: "in.ndjson", format: .zendeskJSON)
    case "xml":
      try read(data, name: "in.xml", format: .zendeskXML)
    case "timestamp":
      let parser = TimestampParser(
        sourceZone: ZoneRules(identifier: "Europe/Berlin")!, allowsUSDates: true)
      data.withUnsafeBytes { _ = parser.parse($0) }
      _ = TimestampParser().parse(String(decoding: data, as: UTF8.self))
    case "pipeline":
      _ = try? PipelineConfig.parse(String(decoding: data, as: UTF8.self), path: scratch + "/p.yml")
    default:
      preconditionFailure("unknown fuzz target \(target); one of \(names)")
    }
  }

  struct AccountingBroken: Error, CustomStringConvertible {
    var description: String
  }

  static func read(_ data: [UInt8], name: String, format: InputFormat?) throws {
    let path = scratch + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(data))
    guard
      let opened = try? InputOpener.open(
        path: path, name: name, format: format, source: "fuzz", zone: .utc, parallelism: 2)
    else { return }
    var read = 0
    var records = 0
    for i in 0..<opened.reader.chunkCount {
      let b = opened.reader.batch(i)
      read += b.read
      records +=
        b.tickets.count + b.chats.count + b.articles.count + b.searchTerms.count
        + b.ticketMetrics.count
    }
    if records > read {
      throw AccountingBroken(description: "\(name): \(records) records out of \(read) read")
    }
  }
}
