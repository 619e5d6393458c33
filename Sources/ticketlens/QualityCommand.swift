import ArgumentParser
import Foundation
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse

struct QualityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quality",
    abstract:
      "Run the data-quality checks on the warehouse now (the pipeline's `quality:` settings) and print one row per check, or the failing rows; exits 4 when a check fails."
  )

  @Flag(help: "Print the failing rows instead of the checks.") var failures = false
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, cfg) = try options.warehousePath()
      let wh = try Warehouse(path: path, readOnly: true)
      let results = try wh.runQualityChecks(
        cfg?.quality ?? QualitySettings(), runID: try wh.runs(limit: 1).first?.id
      ).map(\.stored)
      try options.write(
        failures
          ? DataQualityTables.qualityFailures(results) : DataQualityTables.qualityTable(results))
      if results.contains(where: { $0.status == "error" }) { throw ExitCode(4) }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
