import ArgumentParser
import Foundation
import TicketLensInsights
import TicketLensPipeline
import TicketLensWarehouse

struct FollowUpsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "followups",
    abstract:
      "Tickets to look at again: long pending, unresolved with a negative customer, or rated bad with no reply since; most urgent first."
  )

  @Option(help: "Days waiting on the customer before a pending ticket is listed.") var pendingDays =
    3.0
  @Option(help: "The instant the list describes (default: the newest update).") var asOf: String?
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, _) = try options.warehousePath()
      let wh = try Warehouse(path: path, readOnly: true)
      let instant = try MetricExport.parseAsOf(asOf) ?? MetricDataLoader.dataAsOf(wh)
      try options.write(
        try FollowUpList.table(
          warehouse: wh, asOf: instant.milliseconds, pendingDays: pendingDays))
    } catch {
      throw fail(error)
    }
  }
}
