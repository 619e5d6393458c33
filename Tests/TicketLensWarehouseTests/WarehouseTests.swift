import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import Testing

@testable import TicketLensModel
@testable import TicketLensWarehouse
import TicketLensTestSupport

func temporaryPath(_ name: String) -> String { Scratch.file(name) }

func ticket(_ id: String, created: Int64 = 1_000, updated: Int64?, subject: String = "s") -> Ticket
{
  var t = Ticket(source: "src", id: id, createdAt: Instant(seconds: created))
  t.updatedAt = updated.map(Instant.init(seconds:))
  t.subject = subject
  return t
}

/// Loads one "file" of tickets and returns its accounting.
func load(_ w: Warehouse, run: Int64, file: String, _ tickets: [Ticket], rejects: Int = 0)
  throws -> FileAccounting
{
  let l = try w.beginTicketLoad(runID: run, file: file, source: "src", format: "test", bytes: 0)
  let issues = (0..<rejects).map {
    IngestIssue(
      .badTimestamp, at: InputLocation(file: file, line: $0 + 2, field: "created_at"), "bad",
      raw: "x")
  }
  try l.add(tickets: tickets, issues: issues, read: tickets.count + rejects)
  return try l.commit()
}

struct WarehouseTests {
  @Test func migratesToTheCurrentVersionOnce() throws {
    let path = temporaryPath("w.sqlite")
    let w = try Warehouse(path: path)
    #expect(try w.schemaVersion == Schema.migrations.count)
    let again = try Warehouse(path: path)
    #expect(try again.schemaVersion == Schema.migrations.count)
  }

