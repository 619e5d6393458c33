import Foundation
import Testing
import TicketLensModel

@testable import TicketLensIngest
import TicketLensTestSupport

/// Users and groups exports (and id,name CSVs) become the names a report shows for ids.
@Suite struct PeopleReaderTests {
  func file(_ name: String, _ text: String) throws -> String {
    let path = Scratch.file(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func vendorExportsAndCSVs() throws {
    var d = NameDirectory()
    // Zendesk's users and groups exports (ids are numbers).
    _ = try PeopleReader.read(
      path: try file(
        "users.json",
        #"{"users":[{"id":381234501,"name":"Tom Becker","role":"agent"},{"id":9,"name":"Ann Lee","role":"end-user"}],"next_page":null}"#
      ), into: &d)
    _ = try PeopleReader.read(
      path: try file("zd_groups.json", #"{"groups":[{"id":360001,"name":"Billing"}]}"#), into: &d)
    // Freshdesk's agents (the name is the agent's contact's) and a groups list named as such.
    _ = try PeopleReader.read(
      path: try file("agents.json", #"[{"id":77,"contact":{"name":"Priya N","email":"p@x"}}]"#),
      into: &d)
    _ = try PeopleReader.read(
      path: try file("fd-groups.json", #"[{"id":5,"name":"Tier 2"}]"#), into: &d)
    // One user per line, as Zendesk's incremental export.
    _ = try PeopleReader.read(
      path: try file(
        "inc.ndjson", "{\"id\":12,\"name\":\"Kenji Sato\"}\n\n{\"id\":13,\"name\":\"Lea\"}\n"),
      into: &d)
    // A CSV with a kind column; a row without a name is left out and said where.
    let csv = try PeopleReader.read(
      path: try file(
        "people.csv", "id,name,kind\na1,Omar Haddad,agent\ng7,Escalations,group\nx,,agent\n"),
      into: &d)
    #expect(
      d.people == [
        "381234501": "Tom Becker", "9": "Ann Lee", "77": "Priya N", "12": "Kenji Sato", "13": "Lea",
        "a1": "Omar Haddad",
      ])
    #expect(d.groups == ["360001": "Billing", "5": "Tier 2", "g7": "Escalations"])
    #expect(csv.read == 3 && csv.named == 2 && csv.skipped.count == 1)
    #expect(csv.skipped.first?.location.line == 4)
    #expect(d.name(of: "381234501", column: "assignee") == "Tom Becker")
    #expect(d.name(of: "5", column: "main_group") == "Tier 2")
    #expect(d.name(of: "5", column: "assignee") == nil)
    d.namesRequesters = false
    #expect(d.name(of: "9", column: "requester") == nil)
    #expect(d.name(of: "9", column: "assignee") == "Ann Lee")
  }

  @Test func whatIsNotAPeopleFileSaysWhatWasExpected() throws {
    var d = NameDirectory()
    #expect(throws: IngestIssue.self) {
      try PeopleReader.read(path: try file("tickets.json", #"{"tickets":[{"id":1}]}"#), into: &d)
    }
    #expect(throws: IngestIssue.self) {
      try PeopleReader.read(path: try file("junk.json", "this is not json at all"), into: &d)
    }
    #expect(throws: IngestIssue.self) {
      try PeopleReader.read(path: try file("noname.csv", "id,email\n1,a@b\n"), into: &d)
    }
    // An entry without an id or name is left out, the others kept.
    let r = try PeopleReader.read(
      path: try file("partial.json", #"{"users":[{"id":1},{"name":"No Id"},{"id":2,"name":"B"}]}"#),
      into: &d)
    #expect(r.read == 3 && r.named == 1 && r.skipped.count == 2)
    #expect(r.skipped.first?.description.contains("users[0]") == true)
    #expect(d.people == ["2": "B"])
  }
}
