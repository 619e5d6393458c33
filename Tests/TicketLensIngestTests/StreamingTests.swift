import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel
import TicketLensTestSupport

/// Files with one enormous record are streamed: the readers release the mapped pages behind
/// them, so what stays resident of the mapping is at most a window or two, not the file. Each
/// case measures the mapping's own resident size (`/proc/self/smaps`), which other tests running
/// at the same time cannot disturb.
struct StreamingTests {
  /// A 48 MiB field: three times the CSV field limit, six release windows.
  static let big = 48 << 20

  /// Writes `parts` (the middle one repeated to `big` bytes) to a temporary file.
  static func file(
    _ name: String, _ head: String, fill: UInt8, count: Int = big, _ tail: String
  ) throws -> String {
    let path = Scratch.file(name)
    FileManager.default.createFile(atPath: path, contents: nil)
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try h.write(contentsOf: Data(head.utf8))
    try h.write(contentsOf: Data(repeating: fill, count: count))
    try h.write(contentsOf: Data(tail.utf8))
    try h.close()
    return path
  }

  /// Resident bytes of the mapping that starts at `address`, from /proc/self/smaps.
  static func resident(_ address: UnsafeRawPointer) throws -> Int {
    // procfs files report size 0: read to the end rather than by size.
    let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
    defer { try? h.close() }
    let smaps = String(decoding: try h.readToEnd() ?? Data(), as: UTF8.self)
    let start = String(UInt(bitPattern: address), radix: 16)
    var inMapping = false
    for line in smaps.split(separator: "\n") {
      if let dash = line.firstIndex(of: "-"), line[..<dash].allSatisfy(\.isHexDigit) {
        inMapping = line[..<dash].drop { $0 == "0" } == start.drop { $0 == "0" }
      } else if inMapping, line.hasPrefix("Rss:") {
        let kb = line.split(separator: " ", omittingEmptySubsequences: true)[1]
        return Int(kb)! * 1024
      }
    }
    Issue.record("mapping at \(start) not found in smaps")
    return -1
  }

  /// Without releasing, the whole record would stay resident; with it, at most about two
  /// windows do.
  static let bound = 3 * PageRelease.window

  @Test func aMappedFileCanReleaseAndHeapBytesCannot() throws {
    let path = try Self.file("release.txt", "", fill: 0x61, "")
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    var sum = 0
    for i in stride(from: 0, to: f.bytes.count, by: 4096) { sum += Int(f.bytes[i]) }
    #expect(try Self.resident(f.bytes.baseAddress!) >= Self.big)
    let release = try #require(f.pageRelease)
    release.release(0, f.bytes.count)
    #expect(try Self.resident(f.bytes.baseAddress!) < 1 << 20)
    // Released pages read back from the file: never wrong, only mapped again.
    #expect(f.bytes[Self.big - 1] == 0x61 && sum == 0x61 * (Self.big / 4096))
    // Dropping heap pages would zero them: bytes in memory offer no release.
    #expect(MappedFile(path: "t", contents: [1, 2, 3]).pageRelease == nil)
  }