  @Test func newerUpdatedAtWinsAndOlderIsKept() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var a = try load(
      w, run: run, file: "day1.csv",
      [ticket("1", updated: 100, subject: "v1"), ticket("2", updated: 100)])
    #expect(a.inserted == 2 && a.balances)
    a = try load(
      w, run: run, file: "day2.csv",
      [
        ticket("1", updated: 200, subject: "v2"),  // newer: updated
        ticket("2", updated: 50, subject: "old"),  // older: unchanged
        ticket("3", updated: 10),  // new: inserted
      ])
    #expect(a.updated == 1 && a.unchanged == 1 && a.inserted == 1 && a.balances)
    #expect(try w.ticket(source: "src", id: "1")?.subject == "v2")
    #expect(try w.ticket(source: "src", id: "2")?.subject == "s")
    // Same version again: unchanged.
    a = try load(w, run: run, file: "day2.csv", [ticket("1", updated: 200, subject: "v2")])
    #expect(a.unchanged == 1)
  }

  @Test func duplicatesInOneFileAreSuperseded() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let a = try load(
      w, run: run, file: "f.csv",
      [
        ticket("1", updated: 100, subject: "first"),
        ticket("1", updated: 300, subject: "newest"),  // replaces the first: superseded
        ticket("1", updated: 200, subject: "middle"),  // older than stored: superseded
        ticket("2", updated: 100),
      ], rejects: 2)
    #expect(a.read == 6)
    #expect(a.inserted == 2)
    #expect(a.superseded == 2)
    #expect(a.rejected == 2)
    #expect(a.updated == 0 && a.unchanged == 0)
    #expect(a.balances)
    #expect(try w.ticket(source: "src", id: "1")?.subject == "newest")
    // In a later file the same three versions are updated once... no: not newer, unchanged.
    let b = try load(
      w, run: run, file: "g.csv", [ticket("1", updated: 300), ticket("1", updated: 400)])
    #expect(b.unchanged == 1 && b.updated == 1 && b.balances)
  }

  /// Chats go through the same encoded rows, upsert and accounting as tickets: newer wins,
  /// duplicates within a file are superseded (with and without chats of the source stored
  /// before), and the messages are stored as JSON with their counts.
  @Test func chatsAreCountedLikeTickets() throws {
    func chat(_ id: String, updated: Int64, agent: String = "a") -> Chat {
      var c = Chat(source: "src", id: id, startedAt: Instant(seconds: 10))
      c.updatedAt = Instant(seconds: updated)
      c.agentName = agent
      c.tags = ["x", "y"]
      c.messages = [
        ChatMessage(author: .visitor, at: Instant(seconds: 11), text: "hi \"there\"\n"),
        ChatMessage(author: .agent, at: Instant(seconds: 12), text: "hello"),
        ChatMessage(author: .bot, at: Instant(seconds: 13), text: "bye"),
      ]
      return c
    }
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    func loadChats(_ file: String, _ chats: [Chat]) throws -> FileAccounting {
      let l = try w.beginTicketLoad(runID: run, file: file, source: "src", format: "t", bytes: 0)
      try l.add(chats: chats, issues: [], read: chats.count)
      return try l.commit()
    }
    var a = try loadChats(
      "day1", [chat("1", updated: 100), chat("1", updated: 50), chat("2", updated: 100)])
    #expect(a.inserted == 2 && a.superseded == 1 && a.balances)
    a = try loadChats(
      "day2",
      [
        chat("1", updated: 200, agent: "b"),  // newer: updated
        chat("2", updated: 50),  // older: unchanged
        chat("3", updated: 10),  // new: inserted
        chat("3", updated: 20, agent: "c"),  // replaces the one just inserted: superseded
        chat("1", updated: 150),  // older than the version from this file: superseded
      ])
    #expect(
      a.updated == 1 && a.unchanged == 1 && a.inserted == 1 && a.superseded == 2 && a.balances)
    let agents = try w.connection.scalarText(
      "SELECT group_concat(agent_name, ',') FROM (SELECT agent_name FROM chats ORDER BY id)")
    #expect(agents == "b,a,c")
    #expect(
      try w.connection.scalarText(
        "SELECT tags || '|' || message_count || agent_messages || visitor_messages || '|' || messages FROM chats WHERE id = '2'"
      ) == #"x y|311|[{"author":"visitor","at":11000,"text":"hi \"there\"\n"},"#
        + #"{"author":"agent","at":12000,"text":"hello"},{"author":"bot","at":13000,"text":"bye"}]"#
    )
  }

  /// A fresh table is loaded many rows per statement where the ids ascend, one per statement
  /// elsewhere, with the outcomes counted at the commit: duplicates across statements and in
  /// the single-row rest of a batch are superseded, the newest version (the first of equal
  /// ones) is stored, and a second file (no longer fresh) is counted row by row as before.
  @Test func freshLoadsInGroupsCountEveryRecord() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var rng = SystemRandomNumberGenerator()
    // Runs of 64 distinct ids, ascending except every fourth run; ids repeat across runs.
    var ids: [String] = []
    for g in 0..<16 {
      var run = Array((0..<700).shuffled(using: &rng).prefix(TicketLoad.groupRows)).sorted()
      if g % 4 == 3 { run.shuffle(using: &rng) }
      ids += run.map { String(format: "t%03d", $0) }
    }
    var tickets: [Ticket] = []
    var newest: [String: (updated: Int64, subject: String)] = [:]
    for (i, id) in ids.prefix(1_000).enumerated() {
      let updated = Int64.random(in: 0..<50, using: &rng)
      let subject = "v\(i)"
      tickets.append(ticket(id, updated: updated, subject: subject))
      if newest[id].map({ updated > $0.updated }) ?? true { newest[id] = (updated, subject) }
    }
    // Batches of 320 rows (five runs) and a last one of 40 (one per statement).
    let l = try w.beginTicketLoad(runID: run, file: "f", source: "src", format: "test", bytes: 0)
    for start in stride(from: 0, to: tickets.count, by: 320) {
      let batch = Array(tickets[start..<min(start + 320, tickets.count)])
      try l.add(tickets: batch, issues: [], read: batch.count)
    }
    let a = try l.commit()
    #expect(a.read == 1_000 && a.inserted == newest.count)
    #expect(a.superseded == 1_000 - newest.count && a.updated == 0 && a.unchanged == 0)
    for (id, v) in newest {
      #expect(try w.ticket(source: "src", id: id)?.subject == v.subject, "\(id)")
    }
    let b = try load(
      w, run: run, file: "g",
      [ticket("t-new", updated: 1), ticket(newest.keys.first!, updated: 99)])
    #expect(b.inserted == 1 && b.updated == 1 && b.balances)
  }

  /// `idsAscending` compares as SQLite does: bytewise, a prefix first, equal ids not ascending.
  @Test func idsAscendBytewise() {
    func rows(_ ids: [String]) -> EncodedRows {
      EncodedRows(ids.map { ticket($0, updated: 1) })
    }
    #expect(rows(["a", "ab", "b", "ba"]).idsAscending(0..<4))
    #expect(!rows(["a", "b", "b"]).idsAscending(0..<3))
    #expect(rows(["10", "9"]).idsAscending(0..<2) && !rows(["9", "10"]).idsAscending(0..<2))
    #expect(rows(["9", "10", "11"]).idsAscending(1..<3))
    #expect(!rows(["é", "z"]).idsAscending(0..<2))
    #expect(rows(["x"]).idsAscending(0..<1))
  }

  /// `sortByID` puts rows in bytewise id order, equal ids in their order before, and each row's
  /// values travel with it.
  @Test func sortByIDIsStableAndKeepsRowsWhole() {
    var rows = EncodedRows(
      ["b", "a", "b", "ab", "a", "é", "z"].enumerated().map { i, id in
        var t = ticket(id, updated: Int64(i), subject: "s\(i)")
        t.vendorMinutes.firstReply = i == 2 ? 7.5 : nil
        return t
      })
    rows.sortByID()
    #expect((0..<rows.count).map(rows.id) == ["a", "a", "ab", "b", "b", "z", "é"])
    // Per row: updated_at (the second integer), the subject (the third text), the first real.
    #expect(
      (0..<rows.count).map { rows.ints[$0 * rows.intColumns + 1] / 1_000 } == [1, 4, 3, 0, 2, 6, 5])
    let subjects = (0..<rows.count).map { r in
      let k = r * 2 * rows.textColumns + 4
      return String(
        decoding: rows.arena[Int(rows.text[k])..<Int(rows.text[k] + rows.text[k + 1])],
        as: UTF8.self)
    }
    #expect(subjects == ["s1", "s4", "s3", "s0", "s2", "s6", "s5"])
    #expect(rows.reals[4 * rows.realColumns] == 7.5 && rows.reals[3 * rows.realColumns].isNaN)
    #expect(rows.idHashes == (0..<rows.count).map { rows.id($0).hashValue })
  }

  /// Batches put in id order (as the ingest does) load exactly as in file order: the same stored
  /// rows and the same accounting, into a fresh table (many rows per statement) and into one
  /// that already holds the tickets (row by row), with duplicate versions within and across
  /// batches.
  @Test func batchesSortedByIDLoadAsInFileOrder() throws {
    var rng = SystemRandomNumberGenerator()
    func versions(_ n: Int, _ tag: String) -> [Ticket] {
      (0..<n).map { i in
        var t = ticket(
          String(format: "t%03d", Int.random(in: 0..<400, using: &rng)),
          updated: Int64.random(in: 0..<30, using: &rng), subject: "\(tag)\(i)")
        t.tags = i % 3 == 0 ? ["a\(i % 7)", "b"] : []
        t.vendorMinutes.firstReply = i % 5 == 0 ? Double(i) : nil
        t.reopens = i % 4
        return t
      }
    }
    let files = [("a", versions(900, "a")), ("b", versions(500, "b"))]
    func loaded(sorted: Bool) throws -> (String?, [FileAccounting]) {
      let w = try Warehouse(path: temporaryPath("w.sqlite"))
      let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
      var accounting: [FileAccounting] = []
      for (file, tickets) in files {
        let l = try w.beginTicketLoad(
          runID: run, file: file, source: "src", format: "test", bytes: 0)
        for start in stride(from: 0, to: tickets.count, by: 300) {
          var rows = EncodedRows(Array(tickets[start..<min(start + 300, tickets.count)]))
          if sorted { rows.sortByID() }
          try l.add(rows: rows, issues: [], read: rows.count)
        }
        accounting.append(try l.commit())
      }
      let stored = try w.connection.scalarText(
        """
        SELECT group_concat(row, char(10)) FROM (SELECT id || '|' || subject || '|' ||
          coalesce(tags, '') || '|' || coalesce(vendor_first_reply_minutes, '') || '|' || reopens
          || '|' || updated_at || '|' || load_id || '|' || coalesce(previous_load_id, '') AS row
        FROM tickets ORDER BY source, id)
        """)
      return (stored, accounting)
    }
    let inFileOrder = try loaded(sorted: false)
    let inIDOrder = try loaded(sorted: true)
    #expect(inFileOrder.0 != nil && inFileOrder.0 == inIDOrder.0)
    #expect(inFileOrder.1 == inIDOrder.1)
    #expect(inFileOrder.1[0].superseded > 0 && inFileOrder.1[1].updated > 0)
    #expect(inFileOrder.1[1].unchanged > 0 && inFileOrder.1[1].superseded > 0)
  }

  @Test func missingUpdatedAtFallsBackToCreatedAt() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    _ = try load(w, run: run, file: "a", [ticket("1", created: 100, updated: nil, subject: "a")])
    let b = try load(
      w, run: run, file: "b", [ticket("1", created: 100, updated: 150, subject: "b")])
    #expect(b.updated == 1)
    #expect(try w.ticket(source: "src", id: "1")?.subject == "b")
  }

  @Test func rejectsAndAccountingAreStored() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let a = try load(w, run: run, file: "f.csv", [ticket("1", updated: 1)], rejects: 3)
    try w.finishRun(run, status: "succeeded", endedAt: "t2", files: [a], message: nil)
    #expect(try w.fileAccounting(runID: run) == [a])
    let rejects = try w.rejects(runID: run)
    #expect(rejects.count == 3)
    #expect(
      rejects[0]
        == RejectRow(
          file: "f.csv", line: 2, field: "created_at", code: "bad_timestamp", message: "bad",
          raw: "x"))
    #expect(try w.rejectReasons(runID: run).first?.count == 3)
    let r = try #require(try w.runs().first)
    #expect(r.status == "succeeded" && r.read == 4 && r.rejected == 3 && r.files == 1)
  }

  @Test func aRolledBackLoadLeavesNothing() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let l = try w.beginTicketLoad(runID: run, file: "f", source: "src", format: "t", bytes: 0)
    try l.add(tickets: [ticket("1", updated: 1)], issues: [], read: 1)
    l.rollback()
    #expect(try w.ticketCount() == 0)
    #expect(try w.fileAccounting(runID: run).isEmpty)
  }

  @Test func bulkModeLoadsTheSameAndReturnsToWAL() throws {
    let path = temporaryPath("w.sqlite")
    let w = try Warehouse(path: path)
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    let l = try w.beginTicketLoad(
      runID: run, file: "big", source: "src", format: "t", bytes: Warehouse.bulkLoadBytes)
    #expect(l.bulk)
    try l.add(tickets: (0..<100).map { ticket(String($0), updated: 5) }, issues: [], read: 100)
    let a = try l.commit()
    #expect(a.inserted == 100)
    #expect(try w.connection.scalarText("PRAGMA journal_mode") == "wal")
  }

  @Test func ticketColumnsAreDictionaryEncodedInKeyOrder() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var a = ticket("b", created: 2, updated: 2)
    a.channel = "email"
    var b = ticket("a", created: 1, updated: 1)
    b.firstReplyAt = Instant(seconds: 61)
    var c = ticket("c", created: 3, updated: 3)
    c.channel = "email"
    _ = try load(w, run: run, file: "f", [a, b, c])
    let cols = try w.ticketColumns()
    #expect(cols.count == 3)
    #expect(cols.createdAt == [1000, 2000, 3000])
    #expect(cols.firstReplyAt == [61_000, TicketColumns.null, TicketColumns.null])
    let ch = try #require(cols.dimensions["channel"])
    #expect(ch.values == ["email"])
    #expect(ch.codes == [-1, 0, 0])
  }

  /// Reading in key ranges on parallel connections gives exactly the sequential columns: the
  /// same rows in the same order, the same dictionary codes (first appearance), the same tags.
  @Test(arguments: [2, 3, 7])
  func ticketColumnsReadInPartsEqualOneRead(parts: Int) throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var rng = SystemRandomNumberGenerator()
    let channels = ["email", "chat", "web", "phone", "api"]
    let tags = ["vip", "refund", "bug", "billing", "eu", "late"]
    var tickets: [Ticket] = []
    for i in 0..<500 {
      var t = ticket(
        String(format: "%04d", Int.random(in: 0..<10_000, using: &rng)), created: Int64(i + 1),
        updated: 600)
      t.id += "-\(i)"
      t.channel = i % 7 == 0 ? nil : channels.randomElement(using: &rng)
      t.assignee = "agent-\(Int.random(in: 0..<40, using: &rng))"
      t.requesterID = "r\(Int.random(in: 0..<300, using: &rng))"
      t.tags = (0..<Int.random(in: 0..<4, using: &rng)).map { _ in tags.randomElement()! }
      t.satisfaction = [nil, .good, .bad].randomElement()!
      t.firstReplyAt = i % 3 == 0 ? nil : Instant(seconds: 2 + Int64(i))
      t.replies = i % 5 == 0 ? nil : i % 9
      if i % 50 == 0 { t.excluded = "spam" }
      if i == 250 { t.updatedAt = Instant(seconds: 9_000) }
      tickets.append(t)
    }
    _ = try load(w, run: run, file: "f", tickets)
    let one = try w.ticketColumns(parts: 1)
    let split = try w.ticketColumns(parts: parts)
    #expect(one.count == 490 && split.count == 490)
    // Key order whatever the order of loading (rows are scanned in row-id order and then
    // rearranged): the tickets sorted by id, the excluded left out, dictionary codes numbered
    // by first appearance in that order.
    let kept = tickets.filter { $0.excluded == nil }.sorted {
      $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
    }
    #expect(one.createdAt == kept.map(\.createdAt.milliseconds))
    // The window counts the gap finder takes from the columns are the warehouse's.
    for (from, to) in [(Int64(0), Int64(1_000_000)), (100_000, 300_000), (150_500, 150_501)] {
      #expect(one.count(createdFrom: from, to: to) == (try w.contactCount(from: from, to: to)))
    }
    var assignees: [String] = []
    for t in kept where !assignees.contains(t.assignee!) { assignees.append(t.assignee!) }
    #expect(one.dimensions["assignee"]?.values == assignees)
    #expect(
      one.dimensions["assignee"]?.codes
        == kept.map { Int32(assignees.firstIndex(of: $0.assignee!)!) })
    var tagValues: [String] = []
    var tagCodes: [Int32] = []
    var tagOffsets: [Int32] = [0]
    for t in kept {
      var row: [Int32] = []
      for tag in t.tags {
        if !tagValues.contains(tag) { tagValues.append(tag) }
        let c = Int32(tagValues.firstIndex(of: tag)!)
        if !row.contains(c) { row.append(c) }
      }
      tagCodes += row
      tagOffsets.append(Int32(tagCodes.count))
    }
    #expect(one.tags.values == tagValues && one.tags.codes == tagCodes)
    #expect(one.tags.offsets == tagOffsets)
    #expect(split.createdAt == one.createdAt && split.firstReplyAt == one.firstReplyAt)
    #expect(split.replies == one.replies && split.satisfaction == one.satisfaction)
    #expect(split.vendor.map(\.count) == one.vendor.map(\.count))
    for (name, column) in one.dimensions {
      #expect(split.dimensions[name]?.values == column.values, "\(name)")
      #expect(split.dimensions[name]?.codes == column.codes, "\(name)")
    }
    #expect(split.tags.values == one.tags.values && split.tags.codes == one.tags.codes)
    #expect(split.tags.offsets == one.tags.offsets)
    // The as-of found while reading (excluded tickets count) is the warehouse's, either way;
    // the chats are read on their own connection beside the ticket parts.
    let sequential = try w.readColumns(parts: 1, chats: true)
    let parallel = try w.readColumns(parts: parts, chats: true)
    #expect(sequential.asOf == (try w.dataAsOf()) && parallel.asOf == sequential.asOf)
    #expect(parallel.chats.count == sequential.chats.count)
    // Some columns only: those equal the full read's, the others stay empty, the as-of holds.
    let some = ColumnSelection(
      tickets: [.firstReplyAt, .replies, .dimension("assignee")], chats: [.offline])
    let few = try w.readColumns(parts: parts, chats: true, selection: some)
    #expect(few.tickets.count == 490 && few.asOf == sequential.asOf)
    #expect(few.tickets.firstReplyAt == one.firstReplyAt && few.tickets.replies == one.replies)
    #expect(few.tickets.dimensions.keys.sorted() == ["assignee"])
    #expect(few.tickets.dimensions["assignee"]?.codes == one.dimensions["assignee"]?.codes)
    #expect(few.tickets.dimensions["assignee"]?.values == one.dimensions["assignee"]?.values)
    #expect(few.tickets.createdAt.isEmpty && few.tickets.tags.codes.isEmpty)
    #expect(few.tickets.vendor.allSatisfy(\.isEmpty) && few.tickets.satisfaction.isEmpty)
    #expect(few.chats.count == sequential.chats.count && few.chats.startedAt.isEmpty)
  }
}

