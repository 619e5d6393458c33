import ArgumentParser
import Foundation
import TicketLensIngest
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse

struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest", abstract: "Load export files into the warehouse without a pipeline.")

  @Argument(help: "Export files to load.") var files: [String]
  @Option(help: "The input format (default: detected from the content); see the README.")
  var format: String?
  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"
  @Option(help: "Zone of timestamps without an offset (IANA).") var sourceTimezone = "UTC"
  @Option(help: "Source name, half of each ticket's key.") var source = "default"
  @Flag(help: "Print one JSON object per file.") var json = false
  @Flag(help: "Read files again even when unchanged since their last load.") var reload = false
  @Flag(help: "Do not score sentiment while loading (a later run scores what is missing).")
  var noSentiment = false
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @OptionGroup var logging: LoggingOptions

  func validate() throws {
    if let format, InputFormat(rawValue: format) == nil {
      throw ValidationError(
        "unknown format '\(format)'; use one of "
          + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
    }
    if ZoneRules(identifier: sourceTimezone) == nil {
      throw ValidationError("'\(sourceTimezone)' is not an IANA time zone")
    }
  }

  func run() throws {
    _ = logging.bootstrap()
    Cancellation.install()
    do {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: warehouse).deletingLastPathComponent().path,
        withIntermediateDirectories: true)
      let lock = try WriterLock(warehouse: warehouse, wait: wait, command: "ingest")
      defer { withExtendedLifetime(lock) {} }
      let wh = try Warehouse(path: warehouse)
      let runID = try wh.beginRun(command: "ingest", pipeline: nil, startedAt: Clock.nowISO())
      let ingestor = TicketIngestor(workers: threads, scoresSentiment: !noSentiment)
      var results: [FileResult] = []
      do {
        for f in files {
          results.append(
            try ingestor.load(
              path: f, format: format.flatMap(InputFormat.init(rawValue:)), source: source,
              zone: ZoneRules(identifier: sourceTimezone)!, warehouse: wh, runID: runID,
              incremental: !reload))
        }
        if !noSentiment { try SentimentStage.run(wh, threads: threads) }
      } catch {
        try? wh.finishRun(
          runID, status: error is Cancellation.Cancelled ? "cancelled" : "failed",
          endedAt: Clock.nowISO(), files: results.map(\.accounting), message: "\(error)")
        throw error
      }
      try wh.finishRun(
        runID, status: "succeeded", endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: nil)
      if json {
        for r in results {
          let a = r.accounting
          let errors = (r.errors.isEmpty && a.failed != nil ? [a.failed!] : r.errors)
          print(
            "{\"file\": \(JSONText.quote(a.file)), \"read\": \(a.read), \"inserted\": \(a.inserted), \"updated\": \(a.updated), \"unchanged\": \(a.unchanged), \"superseded\": \(a.superseded), \"rejected\": \(a.rejected), \"errors\": ["
              + errors.map(JSONText.quote).joined(separator: ", ") + "], \"warnings\": ["
              + r.warnings.map(JSONText.quote).joined(separator: ", ") + "]}")
        }
      } else if !logging.quiet {
        printAccounting(results)
        // Warnings name keys and formats, never values.
        for r in results { for w in r.warnings { print("  warning: \(w)") } }
        // Problem messages quote the offending values: only on request (`--verbose`).
        for r in results where !r.errors.isEmpty {
          if logging.verbose {
            for e in r.errors.prefix(5) { print("  \(e)") }
          } else {
            print(
              "  \(r.errors.count) problem(s) in \(r.accounting.file): --verbose prints them; all are in the rejects table"
            )
          }
        }
      }
      if results.contains(where: { $0.accounting.failed != nil }) { throw ExitCode(1) }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
