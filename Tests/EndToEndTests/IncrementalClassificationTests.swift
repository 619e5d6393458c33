import Foundation
import Testing

/// The nightly delta: tickets loaded after the models were trained are classified by the kept
/// models (no training), exactly as the tickets they copy were; past `retrain_share` the models
/// are trained again.
struct IncrementalClassificationTests {
  static func quoted(_ row: [String]) -> String {
    row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
      .joined(separator: ",")
  }

  @Test func newTicketsAreClassifiedByTheKeptModelsAsTheirTwinsWere() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    let rows = ReferenceCSV.rows(try String(contentsOfFile: sample, encoding: .utf8))
    let header = rows[0]
    let id = header.firstIndex(of: "id")!
    let tags = header.firstIndex(of: "tags")!
    try FileManager.default.createDirectory(
      atPath: dir + "/in", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: sample, toPath: dir + "/in/a.csv")
    func pipeline(retrain: String) throws -> String {
      let text = """
        warehouse: w.sqlite
        output: out
        sources:
          - {name: helpdesk, format: generic-csv, paths: in/*.csv}
        insights: {gaps: false, category_tag_prefix: contact_reason_\(retrain)}
        """
      try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
      return dir + "/p.yml"
    }
    let p = try pipeline(retrain: "")
    func normalize() throws -> String {
      #expect(try CLI.run(["run", p, "--only", "ingest", "-q"]).status == 0)
      let r = try CLI.run(["run", p, "--only", "normalize"])
      #expect(r.status == 0, "\(r.stderr)")
      return r.stderr
    }
    func classified() throws -> [String: [String]] {
      let r = try CLI.run(["categories", "--show", "tickets", "--pipeline", p])
      #expect(r.status == 0, "\(r.stderr)")
      var out: [String: [String]] = [:]
      for row in ReferenceCSV.rows(r.stdout).dropFirst() { out[row[0]] = row }
      return out
    }
    let first = try normalize()
    let before = try classified()
    #expect(first.contains("categories and priorities of \(before.count) tickets (models trained)"))

    // 40 new tickets, each the twin of a stored ticket that records no category (so its
    // category is predicted): new id, same text, tags and priority.
    let twins = rows.dropFirst().filter { !$0[tags].contains("contact_reason_") }.prefix(40)
    #expect(twins.count == 40)
    var delta = Self.quoted(header) + "\n"
    for var row in twins {
      row[id] = "9" + row[id]
      delta += Self.quoted(row) + "\n"
    }
    try delta.write(toFile: dir + "/in/b.csv", atomically: true, encoding: .utf8)
    let log = try normalize()
    #expect(
      log.contains("categories and priorities of 40 new or changed tickets (kept models)"), "\(log)"
    )
    let after = try classified()
    #expect(after.count == before.count + 40)
    for (key, row) in before { #expect(after[key] == row, "\(key)") }
    for row in twins {
      let original = try #require(before["helpdesk/" + row[id]])
      let twin = try #require(after["helpdesk/9" + row[id]])
      #expect(original[0] != twin[0])
      // Category, origin, confidence, priority, suggested priority, urgency, subject.
      #expect(Array(original.dropFirst()) == Array(twin.dropFirst()))
      #expect(twin[2] == "predicted")
    }
    // Nothing new: nothing classified.
    #expect(!(try normalize()).contains("categories and priorities"))

    // retrain_share 0: any change trains the models again on everything.
    _ = try pipeline(retrain: ", retrain_share: 0")
    var one = Self.quoted(header) + "\n"
    var row = twins.first!
    row[id] = "8" + row[id]
    one += Self.quoted(row) + "\n"
    try one.write(toFile: dir + "/in/c.csv", atomically: true, encoding: .utf8)
    let retrained = try normalize()
    #expect(
      retrained.contains(
        "categories and priorities of \(before.count + 41) tickets (models trained)"),
      "\(retrained)")
  }
}