/// Row ids far apart (rows deleted by hand, say) take the binary-search path of the key order,
/// sequentially and in parts, with the same result.
@Test(arguments: [1, 3])
func sparseRowIDsKeepKeyOrder(parts: Int) throws {
  let w = try Warehouse(path: temporaryPath("w.sqlite"))
  let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
  let tickets = (0..<3000).map { i in
    var t = ticket("k\((i * 7919) % 3000)", created: Int64(i + 1), updated: 1)
    t.assignee = "a\(i % 7)"
    return t
  }
  _ = try load(w, run: run, file: "f", tickets)
  try w.connection.execute("DELETE FROM tickets WHERE rowid % 100 != 0")
  let kept = stride(from: 99, to: 3000, by: 100).map { tickets[$0] }.sorted {
    $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
  }
  let c = try w.ticketColumns(parts: parts)
  #expect(c.count == 30)
  #expect(c.createdAt == kept.map(\.createdAt.milliseconds))
  var assignees: [String] = []
  for t in kept where !assignees.contains(t.assignee!) { assignees.append(t.assignee!) }
  #expect(c.dimensions["assignee"]?.values == assignees)
}

/// Chats come back in key order whatever the order they were loaded in.
@Test func chatColumnsAreInKeyOrder() throws {
  let w = try Warehouse(path: temporaryPath("w.sqlite"))
  let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
  var rng = SystemRandomNumberGenerator()
  let chats = (0..<300).map { i in
    var c = Chat(
      source: "src", id: "c\(Int.random(in: 0..<100_000, using: &rng))-\(i)",
      startedAt: Instant(seconds: Int64(i)))
    c.agentID = "agent-\(Int.random(in: 0..<20, using: &rng))"
    return c
  }
  let l = try w.beginTicketLoad(runID: run, file: "c", source: "src", format: "t", bytes: 0)
  try l.add(chats: chats, issues: [], read: chats.count)
  _ = try l.commit()
  let sorted = chats.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
  let c = try w.chatColumns()
  #expect(c.startedAt == sorted.map(\.startedAt.milliseconds))
  var agents: [String] = []
  for chat in sorted where !agents.contains(chat.agentID!) { agents.append(chat.agentID!) }
  #expect(c.dimensions["assignee"]?.values == agents)
  #expect(
    c.dimensions["assignee"]?.codes == sorted.map { Int32(agents.firstIndex(of: $0.agentID!)!) })
}