  /// A quoted field (first data line) and an unquoted one (second data line).
  @Test(arguments: [true, false])
  func aHugeCSVFieldIsStreamedAndRejected(quoted: Bool) throws {
    let head = "id,subject,created_at\n"
    let path =
      quoted
      ? try Self.file(
        "quoted.csv", head + "1,\"", fill: 0x78,
        "\",2024-01-01T00:00:00Z\n2,ok,2024-01-02T00:00:00Z\n")
      : try Self.file(
        "plain.csv", head + "2,ok,2024-01-02T00:00:00Z\n1,", fill: 0x78, ",2024-01-01T00:00:00Z\n")
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    #expect(FileFingerprint.hash(f.bytes, release: f.pageRelease).count == 16)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
    let all = readAll(
      try TicketCSVReader(file: f, format: .genericCSV, source: "s", parallelism: 8))
    #expect(all.read == 2 && all.tickets.map(\.id) == ["2"])
    #expect(all.issues.first?.code == .fieldTooLong)
    #expect(all.issues.first?.location.line == (quoted ? 2 : 3))
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  @Test func aHugeCSVHeaderFailsTheFileWithoutHoldingIt() throws {
    let path = try Self.file("header.csv", "id,", fill: 0x78, ",created_at\n1,x,2024-01-01\n")
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    #expect(throws: IngestIssue.self) {
      _ = try TicketCSVReader(file: f, format: .genericCSV, source: "s")
    }
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  @Test func aHugeNDJSONLineIsRejectedUnparsed() throws {
    let path = try Self.file(
      "line.ndjson",
      "{\"id\":\"2\",\"created_at\":\"2024-01-02T00:00:00Z\"}\n{\"id\":\"1\",\"subject\":\"",
      fill: 0x78, count: JSONRecordReader.maxLineBytes + (8 << 20),
      "\"}\n{\"id\":\"3\",\"created_at\":\"2024-01-03T00:00:00Z\"}\n")
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    let r = try JSONRecordReader(file: f, format: .zendeskJSON, source: "s", parallelism: 8)
    let all = readAll(r)
    #expect(all.read == 3 && all.tickets.map(\.id).sorted() == ["2", "3"])
    #expect(all.issues.count == 1 && all.issues.first?.code == .fieldTooLong)
    #expect(all.issues.first?.location.line == 2)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  /// Many short lines: planning the chunks counts the lines up to each chunk start, and must
  /// release behind it as well (it kept a whole NDJSON file resident before).
  @Test func planningAnNDJSONFileOfShortLinesDoesNotHoldIt() throws {
    let path = Scratch.file("short.ndjson")
    var text = Data()
    for i in 0..<(Self.big / 64) {
      text.append(
        contentsOf: Data("{\"id\":\"\(i)\",\"created_at\":\"2024-01-02T00:00:00Z\"}\n".utf8))
    }
    try text.write(to: URL(fileURLWithPath: path))
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    let r = try JSONRecordReader(file: f, format: .zendeskJSON, source: "s", parallelism: 8)
    #expect(r.chunkCount == 8)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  /// Chunks shorter than the release window release their pages when they are done: parsing
  /// a file in chunks of 2 MiB (CSV, NDJSON) or 512 KiB (XML) kept all of it resident before,
  /// as every chunk stopped short of a window.
  @Test(arguments: ["csv", "ndjson", "xml"])
  func parsingChunksShorterThanTheWindowDoesNotHoldTheFile(kind: String) throws {
    let path = Scratch.file("chunks.\(kind)")
    let rows = Self.big / 96
    var text = Data()
    switch kind {
    case "csv": text.append(contentsOf: Data("id,created_at,subject\n".utf8))
    case "xml": text.append(contentsOf: Data("<?xml version=\"1.0\"?>\n<tickets>\n".utf8))
    default: break
    }
    for i in 0..<rows {
      let row =
        switch kind {
        case "csv": "\(i),2024-01-02T00:00:00Z,a subject long enough to fill the line up\n"
        case "xml":
          "<ticket>\n<nice-id>\(i)</nice-id>\n<created-at>2024-01-01T00:00:00Z</created-at>\n</ticket>\n"
        default: "{\"id\":\"\(i)\",\"created_at\":\"2024-01-02T00:00:00Z\",\"subject\":\"s\"}\n"
        }
      text.append(contentsOf: Data(row.utf8))
    }
    if kind == "xml" { text.append(contentsOf: Data("</tickets>\n".utf8)) }
    try text.write(to: URL(fileURLWithPath: path))
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    let reader: any ChunkedRecordReader =
      switch kind {
      case "csv": try TicketCSVReader(file: f, format: .genericCSV, source: "s", parallelism: 24)
      case "xml": try XMLTicketReader(file: f, source: "s", parallelism: 24)
      default: try JSONRecordReader(file: f, format: .zendeskJSON, source: "s", parallelism: 24)
      }
    #expect(reader.chunkCount >= 20)
    var read = 0
    for i in 0..<reader.chunkCount { read += reader.batch(i).tickets.count }
    #expect(read == rows)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  /// The same for the XML planner, which cuts the file into 512 KiB chunks.
  @Test func planningAnXMLFileOfSmallTicketsDoesNotHoldIt() throws {
    let path = Scratch.file("small.xml")
    var text = Data("<?xml version=\"1.0\"?>\n<tickets>\n".utf8)
    for i in 0..<(Self.big / 96) {
      text.append(
        contentsOf: Data(
          "<ticket>\n<nice-id>\(i)</nice-id>\n<created-at>2024-01-01T00:00:00Z</created-at>\n</ticket>\n"
            .utf8))
    }
    text.append(contentsOf: Data("</tickets>\n".utf8))
    try text.write(to: URL(fileURLWithPath: path))
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    let r = try XMLTicketReader(file: f, source: "s", parallelism: 8)
    #expect(r.chunkCount > 60)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }

  @Test func aHugeXMLTextFailsTheFileWithoutHoldingIt() throws {
    let path = try Self.file(
      "text.xml",
      "<?xml version=\"1.0\"?><tickets><ticket><nice-id>1</nice-id><created-at>2024-01-01T00:00:00Z</created-at></ticket><ticket><nice-id>2</nice-id><description>",
      fill: 0x78, "</description></ticket></tickets>\n")
    defer { unlink(path) }
    let f = try MappedFile(path: path)
    let r = try XMLTicketReader(file: f, source: "s", parallelism: 8)
    var failure: IngestIssue? = nil
    for i in 0..<r.chunkCount {
      let b = r.batch(i)
      failure = failure ?? b.issues.first { $0.severity == .file }
      if b.end < 0 {
        failure = r.rest(from: i).issues.first { $0.severity == .file }
        break
      }
    }
    #expect(failure?.message.contains("10 MB") == true)
    #expect(try Self.resident(f.bytes.baseAddress!) < Self.bound)
  }
}
