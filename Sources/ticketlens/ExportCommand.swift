import ArgumentParser
import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Print one metric as CSV, TSV or JSON from the warehouse.")

  @Argument(help: "Metric id (`ticketlens metrics` lists them).") var metric: String
  @Option(help: "Dimensions, comma-separated.") var by: String?
  @Option(help: "day, week or month.") var grain: String?
  @Option(help: "First cohort date (YYYY-MM-DD), inclusive.") var from: String?
  @Option(help: "Last cohort date (YYYY-MM-DD), inclusive.") var to: String?
  @Option(name: .customLong("where"), help: "DIM=VALUE filter (repeatable).") var filters:
    [String] = []
  @Option(help: "Statistics for durations, comma-separated.") var stats = "count,mean,median,p90"
  @Option(help: "minutes, seconds or hours.") var unit = "minutes"
  @Flag(help: "Emit every period in range.") var fill = false
  @Option(help: "csv, tsv or json.") var format = "csv"
  @Flag(help: "Add a BOM and CRLF line ends for Excel.") var excel = false
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms.") var redact = false
  @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "Take the warehouse and time zone from this pipeline file.") var pipeline: String?
  @Option(help: "Report time zone (IANA).") var timezone: String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Flag(help: "Durations in business hours (the pipeline's first schedule).") var business = false
  @Option(help: "The instant the data describes (default: the newest update).") var asOf: String?
  @Option(help: "First-reply SLA targets in minutes, e.g. urgent=60,high=240.") var sla: String?
  @Option(help: "Resolution SLA targets in minutes, e.g. urgent=480.") var slaResolution: String?

  func run() throws {
    do {
      var whPath = warehouse ?? "reports/ticketlens.sqlite"
      var zone = timezone ?? "UTC"
      var schedule: BusinessSchedule? = nil
      var policy: SLAPolicy? = nil
      var escalation = EscalationRule()
      var redactOutput = redact
      if let pipeline {
        let cfg = try PipelineConfig.load(path: pipeline)
        if warehouse == nil { whPath = cfg.warehouse }
        if timezone == nil { zone = cfg.timeZone }
        schedule = cfg.schedules.first
        policy = cfg.sla
        escalation = cfg.escalation
        redactOutput = redactOutput || cfg.redact
      }
      if sla != nil || slaResolution != nil {
        var p = policy ?? SLAPolicy(name: "command line")
        if let sla { p.firstReply = try MetricDataLoader.targets(sla, flag: "--sla") }
        if let slaResolution {
          p.resolution = try MetricDataLoader.targets(slaResolution, flag: "--sla-resolution")
        }
        policy = p
      }
      var e = MetricExport(metric: metric)
      e.by = by.map { $0.split(separator: ",").map { String($0).trimmingSpaces } } ?? []
      e.grain = grain
      e.from = from
      e.to = to
      e.filters = filters
      e.stats = stats.split(separator: ",").map { String($0).trimmingSpaces }
      e.unit = unit
      e.fill = fill
      guard let f = MetricExport.Format(rawValue: format) else {
        throw MetricQueryError("unknown format '\(format)'; use csv, tsv or json")
      }
      e.format = f
      e.excel = excel
      e.timeZone = zone
      e.threads = threads
      e.business = business
      e.asOf = asOf
      e.schedule = schedule
      e.sla = policy
      e.escalation = escalation
      _ = try e.query()
      try requireWarehouse(whPath)
      let wh = try Warehouse(path: whPath, readOnly: true)
      if redactOutput { e.redactor = try wh.redactor() }
      let text = try e.render(warehouse: wh)
      if let output {
        try AtomicFile.write(text, to: output)
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    } catch {
      throw fail(error)
    }
  }
}
