import ArgumentParser
import Foundation
import TicketLensInsights
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensWarehouse

struct GapsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gaps",
    abstract: "Knowledge gaps: ranked topics no article covers, with evidence.")

  @Option(help: "Only the first N gaps.") var top: Int?
  @Option(
    help:
      "gaps, topics, members (each topic's contacts; a sampled window's sample), searches or stale."
  )
  var list = "gaps"
  @Option(help: "Days in the window (ending at the as-of instant).") var windowDays: Int?
  @Option(help: "Minimum contacts for a topic.") var minTickets: Int?
  @Option(
    help:
      "Article similarity below which a topic is a gap whatever else holds (0-1, on the window's scale: 0 = as alike as a contact and an article on average)."
  )
  var matchThreshold: Double?
  @Option(help: "Nearest contacts each contact is linked to in the topic graph.")
  var neighbours: Int?
  @Option(help: "Resolution of the topic graph's communities (higher: more, smaller topics).")
  var resolution: Double?
  @Option(help: "Centre similarity from which two topics are merged into one (0-1).")
  var mergeSimilarity: Double?
  @Option(help: "Share of a topic's distinctive terms its best article must use to cover it.")
  var termShare: Double?
  @Option(help: "Centre similarity from which two gaps are one (0-1, on the window's scale).")
  var gapMergeSimilarity: Double?
  @Option(
    help:
      "How much nearer another topic must be to a topic's best article to make it a gap (on the window's scale)."
  )
  var coverMargin: Double?
  @Option(
    help:
      "Centre similarity from which a topic beaten to its article is still covered (0-1, on the window's scale: 0 = as alike as two contacts on average)."
  )
  var fragmentSimilarity: Double?
  @Option(
    help:
      "Read a window with more contacts than this as a sample of about this many (counts scaled; 0 reads all)."
  )
  var maxContacts: Int?
  @Option(
    help:
      "With --text-model auto: the largest window (tickets and chats) read with the sentence model."
  )
  var sentenceLimit: Int?
  @Option(
    help:
      "auto (the default: sentence for a window of at most 10,000 tickets and chats, static above), static (the distilled embedding, fast) or sentence (all-MiniLM-L6-v2 itself: purer topics, coverage by the articles' propagated label; milliseconds per text)."
  )
  var textModel: String?
  @Option(
    help: "Sentence model: share of the typical article mass a topic needs to be covered (0-1).")
  var coverMass: Double?
  @Option(help: "The instant the analysis describes (default: the newest update).") var asOf:
    String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, config) = try options.warehousePath()
      var settings = config?.insights ?? GapSettings()
      if let windowDays { settings.windowDays = windowDays }
      if let minTickets { settings.minTickets = minTickets }
      if let matchThreshold { settings.matchThreshold = matchThreshold }
      if let neighbours { settings.neighbours = max(1, neighbours) }
      if let resolution { settings.resolution = resolution }
      if let mergeSimilarity { settings.mergeSimilarity = mergeSimilarity }
      if let termShare { settings.termShare = termShare }
      if let gapMergeSimilarity { settings.gapMergeSimilarity = gapMergeSimilarity }
      if let coverMargin { settings.coverMargin = coverMargin }
      if let fragmentSimilarity { settings.fragmentSimilarity = fragmentSimilarity }
      if let maxContacts { settings.maxContacts = max(0, maxContacts) }
      if let sentenceLimit { settings.sentenceLimit = max(0, sentenceLimit) }
      if let textModel {
        guard let m = GapSettings.TextModel(rawValue: textModel) else {
          throw ValidationError("--text-model is auto, static or sentence, not '\(textModel)'")
        }
        settings.textModel = m
      }
      if let coverMass { settings.coverMass = coverMass }
      settings.threads = threads
      let wh = try Warehouse(path: path, readOnly: true)
      let instant = try MetricExport.parseAsOf(asOf) ?? MetricDataLoader.dataAsOf(wh)
      let a = try KnowledgeGapFinder.analyze(
        warehouse: wh, asOf: instant.milliseconds, settings: settings)
      if let sampled = a.sampled {
        FileHandle.standardError.write(
          Data(
            "note: the window holds \(a.contacts) tickets and chats; topics come from a sample of \(sampled) and their counts are scaled to the window\n"
              .utf8))
      }
      switch list {
      case "gaps": try options.write(a.gapTable(top: top))
      case "topics": try options.write(a.topicTable())
      case "members": try options.write(a.memberTable())
      case "searches": try options.write(a.searchGapTable())
      case "stale": try options.write(a.staleArticleTable())
      default: throw MetricQueryError("--list: use gaps, topics, members, searches or stale")
      }
    } catch {
      throw fail(error)
    }
  }
}
