import ArgumentParser
import Foundation
import TicketLensPipeline

struct TrendsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trends",
    abstract: "A metric by period with change, 7/28-period moving averages and anomaly flags.")

  @Argument(help: "Metric id.") var metric: String
  @Option(help: "day, week or month.") var grain = "day"
  @Option(name: .customLong("where"), help: "DIM=VALUE filter (repeatable).") var filters:
    [String] = []
  @Option(help: "Trailing window for the robust z-score.") var window = 28
  @Option(help: "|z| above which a period is an anomaly.") var threshold = 3.5
  @Flag(help: "Durations in business hours.") var business = false
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, zone) = try options.load()
      var e = MetricExport(metric: metric)
      e.grain = grain
      e.filters = filters
      e.timeZone = zone
      e.business = business
      try options.write(
        try TrendCommands.trends(e, data: data, window: window, threshold: threshold))
    } catch {
      throw fail(error)
    }
  }
}
