// The `ticketlens` executable: argument parsing and printing only; each command is in its own
// file (`RunCommand.swift`, `GapsCommand.swift`, …), shared options and output helpers in
// `LoggingOptions.swift`, `AnalysisOptions.swift`, `Output.swift` and `ProgressBar.swift`.
import ArgumentParser
import Foundation

@main
struct TicketLens: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticketlens",
    abstract: "Turn customer-service exports into support metrics and reports.",
    version: "0.1.0",
    subcommands: [
      RunCommand.self, IngestCommand.self, ExportCommand.self, MetricsCommand.self,
      RunsCommand.self, SampleCommand.self, InspectCommand.self, KBCommand.self,
      TrendsCommand.self, ForecastCommand.self, CustomersCommand.self, PipelineCommand.self,
      ReportCommand.self, OpenCommand.self, GapsCommand.self, FollowUpsCommand.self,
      CategoriesCommand.self, QualityCommand.self, FactsCommand.self, SparkSQLCommand.self,
    ])

  /// Parses and runs; usage errors exit 2, failures 1 (documented in the README).
  static func main() {
    // Everything TicketLens creates (warehouse, cache, lock, reports) is for its owner only.
    umask(0o077)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let e as ExitCode {
      Foundation.exit(e.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
  }
}