struct TicketRoundTripTests {
  @Test func everyFieldSurvivesTheWarehouse() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var t = Ticket(source: "zd", id: "48213", createdAt: Instant(milliseconds: 1_772_439_245_123))
    t.subject = "Charged twice, \"need\" refund"
    t.description = "line one\nline two – ünïcode"
    t.status = .waitingOnCustomer
    t.statusRaw = "Pending"
    t.priority = .urgent
    t.channel = "email"
    t.requesterID = "3912200144"
    t.requesterEmail = "dana@example.org"
    t.requesterName = "Dana Reyes"
    t.assignee = "Priya N"
    t.group = "Billing"
    t.organization = "Example Org"
    t.ticketType = "incident"
    t.tags = ["billing", "refund", "vip"]
    t.updatedAt = Instant(seconds: 1_772_552_412)
    t.firstReplyAt = Instant(seconds: 1_772_442_065)
    t.solvedAt = Instant(seconds: 1_772_532_167)
    t.reopens = 1
    t.replies = 2
    t.satisfaction = .good
    t.satisfactionScore = 5
    t.customFields = [CustomField(name: "Contact Reason", value: "Refund")]
    t.vendorMinutes.firstReply = 47
    t.vendorMinutes.firstReplyBusiness = 46
    t.vendorMinutes.firstResolution = 1548
    t.vendorMinutes.firstResolutionBusiness = 588
    t.vendorMinutes.fullResolution = 1549
    t.vendorMinutes.fullResolutionBusiness = 589
    t.vendorMinutes.agentWait = 195
    t.vendorMinutes.agentWaitBusiness = 194
    t.vendorMinutes.requesterWait = 1353
    t.vendorMinutes.requesterWaitBusiness = 393
    t.vendorMinutes.onHold = 1
    t.vendorMinutes.onHoldBusiness = 2
    var bare = Ticket(source: "zd", id: "2", createdAt: Instant(seconds: 5))
    bare.updatedAt = Instant(seconds: 6)
    _ = try load(w, run: run, file: "f", [t, bare])
    var stored = try #require(try w.ticket(source: "zd", id: "48213"))
    // Custom fields come back through the JSON column, not the decoder.
    stored.customFields = t.customFields
    #expect(stored == t)
    #expect(try w.ticket(source: "zd", id: "2") == bare)
    #expect(
      try w.connection.scalarText("SELECT custom_fields FROM tickets WHERE id = '48213'")
        == "{\"Contact Reason\":\"Refund\"}")
  }
}

