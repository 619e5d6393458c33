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
}
