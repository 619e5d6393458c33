import Foundation
import Logging
import Testing

@testable import TicketLensMetrics
@testable import TicketLensModel
@testable import TicketLensPipeline
@testable import TicketLensWarehouse

/// `ticketlens facts`: per-record facts as gzip CSV partitioned by source and month, rewritten
/// only where the content changed, with values Spark's CSV reader reads back unchanged.
@Suite struct FactsExportTests {
  static let header =
    "id,subject,description,status,priority,channel,requester_id,requester_email,assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,replies,satisfaction,escalated_at\n"

  /// A pipeline over one generic CSV whose source name and values need escaping and quoting.
  static func pipeline(_ dir: String, rows: [String], format: String = "csv") throws
    -> PipelineConfig
  {
    try (header + rows.joined(separator: "\n") + "\n").write(
      toFile: dir + "/tickets.csv", atomically: true, encoding: .utf8)
    let yaml = """
      name: facts
      warehouse: w/ticketlens.sqlite
      output: out
      timezone: Europe/Berlin
      sources:
        - name: "web/eu=1"
          format: generic-csv
          paths: tickets.csv
      insights: {gaps: false, classify: false}
      spark: {format: \(format)}

      """
    try yaml.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    return try PipelineConfig.load(path: dir + "/p.yml")
  }

  static func load(_ config: PipelineConfig) throws {
    var runner = PipelineRunner(config: config, logger: Logger(label: "test"))
    runner.stages = Set(PipelineRunner.stageIDs(config)).subtracting(PipelineRunner.reportStages)
    let outcome = try runner.run()
    #expect(outcome.exitCode == 0, "\(outcome.message ?? "")")
  }

  static func gunzip(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", "-dc", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    return String(decoding: data, as: UTF8.self)
  }

  @Test func factsArePartitionedEscapedQuotedAndRewrittenOnlyWhenChanged() throws {
    let dir = scratch()
    let rows = [
      "1,Refund,x,solved,high,email,r1,,\"Doe, \"\"JJ\"\"\",tier 2,billing vip,2026-01-05T09:00:00Z,2026-01-05T12:00:00Z,2026-01-05T09:30:00Z,2026-01-05T12:00:00Z,0,1,good,",
      "2,Login,y,open,,web,r2,,,,,2026-02-10T23:30:00Z,2026-02-11T08:00:00Z,,,0,0,,",
    ]
    var config = try Self.pipeline(dir, rows: rows)
    try Self.load(config)
    let runner = PipelineRunner(config: config, logger: Logger(label: "test"))
    let first = try runner.writeFacts(try Warehouse(path: config.warehouse, readOnly: true))
    #expect(first.directory == dir + "/w/facts")
    #expect(first.tickets == 2 && first.partitions == 2 && first.written == 2)
    let manifest = try #require(FactsManifest.read(first.directory))
    #expect(manifest.zone == "Europe/Berlin")
    #expect(manifest.version == FactSchema.version)
    // The source name is escaped as Spark escapes partition values; 23:30 UTC on 10 February is
    // 11 February in Berlin (the month is the report zone's).
    #expect(
      Set(manifest.tickets.partitions.keys) == [
        "source=web%2Feu%3D1/month=2026-01", "source=web%2Feu%3D1/month=2026-02",
      ])
    let text = try Self.gunzip(
      first.directory + "/tickets/source=web%2Feu%3D1/month=2026-01/part-00000.csv.gz")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let names = FactSchema.columns(.tickets, values: [])
    #expect(lines[0].hasPrefix(names.map(\.name).joined(separator: ",")))
    #expect(lines[0].split(separator: ",").count == manifest.tickets.columns.count)
    let row = String(lines[1])
    // Ticket 1, created day 20458 (2026-01-05) and hour of the week 10 (Monday
    // 10:00 in Berlin), the quoted assignee, the tags joined by U+001F, first reply 30 minutes.
    #expect(row.hasPrefix("1,20458,10,20458,13,email,high,solved,\"Doe, \"\"JJ\"\"\",tier 2,r1,"))
    #expect(row.contains(",billing\u{1F}vip,1800000.0,"))
    let february = try Self.gunzip(
      first.directory + "/tickets/source=web%2Feu%3D1/month=2026-02/part-00000.csv.gz")
    // An unsolved ticket: no solve day, no reply, empty (null) fields, not quoted.
    #expect(february.split(separator: "\n")[1].hasPrefix("2,20495,48,,,web,,open,,,r2,"))