struct ColumnCacheTests {
  /// A warehouse with tickets "1" (created 100 s, updated 200 s, email, tags x and y, high,
  /// vendor first reply 5 min) and "2" (created 50 s); also the run, for more loads.
  static func twoTickets() throws -> (Warehouse, String, Int64) {
    let path = temporaryPath("w.sqlite")
    let w = try Warehouse(path: path)
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    var a = ticket("1", created: 100, updated: 200)
    a.channel = "email"
    a.priority = .high
    a.tags = ["x", "y"]
    a.vendorMinutes.firstReply = 5
    _ = try load(w, run: run, file: "f", [a, ticket("2", created: 50, updated: 60)])
    return (w, path, run)
  }

  @Test func theCacheGivesTheSameColumnsAndFollowsLoads() throws {
    let (w, path, run) = try Self.twoTickets()
    let fresh = try w.metricColumns()  // builds the cache
    #expect(FileManager.default.fileExists(atPath: path + ".columns"))
    let cached = try w.metricColumns()  // reads it
    #expect(cached.tickets.createdAt == fresh.tickets.createdAt)
    #expect(
      cached.tickets.dimensions["channel"]?.codes == fresh.tickets.dimensions["channel"]?.codes)
    #expect(
      cached.tickets.tags.values == ["x", "y"]
        && cached.tickets.tags.codes == fresh.tickets.tags.codes)
    #expect(cached.tickets.vendor[0].map { $0.isNaN ? -1 : $0 } == [5, -1])
    #expect(cached.asOf == Instant(seconds: 200))
    #expect(fresh.loaded == .all && cached.loaded == .all)
    // Only the columns asked for: the others stay empty, and the answer says what it holds.
    let some = ColumnSelection(
      tickets: [.createdAt, .vendor(.firstReply), .dimension("channel"), .tags],
      chats: [.offline])
    let few = try w.metricColumns(some)
    #expect(few.loaded == some && few.tickets.count == 2 && few.asOf == cached.asOf)
    #expect(few.tickets.createdAt == fresh.tickets.createdAt)
    #expect(few.tickets.vendor[0].map { $0.isNaN ? -1 : $0 } == [5, -1])
    #expect(few.tickets.dimensions.keys.sorted() == ["channel"])
    #expect(few.tickets.tags.codes == fresh.tickets.tags.codes)
    #expect(few.tickets.solvedAt.isEmpty && few.tickets.vendor[1].isEmpty)
    #expect(few.tickets.reopens.isEmpty && few.chats.startedAt.isEmpty)
    // A new load changes the key: the next read rebuilds from SQLite.
    _ = try load(w, run: run, file: "g", [ticket("3", created: 10, updated: 300)])
    let after = try w.metricColumns()
    #expect(after.tickets.count == 3 && after.asOf == Instant(seconds: 300))
    // An all-null column still has a value per row (shared between such columns).
    #expect(after.tickets.escalatedAt == Array(repeating: TicketColumns.null, count: 3))
    #expect(try w.metricColumns().tickets.vendor[5].count == 3)
    // A damaged cache is ignored, not trusted: garbage, or a valid cache cut short.
    let whole = try Data(contentsOf: URL(fileURLWithPath: path + ".columns"))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path + ".columns"))
    #expect(try w.metricColumns().tickets.count == 3)
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: path + ".columns"))
    #expect(try w.metricColumns().tickets.count == 3)
  }
}

extension ColumnCacheTests {
  /// A first read of a few columns reads only those from SQLite and caches them; a read of
  /// others rebuilds the cache with both, so a cache grows to what its readers use.
  @Test func aPartialCacheGrowsToWhatIsAskedFor() throws {
    let (w, path, _) = try Self.twoTickets()
    let channel = ColumnSelection(tickets: [.createdAt, .dimension("channel")])
    let first = try w.metricColumns(channel)
    #expect(first.loaded == channel && first.asOf == Instant(seconds: 200))
    #expect(first.tickets.dimensions["channel"]?.values == ["email"])
    #expect(first.tickets.solvedAt.isEmpty && first.tickets.tags.codes.isEmpty)
    #expect(ColumnCache.stored(path + ".columns") == channel)
    #expect(try w.metricColumns(channel).tickets.createdAt == first.tickets.createdAt)
    // Another column: the cache is rebuilt with both.
    let priority = ColumnSelection(tickets: [.dimension("priority")])
    let second = try w.metricColumns(priority)
    #expect(second.loaded == channel.union(priority))
    #expect(second.tickets.dimensions["priority"]?.codes == [0, -1])
    #expect(ColumnCache.stored(path + ".columns") == channel.union(priority))
    let hit = try w.metricColumns(priority)
    #expect(hit.loaded == priority && hit.tickets.createdAt.isEmpty)
    // Everything, as the report asks.
    let all = try w.metricColumns()
    #expect(all.loaded == .all && all.tickets.tags.values == ["x", "y"])
    #expect(ColumnCache.stored(path + ".columns") == .all)
  }

