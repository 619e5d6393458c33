import Foundation
import Testing

@testable import TicketLensModel
@testable import TicketLensWarehouse

/// Names that differ only in case or spacing are one entity in the metric columns, shown in
/// their commonest spelling, and the merge is reported.
struct SpellingMergeTests {
  @Test func mergesCaseAndSpacingKeepingTheCommonestSpelling() {
    // Codes: Accounts ×3, accounts ×2, " Accounts  " ×1, Billing ×2, billing ×2 (a tie), nulls.
    let column = EncodedColumn(
      codes: [0, 0, 0, 1, 1, 2, 3, 3, 4, 4, -1, 5],
      values: ["Accounts", "accounts", " Accounts  ", "Billing", "billing", "Support"])
    let (merged, merges) = column.mergingSpellings(dimension: "group", table: "tickets")
    #expect(merged.values == ["Accounts", "Billing", "Support"])
    #expect(merged.codes == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -1, 2])
    #expect(merges.map(\.display) == ["Accounts", "Billing"])
    #expect(merges[0].spellings.map(\.value) == ["Accounts", "accounts", " Accounts  "])
    #expect(merges[0].spellings.map(\.rows) == [3, 2, 1])
    // A tie goes to the first spelling in byte order (capitals first).
    #expect(merges[1].spellings.map(\.value) == ["Billing", "billing"])
    // Rows of the other table count when the shown spelling is chosen.
    let tickets = EncodedColumn(codes: [0, 0, 0, 1], values: ["accounts", "Accounts"])
    let both = tickets.mergingSpellings(
      dimension: "group", table: "tickets", elsewhere: ["Accounts": 5, "accounts": 1])
    #expect(both.column.values == ["Accounts"] && both.column.codes == [0, 0, 0, 0])
    #expect(both.merges[0].spellings.map(\.value) == ["accounts", "Accounts"])
    // Nothing to merge: the same column back.
    let plain = EncodedColumn(codes: [0, 1], values: ["a", "b"])
    #expect(plain.mergingSpellings(dimension: "group", table: "tickets").merges.isEmpty)
    #expect(SpellingMerge.key("  Tier\t2  Support ") == "tier 2 support")
  }

  /// The byte-wise key of ASCII text is the Unicode one: every ASCII character (each control
  /// character among them) in random strings, and non-ASCII text, against lowercasing and
  /// splitting on `Character.isWhitespace` done here.
  @Test func asciiKeysAreTheUnicodeKeys() {
    func unicodeKey(_ s: String) -> String {
      s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
    // Every pair of ASCII characters, then strings drawn by a fixed linear congruential
    // generator (the same strings on every run).
    let ascii = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
    for a in ascii {
      for b in ascii {
        let s = String([a, b, "x", a])
        #expect(SpellingMerge.key(s) == unicodeKey(s), "\(Array(s.utf8))")
      }
    }
    let alphabet = ascii + Array("  \t\n\r\r\nAaZz")
    var state: UInt64 = 20_261_208
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    for _ in 0..<5_000 {
      let s = String((0..<next(13)).map { _ in alphabet[next(alphabet.count)] })
      #expect(SpellingMerge.key(s) == unicodeKey(s), "\(Array(s.utf8))")
    }
    for s in ["Ärzte  Team", "ÉQUIPE\u{00A0}B", "Support\u{2003}Tier 2", "İstanbul", "ß"] {
      #expect(SpellingMerge.key(s) == unicodeKey(s))
    }
    #expect(SpellingMerge.key("Support\u{85}Tier") == "support tier")
  }

  @Test func metricColumnsCountOneGroupAndReportTheMerge() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let groups = ["Accounts", "accounts", "Accounts", "Billing", "ACCOUNTS "]
    let tickets = groups.enumerated().map { i, g in
      var t = ticket(String(i), updated: 2_000)
      t.group = g
      t.assignee = i % 2 == 0 ? "Ann Lee" : "ann  lee"
      return t
    }
    _ = try load(w, run: run, file: "f", tickets)
    let m = try w.metricColumns()
    let group = try #require(m.tickets.dimensions["group"])
    #expect(Set(group.values) == ["Accounts", "Billing"])
    #expect(group.codes.count { group.values[Int($0)] == "Accounts" } == 4)
    let assignee = try #require(m.tickets.dimensions["assignee"])
    #expect(assignee.values == ["Ann Lee"])
    #expect(
      m.spellingMerges.map { "\($0.dimension) \($0.display) \($0.spellings.count)" } == [
        "assignee Ann Lee 2", "group Accounts 3",
      ])
    // The same from the column cache.
    #expect(try w.metricColumns().spellingMerges == m.spellingMerges)
  }

  /// A name spelt two ways in both tables is shown in the spelling commonest over both: the
  /// tickets' commonest spelling loses to the chats' (their rows, as stored, are counted).
  @Test func aNameInBothTablesTakesTheSpellingCommonestOverBoth() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let tickets = ["ann lee", "ann lee", "Ann Lee"].enumerated().map { i, a in
      var t = ticket(String(i), updated: 2_000)
      t.group = a
      return t
    }
    _ = try load(w, run: run, file: "f", tickets)
    let chats = (["Ann Lee", "Ann Lee", "Ann Lee", "Ann Lee", "Ann Lee", "ANN LEE"]).enumerated()
      .map { i, a in
        var c = Chat(source: "src", id: "c\(i)", startedAt: Instant(seconds: 10))
        c.updatedAt = Instant(seconds: 20)
        c.group = a
        return c
      }
    let l = try w.beginTicketLoad(runID: run, file: "c", source: "src", format: "t", bytes: 0)
    try l.add(chats: chats, issues: [], read: chats.count)
    _ = try l.commit()
    let m = try w.metricColumns()
    #expect(m.tickets.dimensions["group"]?.values == ["Ann Lee"])
    #expect(m.chats.dimensions["group"]?.values == ["Ann Lee"])
    #expect(
      m.spellingMerges.map { "\($0.table) \($0.display) \($0.spellings.map(\.value))" } == [
        "chats Ann Lee [\"Ann Lee\", \"ANN LEE\"]", "tickets Ann Lee [\"ann lee\", \"Ann Lee\"]",
      ])
  }
}
