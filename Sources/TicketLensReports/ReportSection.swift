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