  /// `prepareColumnCache` leaves a cache of every column for the warehouse as it is (a partial
  /// or stale one is rebuilt), reads nothing when the cache already holds them, and rebuilds
  /// after a load.
  @Test func preparingTheCacheMakesItHoldEveryColumnOnce() throws {
    let (w, path, run) = try Self.twoTickets()
    let file = path + ".columns"
    _ = try w.metricColumns(ColumnSelection(tickets: [.createdAt]))
    #expect(ColumnCache.stored(file) == ColumnSelection(tickets: [.createdAt]))
    try w.prepareColumnCache()
    #expect(ColumnCache.stored(file) == .all)
    func inode() throws -> UInt64 {
      (try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? UInt64) ?? 0
    }
    // Up to date: not written again (a rewrite renames a new file into place).
    let before = try inode()
    try w.prepareColumnCache()
    #expect(try inode() == before)
    #expect(try w.metricColumns().tickets.count == 2)
    // A load makes it stale: prepared again, it holds the new ticket.
    _ = try load(w, run: run, file: "g", [ticket("3", created: 300, updated: 310)])
    try w.prepareColumnCache()
    #expect(try inode() != before)
    #expect(ColumnCache.stored(file) == .all)
    #expect(try w.metricColumns().tickets.count == 3)
  }

  /// Codes that point past their values, or tag offsets that run backwards, reject the cache.
  @Test func codesOutOfRangeAreRefused() throws {
    var files: [Int32] = []
    defer { files.forEach { close($0) } }
    func reader(_ write: (inout ColumnCache.Writer) -> Void) -> ColumnCache.Reader {
      let fd = open(temporaryPath("codes.bin"), O_RDWR | O_CREAT | O_TRUNC, 0o600)
      files.append(fd)
      var w = ColumnCache.Writer(fd: fd)
      write(&w)
      w.flush()
      return ColumnCache.Reader(fd: fd, position: 0, remaining: w.written)
    }
    var good = reader { $0.encoded(EncodedColumn(codes: [0, -1, 1], values: ["a", "b"])) }
    #expect(try good.encoded().codes == [0, -1, 1])
    var past = reader { $0.encoded(EncodedColumn(codes: [0, 2], values: ["a", "b"])) }
    #expect(throws: (any Error).self) { _ = try past.encoded() }
    var backwards = EncodedMultiColumn()
    backwards.offsets = [0, 2, 1]
    backwards.codes = [0, 0]
    backwards.values = ["x"]
    var tags = reader { $0.multi(backwards) }
    #expect(throws: (any Error).self) { _ = try tags.multi() }
  }
}

struct SchemaVersionTests {
  /// A reader cannot migrate: an older warehouse is refused with the way to upgrade it, and
  /// the next writer upgrades it.
  @Test func readersRefuseAnOlderSchemaWithTheFix() throws {
    let path = temporaryPath("old.sqlite")
    do {
      // A warehouse as the previous release left it: every migration but the last.
      let c = try Connection(path: path, readOnly: false)
      for m in Schema.migrations.dropLast() { try c.execute(m) }
      try c.execute("PRAGMA user_version = \(Schema.migrations.count - 1)")
    }
    do {
      _ = try Warehouse(path: path, readOnly: true)
      Issue.record("expected the reader to refuse the older schema")
    } catch {
      #expect(error.description.contains("run `ticketlens run` or `ticketlens ingest`"))
    }
    _ = try Warehouse(path: path)
    #expect(try Warehouse(path: path, readOnly: true).schemaVersion == Schema.migrations.count)
  }

  /// Schema 8 moves the classification out of `tickets` into `ticket_classes`: a warehouse
  /// classified under schema 7 keeps every ticket's classification, and the old columns go.
  @Test func classificationsMoveToTheirOwnTable() throws {
    let path = temporaryPath("v7.sqlite")
    do {
      let c = try Connection(path: path, readOnly: false)
      for m in Schema.migrations.prefix(7) { try c.execute(m) }
      try c.execute(
        """
        INSERT INTO tickets (source, id, subject, priority, created_at, load_id, category,
          category_origin, category_confidence, suggested_priority, urgency, urgency_terms)
        VALUES ('d', '1', 'site down', 'low', 1, 1, 'outage', 'predicted', 0.75, 'urgent', 0.9,
          'down'),
          ('d', '2', 'hello', 'low', 2, 1, NULL, NULL, NULL, NULL, NULL, NULL),
          ('d', '3', 'refund', NULL, 3, 1, 'billing', 'label', NULL, 'normal', 0.2, NULL)
        """)
      try c.execute("PRAGMA user_version = 7")
    }
    let w = try Warehouse(path: path)
    let stored = try w.ticketCategories(predictedOnly: false)
    #expect(stored.map(\.id) == ["1", "3"])
    #expect(stored[0].category == "outage" && stored[0].origin == "predicted")
    #expect(stored[0].confidence == 0.75 && stored[0].suggestedPriority == "urgent")
    #expect(stored[1].category == "billing" && stored[1].urgency == 0.2)
    let urgent = try w.urgentLooking(threshold: 0.5)
    #expect(urgent.map(\.id) == ["1"] && urgent[0].terms == "down")
    #expect(try w.connection.scalarInt("SELECT count(*) FROM ticket_classes") == 2)
    #expect(
      try w.connection.scalarInt(
        "SELECT count(*) FROM pragma_table_info('tickets') WHERE name LIKE '%categor%' OR name LIKE 'urgency%' OR name = 'suggested_priority'"
      )
        == 0)
    #expect(
      try w.connection.scalarText("SELECT category FROM tickets_readable WHERE id = '3'")
        == "billing")
    // A ticket deleted takes its classification with it (a row id can be used again).
    try w.connection.execute("DELETE FROM tickets WHERE id = '1'")
    #expect(try w.connection.scalarInt("SELECT count(*) FROM ticket_classes") == 1)
  }
}

