import ArgumentParser
import Foundation
import TicketLensModel
import TicketLensPipeline
import TicketLensWarehouse

struct FactsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "facts",
    abstract:
      "Load a pipeline's sources, then write its per-record facts for Spark (gzip CSV, one partition per source and month).",
    discussion: """
      Every ticket and chat with what each metric reads of it: cohort days in the report zone,
      dimensions, tags, durations in calendar and business time, SLA outcomes, rates' hits.
      Only partitions whose content changed are written again. `ticketlens spark-sql` prints
      the SQL that computes the report's tables from them.
      """)

  @Argument(help: "The pipeline file (YAML).") var pipeline: String
  @Option(
    help:
      "The folder to write (default: the pipeline's spark.facts, else facts/ beside the warehouse)."
  )
  var out: String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Flag(help: "Read files again even when unchanged since their last load.") var reload = false
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @OptionGroup var logging: LoggingOptions

  func run() throws {
    let logger = logging.bootstrap()
    Cancellation.install()
    do {
      let config = try PipelineConfig.load(path: pipeline)
      var runner = PipelineRunner(
        config: config, logger: logger, threads: threads, incremental: !reload)
      runner.stages = Set(PipelineRunner.stageIDs(config)).subtracting(
        PipelineRunner.reportStages)
      let lock = try WriterLock(
        warehouse: config.warehouse, wait: wait, command: "facts \(pipeline)")
      defer { withExtendedLifetime(lock) {} }
      let outcome = try runner.run()
      if let m = outcome.message {
        FileHandle.standardError.write(Data(("error: " + m + "\n").utf8))
      }
      if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
      let warehouse = try Warehouse(path: config.warehouse, readOnly: true)
      let s = try runner.writeFacts(warehouse, to: out)
      if !logging.quiet {
        print(
          "facts: \(s.tickets) tickets, \(s.chats) chats in \(s.partitions) partitions (\(s.written) written, \(s.unchanged) unchanged, \(s.removed) removed) in \(s.directory)"
        )
      }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

struct SparkSQLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "spark-sql",
    abstract: "Print the pipeline's report tables compiled to Spark SQL over its facts.",
    discussion: """
      The script defines the views `tickets` and `chats` over the facts folder and one SELECT
      per report table, computing exactly what the embedded engine computes. Run it with
      `spark-sql -f FILE`; `ticketlens run --engine spark` submits it itself.
      """)

  @Argument(help: "The pipeline file (YAML).") var pipeline: String
  @Option(
    help:
      "The facts folder (default: the pipeline's spark.facts, else facts/ beside the warehouse).")
  var facts: String?
  @Option(
    help:
      "Also write the PySpark program that runs the script and writes its tables as JSON (spark-submit FILE SCRIPT RESULTS.json)."
  ) var driver: String?
  @OptionGroup var logging: LoggingOptions

  func run() throws {
    _ = logging.bootstrap()
    do {
      let config: PipelineConfig = try PipelineConfig.load(path: pipeline)
      let dir = facts ?? config.factsDirectory
      // The facts' own as-of (the backlog's last day, the SLA clocks); without facts yet, the
      // warehouse's.
      let asOf: Instant
      var format = config.spark.format
      if let m = FactsManifest.read(dir) {
        asOf = Instant(milliseconds: m.asOfMilliseconds)
        format = m.format
      } else {
        let warehouse: Warehouse = try Warehouse(path: config.warehouse, readOnly: true)
        asOf = try MetricDataLoader.dataAsOf(warehouse) as Instant
      }
      let script = try SparkEngine.script(
        settings: ReportSettings(pipeline: config), asOf: asOf, factsDirectory: dir,
        format: format)
      if let driver {
        try SparkEngine.driver.write(toFile: driver, atomically: true, encoding: .utf8)
      }
      print(script.text, terminator: "")
    } catch {
      throw fail(error)
    }
  }
}
