import ArgumentParser
import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline

struct ForecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forecast",
    abstract:
      "Daily ticket or chat volume for the next weeks (Holt-Winters, weekly season), with the backtest MAPE."
  )

  @Flag(help: "Forecast chats instead of tickets.") var chats = false
  @Option(help: "Days to forecast.") var days = 28
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, zone) = try options.load()
      try options.write(
        try TrendCommands.forecast(
          chats: chats, days: days, data: data, zone: ZoneRules(identifier: zone) ?? .utc,
          threads: 0))
    } catch {
      throw fail(error)
    }
  }
}