    // Nothing changed: nothing is written again.
    let again = try runner.writeFacts(try Warehouse(path: config.warehouse, readOnly: true))
    #expect(again.written == 0 && again.unchanged == 2)
    // A ticket in a new month, whose id sorts before every other: only its partition is written
    // (a record's line does not depend on where it sorts).
    config = try Self.pipeline(
      dir,
      rows: rows + [
        "0,Invoice,z,solved,low,email,r1,,a2,,,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z,2026-03-02T10:05:00Z,2026-03-02T11:00:00Z,0,1,,"
      ])
    try Self.load(config)
    let third = try runner.writeFacts(try Warehouse(path: config.warehouse, readOnly: true))
    #expect(third.partitions == 3 && third.written == 1 && third.unchanged == 2)
    // A deleted file is written again even though the manifest knows its content.
    try FileManager.default.removeItem(
      atPath: first.directory + "/tickets/source=web%2Feu%3D1/month=2026-01/part-00000.csv.gz")
    let fourth = try runner.writeFacts(try Warehouse(path: config.warehouse, readOnly: true))
    #expect(fourth.written == 1 && fourth.unchanged == 2)
  }

  @Test func parquetFactsAreWrittenAndSwitchingFormatsLeavesNoStaleFiles() throws {
    let dir = scratch()
    let rows = [
      "1,Refund,x,solved,high,email,r1,,a1,g,billing,2026-01-05T09:00:00Z,2026-01-05T12:00:00Z,2026-01-05T09:30:00Z,2026-01-05T12:00:00Z,0,1,good,"
    ]
    let config = try Self.pipeline(dir, rows: rows, format: "parquet")
    try Self.load(config)
    let runner = PipelineRunner(config: config, logger: Logger(label: "test"))
    let s = try runner.writeFacts(try Warehouse(path: config.warehouse, readOnly: true))
    #expect(s.written == 1)
    let folder = s.directory + "/tickets/source=web%2Feu%3D1/month=2026-01/"
    let bytes = try #require(FileManager.default.contents(atPath: folder + "part-00000.parquet"))
    // PAR1, the pages, the footer, its length, PAR1; the footer names every column.
    #expect(bytes.prefix(4) == Data("PAR1".utf8) && bytes.suffix(4) == Data("PAR1".utf8))
    let footer = bytes.dropLast(4).suffix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    let meta = bytes.dropLast(8).suffix(Int(UInt32(littleEndian: footer)))
    for c in try #require(FactsManifest.read(s.directory)).tickets.columns {
      #expect(meta.range(of: Data(c[0].utf8)) != nil, "\(c[0]) is not in the footer")
    }
    #expect(FactsManifest.read(s.directory)?.format == .parquet)
    // The same data as CSV: the Parquet file goes, the CSV comes.
    let csv = try Self.pipeline(dir, rows: rows, format: "csv")
    let again = try PipelineRunner(config: csv, logger: Logger(label: "test")).writeFacts(
      try Warehouse(path: csv.warehouse, readOnly: true))
    #expect(again.written == 1)
    #expect(!FileManager.default.fileExists(atPath: folder + "part-00000.parquet"))
    #expect(FileManager.default.fileExists(atPath: folder + "part-00000.csv.gz"))
  }

  @Test func parquetEncodingsFollowTheSpecification() {
    // Thrift compact: field 1 (delta 1) i32 (type 5) zigzag(150) = 300 → AC 02; STOP.
    var t = Thrift()
    t.i32(1, 150)
    t.stop()
    #expect(t.bytes == [0x15, 0xAC, 0x02, 0x00])
    // A field id jump over 15 writes the type, then the zigzag id.
    var u = Thrift()
    u.i64(20, -1)
    #expect(u.bytes == [0x06, 40, 0x01])
    // Definition levels: runs of present (1) and null (0) values, run length << 1.
    let (levels, values) = ParquetWriter.encode(.int32([7, 8, nil, nil, nil, 9]))
    #expect(levels == [4, 1, 6, 0, 2, 1])
    #expect(values == [7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0])
    // Booleans are bit-packed, least significant bit first; strings are length-prefixed.
    #expect(ParquetWriter.encode(.boolean([true, false, true, nil])).values == [0b101])
    #expect(ParquetWriter.encode(.string(["ab", nil])).values == [2, 0, 0, 0, 97, 98])
  }

  @Test func partitionValuesAreEscapedAsSparkEscapesThem() {
    #expect(FactsExport.partitionValue("web") == "web")
    #expect(FactsExport.partitionValue("a/b=c:d%") == "a%2Fb%3Dc%3Ad%25")
    #expect(FactsExport.partitionValue("") == "__HIVE_DEFAULT_PARTITION__")
    #expect(FactsExport.partitionValue("tab\there") == "tab%09here")
    #expect(FactsExport.partitionValue("Zürich") == "Zürich")
  }

  @Test func csvFieldsAreQuotedOnlyWhenNeeded() {
    func q(_ s: String) -> String { String(decoding: FactsExport.quoted(s), as: UTF8.self) }
    #expect(q("plain") == "plain")
    #expect(q("") == "\"\"")  // an empty text, not a null
    #expect(q("a,b") == "\"a,b\"")
    #expect(q("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(q("two\nlines") == "\"two\nlines\"")
  }
}
