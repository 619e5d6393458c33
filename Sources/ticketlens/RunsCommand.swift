import ArgumentParser
import Foundation
import TicketLensModel
import TicketLensWarehouse

struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs", abstract: "Show the run history stored in the warehouse.")

  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"
  @Option(help: "How many runs.") var limit = 20

  func run() throws {
    do {
      let wh = try Warehouse(path: warehouse, readOnly: true)
      print("id\tstarted_at\tended_at\tseconds\tstatus\tcommand\tfiles\tread\trejected\tmessage")
      let parser = TimestampParser()
      for r in try wh.runs(limit: limit) {
        var seconds = ""
        if let end = r.endedAt, case .success(let a) = parser.parse(r.startedAt),
          case .success(let b) = parser.parse(end)
        {
          seconds = String((b.milliseconds - a.milliseconds) / 1000)
        }
        let message = (r.message ?? "").replacingOccurrences(of: "\n", with: " ")
          .replacingOccurrences(of: "\t", with: " ")
        print(
          "\(r.id)\t\(r.startedAt)\t\(r.endedAt ?? "")\t\(seconds)\t\(r.status)\t\(r.command)\t\(r.files)\t\(r.read)\t\(r.rejected)\t\(message)"
        )
      }
    } catch {
      throw fail(error)
    }
  }
}
