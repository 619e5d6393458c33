import ArgumentParser
import Foundation
import TicketLensMetrics
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse

struct AnalysisOptions: ParsableArguments {
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "Take the warehouse, time zone, schedule and SLA from this pipeline file.")
  var pipeline: String?
  @Option(help: "Report time zone (IANA).") var timezone: String?
  @Option(help: "csv, tsv or json.") var format = "csv"
  @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms.") var redact = false

  /// The warehouse path (and the pipeline, when given).
  func warehousePath() throws -> (String, PipelineConfig?) {
    let cfg = try pipeline.map { p throws in try PipelineConfig.load(path: p) }
    let path = warehouse ?? cfg?.warehouse ?? "reports/ticketlens.sqlite"
    try requireWarehouse(path)
    return (path, cfg)
  }

  /// Loads the metric data; returns it with the zone name.
  func load() throws -> (MetricData, String) {
    let (path, cfg) = try warehousePath()
    let wh = try Warehouse(path: path, readOnly: true)
    let data = try MetricDataLoader.load(
      wh, schedule: cfg?.schedules.first, sla: cfg?.sla,
      escalation: cfg?.escalation ?? EscalationRule())
    return (data, timezone ?? cfg?.timeZone ?? "UTC")
  }

  func write(_ t: MetricTable) throws {
    var t = t
    // Only `--redact` or a pipeline can ask for pseudonyms; otherwise nothing is read again.
    if redact || pipeline != nil {
      let (path, cfg) = try warehousePath()
      if redact || cfg?.redact == true {
        t = try Warehouse(path: path, readOnly: true).redactor().table(t)
      }
    }
    let text: String
    switch format {
    case "csv": text = CSVWriter().render(t)
    case "tsv": text = CSVWriter(delimiter: "\t").render(t)
    case "json": text = JSONTableWriter.render(t)
    default: throw MetricQueryError("unknown format '\(format)'; use csv, tsv or json")
    }
    if let output {
      try AtomicFile.write(text, to: output)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}
