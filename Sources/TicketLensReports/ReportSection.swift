import Foundation
import TicketLensMetrics

/// The tables and headline numbers one part of the report contributes (a section type such as
/// `GapSection` makes one; the pipeline orders them).
public struct ReportSection: Sendable {
  public var metrics: [ReportMetric] = []
  public var kpis: [KPI] = []

  public init(metrics: [ReportMetric] = [], kpis: [KPI] = []) {
    self.metrics = metrics
    self.kpis = kpis
  }

  public mutating func append(_ other: ReportSection) {
    metrics += other.metrics
    kpis += other.kpis
  }
}

extension Presentation {
  /// A share as a headline tile shows it: one decimal, truncated toward zero ("96.3 %").
  public static func percent(_ x: Double) -> String {
    let tenths = (x * 1000).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10) %"
  }

  /// The change of `now` against `before` for a headline tile's note (" (+12%)"); empty when
  /// there is nothing to compare with.
  public static func change(_ now: Double, _ before: Double) -> String {
    guard before > 0 else { return "" }
    return String(format: " (%@%.0f%%)", now >= before ? "+" : "", (now - before) / before * 100)
  }
}
