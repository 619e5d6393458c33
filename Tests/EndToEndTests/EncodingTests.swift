import Foundation
import Testing

/// Files saved as UTF-16 or UTF-32 with a byte-order mark (Excel's "Unicode text", PowerShell)
/// read as their UTF-8 original does; damaged code units fail the file naming the encoding.
struct EncodingTests {
  static let encodings: [(String, String.Encoding, [UInt8])] = [
    ("UTF-16LE", .utf16LittleEndian, [0xFF, 0xFE]),
    ("UTF-16BE", .utf16BigEndian, [0xFE, 0xFF]),
    ("UTF-32LE", .utf32LittleEndian, [0xFF, 0xFE, 0x00, 0x00]),
    ("UTF-32BE", .utf32BigEndian, [0x00, 0x00, 0xFE, 0xFF]),
  ]

  @Test(arguments: ["freshdesk_tickets.json", "tickets.csv", "chats.ndjson"])
  func aFileWithAByteOrderMarkReadsAsItsUTF8Original(name: String) throws {
    let dir = CLI.temporaryDirectory()
    let original = CLI.packageRoot.appendingPathComponent("sample-data/" + name).path
    // Non-ASCII text in the file, including a character outside the Basic Multilingual Plane
    // (a surrogate pair in UTF-16).
    let text = try String(contentsOfFile: original, encoding: .utf8)
      .replacingOccurrences(of: "Thanks", with: "Grüße 🙂 Zürich")
    #expect(text.contains("🙂"))
    try text.write(toFile: dir + "/utf8-" + name, atomically: true, encoding: .utf8)
    let expected = try CLI.run(["inspect", dir + "/utf8-" + name])
    #expect(expected.status == 0, "\(expected.stderr)")
    let loaded = try CLI.run([
      "ingest", dir + "/utf8-" + name, "--warehouse", dir + "/a.sqlite", "--json",
    ])
    for (label, encoding, mark) in Self.encodings {
      let path = dir + "/" + label + "-" + name
      try (Data(mark) + text.data(using: encoding)!).write(to: URL(fileURLWithPath: path))
      let r = try CLI.run(["inspect", path])
      #expect(r.status == 0, "\(label): \(r.stderr)")
      #expect(r.stdout == expected.stdout, "\(label)")
      let l = try CLI.run(["ingest", path, "--warehouse", dir + "/\(label).sqlite", "--json"])
      #expect(
        l.stdout.replacingOccurrences(of: label + "-", with: "utf8-") == loaded.stdout, "\(label)")
    }
  }

  @Test func damagedUnitsFailTheFileNamingTheEncoding() throws {
    let dir = CLI.temporaryDirectory()
    // A lone high surrogate (0xD800) after the header line: 2 + 2 × 29 bytes in.
    var bytes: [UInt8] = [0xFF, 0xFE]
    for u in "id,subject,status,created_at\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
    bytes += [0x00, 0xD8, 0x41, 0x00]
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/t.csv"))
    let r = try CLI.run(["ingest", dir + "/t.csv", "--warehouse", dir + "/w.sqlite", "--json"])
    #expect(
      r.stdout.contains(
        "UTF-16LE (byte-order mark) but holds an unpaired surrogate at byte offset 60"),
      "\(r.stdout)")
    // A UTF-32 file cut inside its last code unit.
    try Data([0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00]).write(
      to: URL(fileURLWithPath: dir + "/u.csv"))
    let u = try CLI.run(["ingest", dir + "/u.csv", "--warehouse", dir + "/w.sqlite", "--json"])
    #expect(
      u.stdout.contains("UTF-32LE (byte-order mark) but ends inside a 4-byte code unit"),
      "\(u.stdout)")
  }
}
