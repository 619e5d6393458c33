import ArgumentParser
import Foundation
import TicketLensWarehouse

struct KBCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kb", abstract: "The knowledge base in the warehouse.",
    subcommands: [KBSearchCommand.self])
}

struct KBSearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "The best articles for a query (BM25; title above labels above body).")

  @Argument(help: "Free text.") var query: String
  @Option(help: "How many articles.") var limit = 10
  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"

  func run() throws {
    do {
      let wh = try Warehouse(path: warehouse, readOnly: true)
      let hits = try wh.searchArticles(query, limit: limit)
      print("score\tsource\tid\ttitle")
      for h in hits {
        print(String(format: "%.3f", h.score) + "\t\(h.source)\t\(h.id)\t\(h.title)")
      }
    } catch {
      throw fail(error)
    }
  }
}
