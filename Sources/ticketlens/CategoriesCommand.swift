import ArgumentParser
import Foundation
import TicketLensInsights
import TicketLensMetrics
import TicketLensPipeline
import TicketLensWarehouse

struct CategoriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "categories",
    abstract:
      "The category and priority classifiers: held-out quality, the confusion table, each ticket's category, or urgent-looking tickets with a low priority."
  )

  @Option(help: "quality, confusion, tickets, predicted or urgent.") var show = "quality"
  @Option(
    help: "Urgency (probability of high or urgent) from which a ticket is listed by --show urgent.")
  var threshold: Double?
  @Flag(help: "Train again first, with the pipeline's settings (writes to the warehouse).")
  var train = false
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @OptionGroup var options: AnalysisOptions

  func validate() throws {
    guard ["quality", "confusion", "tickets", "predicted", "urgent"].contains(show) else {
      throw ValidationError("--show takes quality, confusion, tickets, predicted or urgent")
    }
    if let threshold, !(threshold > 0 && threshold < 1) {
      throw ValidationError("--threshold must be between 0 and 1")
    }
  }

  func run() throws {
    do {
      let (path, cfg) = try options.warehousePath()
      let settings = cfg?.categories ?? CategorySettings()
      if train {
        Cancellation.install()
        let lock = try WriterLock(warehouse: path, wait: wait, command: "categories")
        defer { withExtendedLifetime(lock) {} }
        try CategoryStage.run(
          try Warehouse(path: path), settings: settings, threads: threads, force: true)
      }
      let wh = try Warehouse(path: path, readOnly: true)
      let models = try wh.classifierModels()
      guard !models.isEmpty || show == "tickets" || show == "predicted" else {
        throw MetricQueryError(
          "no classification in \(path) yet; run the pipeline, or 'ticketlens categories --train --pipeline FILE'"
        )
      }
      switch show {
      case "quality": try options.write(ClassifierTables.quality(models))
      case "confusion":
        guard let m = models.first(where: { $0.model == "category" }) ?? models.first else {
          return
        }
        try options.write(ClassifierTables.confusion(m))
      case "urgent":
        try options.write(
          ClassifierTables.urgentLooking(
            try wh.urgentLooking(threshold: threshold ?? settings.urgentThreshold),
            zone: try zone(options.timezone ?? cfg?.timeZone ?? "UTC")))
      default:
        try options.write(
          ClassifierTables.tickets(try wh.ticketCategories(predictedOnly: show == "predicted")))
      }
    } catch {
      throw fail(error)
    }
  }
}
