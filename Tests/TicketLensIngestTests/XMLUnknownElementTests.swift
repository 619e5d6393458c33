import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel

/// Elements of a `<ticket>` that the Zendesk XML reader neither reads nor documents are warned
/// about, with their path and the nearest element read.
struct XMLUnknownElementTests {
  @Test func unknownElementsAreNamedWithTheNearestKnownOne() throws {
    let xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <tickets type="array">
        <ticket>
          <nice-id>1</nice-id>
          <created-at>2026-03-02T08:00:00Z</created-at>
          <status-id>1</status-id>
          <subjct>Typo</subjct>
          <mood>angry</mood>
          <external-id nil="true"></external-id>
        </ticket>
      </tickets>

      """
    let b = try readAll(xml, name: "export.xml")
    #expect(b.read == 1 && b.tickets.count == 1)
    let warnings = b.issues.filter { $0.severity == .warning }
    #expect(
      warnings.map(\.location.field) == ["/tickets/ticket[1]/subjct", "/tickets/ticket[1]/mood"])
    #expect(warnings[0].message.hasSuffix("did you mean 'subject'?"))
    #expect(warnings[0].code == .unknownColumn && !warnings[1].message.contains("did you mean"))
  }

  @Test func theSampleExportWarnsOfNothing() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("sample-data/zendesk_tickets.xml").path
    let b = try readFile(path, name: "zendesk_tickets.xml")
    #expect(b.issues.allSatisfy { $0.severity != .warning }, "\(b.issues.prefix(3))")
  }
}