struct ClassificationStorageTests {
  /// The batch read as two halves of the key order on connections of their own is the batch
  /// read in one pass: the same rows, texts and codes (values first seen in the second half
  /// coded after those of the first); the inputs summary is what its separate queries give.
  @Test func aBatchReadInTwoHalvesIsTheBatchReadInOne() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "2026-01-01T00:00:00Z")
    // Inserted out of key order, so that the halves of the key order are not of row ids.
    let ids = (0..<120).map { ($0 * 37) % 120 }
    let tickets = ids.map { n -> Ticket in
      var t = ticket(String(format: "%03d", n), updated: nil, subject: "subject \(n % 7)")
      t.description = n % 5 == 0 ? "ünïcode body \(n)" : "body \(n)"
      t.priority = [TicketPriority.low, .normal, nil, .high][n % 4]
      // Tags and field values seen only late in the key order, and some in both halves.
      t.tags = n >= 90 ? ["late_\(n % 3)", "contact_reason_x\(n % 2)"] : ["early"]
      if n % 3 != 0 {
        t.customFields = [CustomField(name: "reason", value: n < 60 ? "a\(n % 4)" : "b\(n % 5)")]
      }
      return t
    }
    _ = try load(w, run: run, file: "f", tickets)
    try w.connection.execute("UPDATE tickets SET excluded = 'test' WHERE id = '005'")
    for prefix in [nil, "contact_reason_"] {
      let one = try w.classifierBatch(categoryFields: ["reason"], tagPrefix: prefix, parts: 1)
      let two = try w.classifierBatch(categoryFields: ["reason"], tagPrefix: prefix, parts: 2)
      #expect(one.count == 119 && two.count == 119)
      #expect(one.rowids == two.rowids && one.keyHashes == two.keyHashes)
      for k in [\ClassifierTickets.fieldCategories, \.tagCategories, \.tags, \.priorities] {
        #expect(one[keyPath: k].codes == two[keyPath: k].codes)
        #expect(one[keyPath: k].values == two[keyPath: k].values)
      }
      #expect((0..<119).allSatisfy { one.texts[$0] == two.texts[$0] })
      #expect(one.fieldCategories.values.contains("b0"))
      #expect((prefix == nil ? one.tags : one.tagCategories).values.count >= 2)
    }
    let inputs = try w.classifierInputs()
    let sum = try w.connection.scalarInt("SELECT sum(load_id) FROM tickets") ?? 0
    #expect(inputs.key == "tickets=120 loads=\(sum)")
    #expect(inputs.newestLoad == (try w.connection.scalarInt("SELECT max(load_id) FROM tickets")))
    #expect(inputs.included == 119)
  }

  @Test func categoryFieldsAreReadByExactNameAndClassificationsRoundTrip() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "2026-01-01T00:00:00Z")
    var a = ticket("1", updated: nil, subject: "refund please")
    a.customFields = [
      CustomField(name: "cf.reason \"x\"", value: "billing"),
      CustomField(name: "cf_contact_reason", value: "refund"),
    ]
    a.tags = ["vip", "contact_reason_refund"]
    a.priority = .low
    var b = ticket("2", updated: nil, subject: "where is my parcel")
    b.customFields = [CustomField(name: "cf_contact_reason", value: " ")]
    _ = try load(w, run: run, file: "f", [a, b])
    let rows = try w.classifierTickets(categoryFields: ["missing", "cf_contact_reason"])
    #expect(rows.map(\.id) == ["1", "2"])
    #expect(rows[0].fieldCategory == "refund" && rows[0].priority == "low")
    #expect(rows[0].tags == "vip contact_reason_refund")
    // A blank value counts as missing; a name with a dot and quotes is matched exactly.
    #expect(rows[1].fieldCategory == nil)
    let quoted = try w.classifierTickets(categoryFields: ["cf.reason \"x\""])
    #expect(quoted[0].fieldCategory == "billing")
    #expect(try w.classifierTickets(categoryFields: [])[0].fieldCategory == nil)
    // The compact batch: the same tickets with their texts apart; with a tag prefix, the tags
    // are read down to what follows the prefix.
    let batch = try w.classifierBatch(
      categoryFields: ["cf_contact_reason"], tagPrefix: "contact_reason_")
    #expect(batch.rowids == rows.map(\.rowid) && batch.texts.count == 2)
    #expect(
      batch.keyHashes
        == rows.map { ClassifierTickets.keyHash(source: $0.source, id: $0.id) })
    #expect(batch.texts[0] == rows[0].text && batch.texts[1] == rows[1].text)
    #expect(batch.tags[0] == "" && batch.tags[1] == "")
    #expect(batch.tagCategories[0] == "refund" && batch.tagCategories[1] == nil)
    #expect(batch.fieldCategories[0] == "refund" && batch.fieldCategories[1] == nil)
    #expect(batch.priorities[0] == "low" && batch.priorities.values.count <= 2)
    // The same tickets read in full become the same compact batch.
    let full = ClassifierTickets(rows)
    #expect(full.rowids == batch.rowids && full.keyHashes == batch.keyHashes)
    #expect(full.tags[0] == "vip contact_reason_refund" && full.tagCategories[0] == nil)
    #expect(
      Warehouse.firstTag(
        in: "contact_reason_ a contact_reason_b", prefix: Array("contact_reason_".utf8)) == "b")

    var c1 = TicketClassification(rowid: rows[0].rowid)
    c1.category = "refund"
    c1.origin = "label"
    c1.suggestedPriority = "urgent"
    c1.urgency = 0.9
    c1.urgencyTerms = "down, production"
    var c2 = TicketClassification(rowid: rows[1].rowid)
    c2.category = "shipping"
    c2.origin = "predicted"
    c2.confidence = 0.8
    c2.urgency = 0.1
    let model = StoredClassifierModel(
      model: "category", labelled: 1, holdout: 1, predicted: 1, vocabulary: 5, alpha: 0.1,
      temperature: 0.5, confusion: [("refund", "refund", 1)])
    let before = try w.columnCacheKey()
    try w.storeClassifications([c1, c2], models: [model], key: 42)
    #expect(try w.columnCacheKey() != before)
    #expect(try w.classificationKey() == 42)
    #expect(try w.classifierModels() == [model])
    let stored = try w.ticketCategories(predictedOnly: false)
    #expect(stored.map(\.category) == ["refund", "shipping"])
    #expect(try w.ticketCategories(predictedOnly: true).map(\.id) == ["2"])
    let urgent = try w.urgentLooking(threshold: 0.5)
    #expect(urgent.map(\.id) == ["1"] && urgent[0].terms == "down, production")
    #expect(
      try w.ticketColumns().dimensions["category"]?.values.sorted() == ["refund", "shipping"])
    // Storing again replaces everything.
    try w.storeClassifications([], models: [], key: 7)
    #expect(try w.ticketCategories(predictedOnly: false).isEmpty)
    #expect(try w.classifierModels().isEmpty)
  }
}

