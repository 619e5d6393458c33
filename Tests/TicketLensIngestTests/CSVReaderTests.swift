import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel

/// A parsed record, for comparing.
struct Rec: Equatable, CustomStringConvertible {
  var line: Int
  var fields: [String]
  var problem: String? = nil
  var description: String { "\(line):\(fields)\(problem.map { " !\($0)" } ?? "")" }
}

func parseAll(_ text: String, delimiter: UInt8? = nil) -> [Rec] {
  parseAll(Array(text.utf8), delimiter: delimiter)
}

func parseAll(_ bytes: [UInt8], delimiter: UInt8? = nil) -> [Rec] {
  let f = MappedFile(path: "t.csv", contents: bytes)
  let r = CSVReader(bytes: f.bytes, delimiter: delimiter)
  var out: [Rec] = []
  r.parse(from: r.bodyStart, line: 1, limit: f.bytes.count) { rec in
    out.append(
      Rec(
        line: rec.line, fields: rec.fields.map { r.string($0) }, problem: rec.problem?.code.rawValue
      ))
  }
  return withExtendedLifetime(f) { out }
}

struct CSVReaderTests {
  @Test func readsPlainAndQuotedFields() {
    #expect(
      parseAll("a,b,c\n1,\"x,y\",3\n") == [
        Rec(line: 1, fields: ["a", "b", "c"]), Rec(line: 2, fields: ["1", "x,y", "3"]),
      ])
  }

  @Test func readsDoubledQuotes() {
    #expect(parseAll("\"say \"\"hi\"\"\",2\n")[0].fields == ["say \"hi\"", "2"])
    #expect(parseAll("\"\"\"\"\n")[0].fields == ["\""])
  }

  @Test func countsPhysicalLinesAcrossEmbeddedBreaks() {
    let recs = parseAll("h1,h2\n1,\"two\nlines\"\n2,\"cr\r\nlf\"\n3,x\n")
    #expect(recs.map(\.line) == [1, 2, 4, 6])
    #expect(recs[1].fields == ["1", "two\nlines"])
    #expect(recs[2].fields == ["2", "cr\r\nlf"])
  }

  @Test(arguments: ["\n", "\r\n", "\r"])
  func acceptsEveryLineEnding(eol: String) {
    let recs = parseAll("a,b" + eol + "1,2" + eol + "3,\"q" + eol + "r\"" + eol + "4,5")
    #expect(
      recs == [
        Rec(line: 1, fields: ["a", "b"]), Rec(line: 2, fields: ["1", "2"]),
        Rec(line: 3, fields: ["3", "q" + eol + "r"]), Rec(line: 5, fields: ["4", "5"]),
      ])
  }

  @Test func skipsTheByteOrderMark() {
    let recs = parseAll([0xEF, 0xBB, 0xBF] + Array("id,x\n1,2\n".utf8))
    #expect(recs[0].fields == ["id", "x"])
  }

  @Test func sniffsSemicolonAndTabDelimiters() {
    #expect(parseAll("a;b;c\n1;\"2;3\";4\n")[1].fields == ["1", "2;3", "4"])
    #expect(parseAll("a\tb\n1\t2\n")[1].fields == ["1", "2"])
    #expect(parseAll("a,b;c\n1,2;3\n")[1].fields == ["1", "2;3"])
  }

  @Test func keepsEmptyFieldsAndTrailingDelimiters() {
    #expect(parseAll("a,,\n")[0].fields == ["a", "", ""])
    #expect(parseAll(",")[0].fields == ["", ""])
    #expect(parseAll("\"\",x")[0].fields == ["", "x"])
  }

  @Test func skipsBlankLinesButKeepsTheirLineNumbers() {
    #expect(parseAll("a\n\n\nb\n").map(\.line) == [1, 4])
  }

  @Test func reportsUnterminatedQuoteWithTheLineItOpenedOn() {
    let recs = parseAll("a,b\n1,2\n3,\"never\nclosed,4\n5,6\n")
    #expect(recs.count == 3)
    #expect(recs[2].line == 3)
    #expect(recs[2].problem == "unterminated_quote")
  }

  @Test func reportsTextAfterAClosingQuote() {
    let recs = parseAll("a,b\n\"x\"y,2\n3,4\n")
    #expect(recs[1].problem == "stray_quote")
    #expect(recs[2] == Rec(line: 3, fields: ["3", "4"]))
  }

  @Test func keepsAQuoteInsideAnUnquotedField() {
    #expect(parseAll("5\" screen,2\n")[0].fields == ["5\" screen", "2"])
  }

  @Test func reportsInvalidUTF8InsteadOfReplacingIt() {
    let bytes = Array("a,b\n1,ok\n2,caf".utf8) + [0xE9] + Array("\n3,\u{e9}t\u{e9}\n".utf8)
    let recs = parseAll(bytes)
    #expect(recs[1].problem == nil)
    #expect(recs[2].problem == "invalid_utf8")
    #expect(recs[3].fields == ["3", "\u{e9}t\u{e9}"])
    // Overlong encodings and surrogates are invalid too.
    #expect(parseAll([0xC0, 0xAF])[0].problem == "invalid_utf8")
    #expect(parseAll([0xED, 0xA0, 0x80])[0].problem == "invalid_utf8")
  }

  @Test func readsRaggedRowsForTheMapperToReject() {
    let recs = parseAll("a,b,c\n1,2\n1,2,3,4\n")
    #expect(recs.map(\.fields.count) == [3, 2, 4])
  }

  @Test func emptyInputHasNoRecords() {
    #expect(parseAll("").isEmpty)
    #expect(parseAll("\n\n").isEmpty)
  }
}

