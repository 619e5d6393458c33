import ArgumentParser
import Foundation
import TicketLensPipeline
import TicketLensWarehouse

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Render the report from an existing warehouse, without ingesting.")

  @Option(
    help: "Take the warehouse, output, time zone, tables, schedule and SLA from this pipeline.")
  var pipeline: String?
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "The output folder.") var out: String?
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms in every output.")
  var redact = false
  @Option(help: "The instant the report describes (default: the newest update).") var asOf: String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0

  func run() throws {
    do {
      let config = try pipeline.map { p throws in try PipelineConfig.load(path: p) }
      let path = warehouse ?? config?.warehouse ?? "reports/ticketlens.sqlite"
      try requireWarehouse(path)
      var settings =
        config.map { ReportSettings(pipeline: $0, threads: threads) }
        ?? ReportSettings(
          title: "TicketLens report", producedBy: "ticketlens report", timeZone: "UTC",
          metrics: ReportSettings.defaultMetrics, output: "reports", threads: threads)
      if let out { settings.output = out }
      if redact { settings.redact = true }
      settings.asOf = try MetricExport.parseAsOf(asOf)
      let wh = try Warehouse(path: path, readOnly: true)
      let last = try wh.runs(limit: 1).first?.id
      let r = try ReportBuilder.write(
        warehouse: wh, settings: settings, runID: last, thresholdExceeded: false)
      for w in r.warnings { FileHandle.standardError.write(Data(("warning: " + w + "\n").utf8)) }
      print("report: \(r.html ?? r.folder)")
    } catch {
      throw fail(error)
    }
  }
}