struct QualityCheckTests {
  @Test func checksFindTheRowsThatBreakThemAndGradeBySharesAndStrictness() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "2026-01-01T00:00:00Z")
    var tickets: [Ticket] = []
    for i in 0..<20 {
      var t = ticket(String(100 + i), created: 10_000, updated: nil)
      t.status = .open
      t.channel = "email"
      tickets.append(t)
    }
    tickets[0].solvedAt = Instant(seconds: 10_000 - 600)  // 10 min before created
    tickets[1].firstReplyAt = Instant(seconds: 9_940)  // 1 min before created
    tickets[2].channel = "carrier pigeon"
    tickets[3].status = nil
    tickets[4].excluded = "spam"  // left out of the checks that skip excluded tickets
    tickets[4].status = nil
    _ = try load(w, run: run, file: "f", tickets)
    var s = QualitySettings()
    s.warnShare = 0.0
    s.errorShare = 0.07
    let results = try w.runQualityChecks(s, runID: run)
    func result(_ name: String) throws -> QualityResult {
      try #require(results.first { $0.check.name == name })
    }
    // 1 of 19 live tickets (5 %): above warn, below error.
    let solved = try result("tickets_solved_after_created")
    #expect(solved.checked == 1 && solved.failed == 1 && solved.status == "error")
    #expect(solved.examples.map(\.id) == ["100"] && solved.examples[0].detail.contains("10 min"))
    let reply = try result("tickets_first_reply_after_created")
    #expect(reply.failed == 1 && reply.examples[0].detail == "replied 1 min before created")
    let channel = try result("tickets_accepted_channel")
    #expect(channel.checked == 19 && channel.failed == 1 && channel.status == "warn")
    #expect(channel.examples[0].detail == "channel 'carrier pigeon'")
    let status = try result("tickets_required_status")
    #expect(status.checked == 19 && status.failed == 1 && status.status == "warn")
    #expect(try result("tickets_unique_key").status == "pass")
    #expect(
      try result("files_accounted").checked == 1 && result("files_accounted").status == "pass")
    // Stored and read back, with the failing rows.
    try w.storeQualityResults(results, runID: run)
    let stored = try w.qualityResults(runID: run)
    #expect(stored.map(\.check) == results.map(\.check.name))
    #expect(stored.first { $0.check == "tickets_accepted_channel" }?.failures.map(\.id) == ["102"])
    #expect(try w.qualityResults(runID: run + 1).isEmpty)
  }

  /// The checks of single rows are counted together in one pass per table: every result's
  /// counts equal its own queries run alone (its count of checked rows, its failing rows).
  @Test func countingInOnePassMatchesEachCheckAlone() throws {
    let w = try Warehouse(path: temporaryPath("w.sqlite"))
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "2026-01-01T00:00:00Z")
    var tickets: [Ticket] = []
    for i in 0..<200 {
      var t = ticket(String(1000 + i), created: 10_000, updated: nil)
      t.status = i % 17 == 0 ? nil : .open
      t.channel = i % 13 == 0 ? "fax" : (i % 11 == 0 ? nil : "web")
      t.priority = i % 7 == 0 ? nil : .high
      if i % 5 == 0 { t.solvedAt = Instant(seconds: i % 10 == 0 ? 9_000 : 11_000) }
      if i % 3 == 0 { t.firstReplyAt = Instant(seconds: 10_060) }
      if i % 19 == 0 { t.excluded = "spam" }
      tickets.append(t)
    }
    _ = try load(w, run: run, file: "f", tickets)
    let results = try w.runQualityChecks(QualitySettings(), runID: run)
    #expect(results.count { $0.check.rowsFailing != nil } >= 6)
    for r in results {
      let checked = try w.connection.scalarInt(r.check.checked) ?? -1
      let failing = try w.connection.scalarInt("SELECT count(*) FROM (\(r.check.failing))") ?? -1
      #expect(r.checked == checked && r.failed == failing, "\(r.check.name)")
    }
    #expect(
      results.contains { $0.failed > 0 } && results.contains { $0.failed == 0 && $0.checked > 0 })
    // The key checks are answered by the primary keys (SQLite enforces them on every write);
    // a table without such an index would be grouped row by row.
    #expect(try w.hasUniqueIndex("tickets", on: ["source", "id"]))
    #expect(try w.hasUniqueIndex("chats", on: ["source", "id"]))
    #expect(try !w.hasUniqueIndex("tickets", on: ["id"]))
    #expect(try !w.hasUniqueIndex("rejects", on: ["source", "id"]))
  }
}

struct JSONTextTests {
  /// Strings round-trip through a JSON parser, with every escape; digits are exact at the ends
  /// of the range.
  @Test func stringsAndNumbersAreValidJSON() throws {
    let samples = [
      "", "plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{1}\u{1F}\u{7F}",
      "ünïcode – 日本 🙂", String(repeating: "x", count: 1000) + "\"",
    ]
    for s in samples {
      var out: [UInt8] = [0x5B]
      appendJSONString(s, to: &out)
      out.append(0x5D)
      let back = try JSONSerialization.jsonObject(with: Data(out)) as? [String]
      #expect(back == [s], "\(s)")
    }
    for v: Int64 in [0, 7, -1, 1_772_439_245_123, Int64.max, Int64.min] {
      var out: [UInt8] = []
      appendDecimal(v, to: &out)
      #expect(String(decoding: out, as: UTF8.self) == String(v))
    }
  }
}

/// The classifiers' coded strings give every row its own value back, whether appended as a
/// String or as bytes, with few values (looked up one by one) or many (looked up by index), in
/// runs or not; values equal to Swift but not byte for byte stay apart.
struct CodedStringsTests {
  @Test func everyRowGetsItsOwnValueBack() {
    var rows: [String?] = []
    for i in 0..<200 {
      rows.append(i % 7 == 0 ? nil : "value \(i % 3 == 0 ? i % 40 : i % 5)")
    }
    rows += ["Caf\u{E9}", "Cafe\u{301}", "Caf\u{E9}", "", "", nil]
    var coded = CodedStrings()
    for (i, r) in rows.enumerated() {
      if i % 2 == 0 {
        coded.append(r)
      } else if var s = r {
        s.withUTF8 { coded.append(bytes: $0) }
      } else {
        coded.append(bytes: nil)
      }
    }
    #expect(coded.count == rows.count)
    for (i, r) in rows.enumerated() {
      #expect(coded[i].map { Array($0.utf8) } == r.map { Array($0.utf8) }, "row \(i)")
    }
    let distinct = Set(rows.compactMap { $0.map { Array($0.utf8) } })
    #expect(coded.values.count == distinct.count && coded.values.count > 16)
  }
}
