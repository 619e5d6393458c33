import TicketLensMetrics
import TicketLensModel

/// Everything a report shows, assembled by the pipeline; writers only format it.
public struct ReportData: Sendable {
  public var title: String
  /// The pipeline (or command) that produced the report.
  public var producedBy: String
  /// The instant the data describes (ISO 8601 UTC).
  public var asOf: String
  /// The IANA zone days and weeks are computed in.
  public var timeZone: String
  public var kpis: [KPI] = []
  public var files: [FileAccounting] = []
  public var rejectReasons: [RejectReason] = []
  public var metrics: [ReportMetric] = []
  /// True when the run went past its reject threshold (the report says so at the top).
  public var rejectThresholdExceeded = false
  /// A data-quality check failed (the run exits 4).
  public var qualityFailed = false
  /// Where the CSVs are, relative to the page (empty when the page sits beside them; the
  /// output folder's `latest.html` links into the run's folder).
  public var csvLinkPrefix = ""
  /// Names the page shows for the ids of people and groups (the CSVs keep the ids).
  public var names = NameDirectory()

  public init(title: String, producedBy: String, asOf: String, timeZone: String) {
    self.title = title
    self.producedBy = producedBy
    self.asOf = asOf
    self.timeZone = timeZone
  }
}

/// A headline number.
public struct KPI: Sendable, Hashable {
  public var label: String
  public var value: String
  public var note: String
  /// An inline SVG sparkline of the recent trend (our own markup, text escaped).
  public var sparkline: String?
  public init(label: String, value: String, note: String, sparkline: String? = nil) {
    self.label = label
    self.value = value
    self.note = note
    self.sparkline = sparkline
  }
}

/// A group of rejected records sharing a reason.
public struct RejectReason: Sendable, Hashable {
  public var code: String
  public var field: String?
  public var count: Int
  public var example: String
  public init(code: String, field: String?, count: Int, example: String) {
    self.code = code
    self.field = field
    self.count = count
    self.example = example
  }
}

/// One metric table in the report, with the CSV file that holds the same numbers.
public struct ReportMetric: Sendable {
  public var title: String
  public var definition: String
  public var table: MetricTable
  /// File name of the CSV written beside the report.
  public var csvName: String
  /// An inline SVG chart of the same numbers, if any.
  public var chart: String?

  public init(
    title: String, definition: String, table: MetricTable, csvName: String, chart: String?
  ) {
    self.title = title
    self.definition = definition
    self.table = table
    self.csvName = csvName
    self.chart = chart
  }
}
