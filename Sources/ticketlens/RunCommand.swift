import ArgumentParser
import Foundation
import TicketLensModel
import TicketLensPipeline

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a pipeline: ingest its sources, compute metrics, write reports.")

  @Argument(help: "The pipeline file (YAML).") var pipeline: String
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Flag(
    help:
      "Read files again even when unchanged since their last load, and recompute every report section."
  ) var reload = false
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @Option(
    help: "Run only this stage (ingest, ingest.SOURCE, normalize, quality, metrics, reports).")
  var only: String?
  @Option(help: "Run from this stage on.") var from: String?
  @Option(help: "Read only source files modified since this date or instant.") var since: String?
  @Option(help: "The instant the report describes (default: the newest update).") var asOf: String?
  @Flag(help: "Print what would happen, change nothing.") var dryRun = false
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms in every output.")
  var redact = false
  @Option(
    help:
      "Which engine computes the report's metric tables: embedded, or spark (submitted with the pipeline's `spark:` settings)."
  ) var engine = MetricEngineKind.embedded
  @OptionGroup var logging: LoggingOptions

  func instant(_ text: String?, _ flag: String) throws -> Instant? {
    guard let text else { return nil }
    if let d = CivilDate(iso8601: text) {
      return Instant(seconds: Int64(d.daysSinceEpoch) * 86_400)
    }
    guard case .success(let i) = TimestampParser().parse(text) else {
      throw ValidationError("\(flag): '\(text)' is not a date or timestamp")
    }
    return i
  }

  func run() throws {
    let logger = logging.bootstrap()
    Cancellation.install()
    do {
      var config = try PipelineConfig.load(path: pipeline)
      if redact { config.redact = true }
      var runner = PipelineRunner(
        config: config, logger: logger, threads: threads, incremental: !reload)
      runner.stages = try PipelineRunner.select(only: only, from: from, config)
      runner.since = try instant(since, "--since")
      runner.asOf = try instant(asOf, "--as-of")
      runner.engine = engine
      if !logging.quiet && isatty(STDERR_FILENO) == 1 {
        let bar = ProgressBar()
        runner.progress = bar.update
        runner.stageProgress = { bar.step($0, $1, $2) }
      }
      if dryRun {
        for line in try runner.plan() { print(line) }
        return
      }
      let lock = try WriterLock(warehouse: config.warehouse, wait: wait, command: "run \(pipeline)")
      defer { withExtendedLifetime(lock) {} }
      let outcome = try runner.run()
      if !logging.quiet {
        printAccounting(outcome.files)
        if let r = outcome.report { print("report: \(r.html ?? r.folder)") }
      }
      if let m = outcome.message {
        FileHandle.standardError.write(Data(("error: " + m + "\n").utf8))
      }
      if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    } catch let e as ExitCode {
      throw e
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

extension MetricEngineKind: ExpressibleByArgument {}
