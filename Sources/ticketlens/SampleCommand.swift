import ArgumentParser
import Foundation
import TicketLensModel
import TicketLensSample

struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Generate realistic sample exports in every supported format.")

  @Option(help: "Tickets in the generic CSV export; the other files are sized from it.")
  var tickets = 3000
  @Option(help: "Tickets in the Zendesk CSV export (default: a quarter of --tickets).")
  var zendeskTickets: Int?
  @Option(help: "Output folder.") var out = "sample-data"
  @Option(help: "Random seed.") var seed: UInt64 = 42
  @Option(help: "Days covered.") var days = 91
  @Option(help: "Zendesk account time zone (its CSV timestamps are wall-clock in this zone).")
  var zendeskTimezone = "Europe/Berlin"
  @Flag(help: "Write only the generic ticket CSV (for benchmarks).") var ticketsOnly = false

  func run() throws {
    guard let zone = ZoneRules(identifier: zendeskTimezone) else {
      throw ValidationError("'\(zendeskTimezone)' is not an IANA time zone")
    }
    do {
      if ticketsOnly {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var o = SampleOptions(tickets: tickets, seed: seed)
        o.days = days
        let n = try SampleGenerator(options: o).write(.genericCSV, to: out + "/tickets.csv")
        print("\(out)/tickets.csv: \(n) records")
        return
      }
      let files = try SampleDataSet.write(
        to: out, tickets: tickets, zendeskCSVTickets: zendeskTickets, seed: seed, days: days,
        accountZone: zone)
      for (name, n) in files { print("\(out)/\(name): \(n) records") }
    } catch {
      throw fail(error)
    }
  }
}
