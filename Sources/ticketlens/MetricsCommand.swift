import ArgumentParser
import Foundation
import TicketLensMetrics

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics", abstract: "List the metric catalog with definitions.")

  func run() {
    for m in Catalog.all {
      let kind: String
      switch m.kind {
      case .count: kind = "count"
      case .duration: kind = m.hasBusinessVariant ? "duration, calendar or business" : "duration"
      case .value: kind = "value"
      case .rate: kind = "rate"
      case .backlog: kind = "count at period end"
      case .concurrency: kind = "mean"
      }
      print("\(m.id) (\(m.table.rawValue), \(kind)): \(m.definition)")
    }
    print("dimensions: " + Catalog.dimensions.joined(separator: ", "))
    print("grains: " + Grain.allCases.map(\.rawValue).joined(separator: ", "))
  }
}
