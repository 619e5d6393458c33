import ArgumentParser
import Foundation
import TicketLensPipeline

struct CustomersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "customers",
    abstract:
      "Top requesters or organizations by volume, with open tickets, CSAT and repeat contacts.")

  @Option(help: "requester or organization.") var by = "requester"
  @Option(help: "How many.") var top = 20
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, _) = try options.load()
      try options.write(try TrendCommands.customers(by: by, top: top, data: data))
    } catch {
      throw fail(error)
    }
  }
}