struct CSVChunkingTests {
  /// A large input with multi-line quoted fields, doubled quotes and CRLF.
  static func bigInput(rows: Int, strayEvery: Int? = nil) -> [UInt8] {
    var s = "id,text,n\r\n"
    for i in 0..<rows {
      var text = "line one of \(i)\nline \"\"two\"\", with comma\r\nthree"
      if i % 7 == 0 { text = "short" }
      if let k = strayEvery, i % k == 0 {
        s += "\(i),bad \" quote,\(i)\n"
        continue
      }
      s += "\(i),\"\(text)\",\(i * 3)\n"
    }
    return Array(s.utf8)
  }

  func parallelRecords(_ bytes: [UInt8], target: Int) -> ([Rec], Int) {
    let f = MappedFile(path: "big.csv", contents: bytes)
    let r = CSVReader(bytes: f.bytes)
    let head = r.header()!
    let chunks = r.chunks(from: head.bodyOffset, line: head.bodyLine, targetCount: target)
    var out: [Rec] = []
    var i = 0
    while i < chunks.starts.count {
      let s = chunks.starts[i]
      let end = i + 1 < chunks.starts.count ? chunks.starts[i + 1].offset : chunks.end
      var part: [Rec] = []
      let stop = r.parse(from: s.offset, line: s.line, limit: end) { rec in
        part.append(
          Rec(
            line: rec.line, fields: rec.fields.map { r.string($0) },
            problem: rec.problem?.code.rawValue))
      }
      if stop.end != end {
        // Disagreement: re-read the rest sequentially, as the ingestor does.
        r.parse(from: s.offset, line: s.line, limit: chunks.end) { rec in
          out.append(
            Rec(
              line: rec.line, fields: rec.fields.map { r.string($0) },
              problem: rec.problem?.code.rawValue))
        }
        break
      }
      out += part
      i += 1
    }
    return withExtendedLifetime(f) { (out, chunks.starts.count) }
  }

  @Test func parallelChunksGiveTheSequentialResult() {
    let bytes = Self.bigInput(rows: 60_000)
    let sequential = Array(parseAll(bytes).dropFirst())
    let (parallel, chunkCount) = parallelRecords(bytes, target: 7)
    #expect(chunkCount > 1)
    #expect(parallel == sequential)
    #expect(parallel.count == 60_000)
  }

  /// A record longer than several chunks: its chunks are skipped, not scanned again (that made
  /// a 1 GiB single-line file take 26 s), and the records are the sequential ones.
  @Test func aRecordSpanningSeveralChunksIsScannedOnce() {
    var bytes = Self.bigInput(rows: 5_000)
    bytes +=
      Array("9001,\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 6 << 20)
      + Array("\n\",1\n9002,x,2\n".utf8)
    bytes += Array(Self.bigInput(rows: 5_000).dropFirst(11))
    let sequential = Array(parseAll(bytes).dropFirst())
    let (parallel, chunkCount) = parallelRecords(bytes, target: 8)
    #expect(chunkCount > 1)
    #expect(parallel == sequential)
    #expect(parallel.count == 10_002)
  }

  @Test func strayQuotesFallBackToSequentialParsing() {
    let bytes = Self.bigInput(rows: 40_000, strayEvery: 9_999)
    let sequential = Array(parseAll(bytes).dropFirst())
    let (parallel, _) = parallelRecords(bytes, target: 5)
    #expect(parallel == sequential)
  }
}

/// The public csv-spectrum suite, read in place from ../shared/conformance.
struct CSVSpectrumTests {
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/conformance/csv-spectrum")

  static var cases: [String] {
    let names =
      (try? FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("csvs").path)) ?? []
    return names.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
  }

  @Test func suiteIsPresent() {
    #expect(Self.cases.count == 12, "csv-spectrum not found at \(Self.root.path)")
  }

  /// Every case but `location_coordinates`, whose expected JSON is a bare object (see below).
  static var utf8Cases: [String] { cases.filter { $0 != "location_coordinates" } }

  @Test(arguments: utf8Cases)
  func matchesExpectedJSON(name: String) throws {
    let csv = try Data(contentsOf: Self.root.appendingPathComponent("csvs/\(name).csv"))
    let json = try Data(contentsOf: Self.root.appendingPathComponent("json/\(name).json"))
    let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])
    let recs = parseAll([UInt8](csv), delimiter: 0x2C)
    let header = try #require(recs.first).fields
    let rows = recs.dropFirst().map { r in
      Dictionary(uniqueKeysWithValues: zip(header, r.fields))
    }
    #expect(recs.allSatisfy { $0.problem == nil })
    #expect(rows == expected)
  }

  /// Upstream's `location_coordinates.json` is a bare object rather than an array, and its phone
  /// number differs from the CSV's (an upstream slip); every other field must match, including
  /// the quotes inside an unquoted field and the U+FFFD characters the CSV holds.
  @Test func matchesTheLocationCoordinatesCase() throws {
    let csv = try Data(
      contentsOf: Self.root.appendingPathComponent("csvs/location_coordinates.csv"))
    let json = try Data(
      contentsOf: Self.root.appendingPathComponent("json/location_coordinates.json"))
    let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [String: String])
    let recs = parseAll([UInt8](csv), delimiter: 0x2C)
    #expect(recs.count == 2)
    #expect(recs.allSatisfy { $0.problem == nil })
    let row = Dictionary(uniqueKeysWithValues: zip(recs[0].fields, recs[1].fields))
    #expect(Set(row.keys) == Set(expected.keys))
    for key in expected.keys where key != "Contact Phone Number" {
      #expect(row[key] == expected[key])
    }
    #expect(row["Contact Phone Number"] == "2095257564")
  }
}
