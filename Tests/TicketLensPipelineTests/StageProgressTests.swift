import Foundation
import Logging
import Testing

@testable import TicketLensPipeline
import TicketLensModel
import TicketLensWarehouse

/// The normalize steps report their progress (for the terminal's progress bar): each step
/// reports rows done of all, never more than all, and ends complete.
struct StageProgressTests {
  final class Events: @unchecked Sendable {
    let lock = NSLock()
    var all: [(String, Int, Int)] = []
    func add(_ e: (String, Int, Int)) {
      lock.lock()
      all.append(e)
      lock.unlock()
    }
  }

  @Test func sentimentAndCategoriesReportTheirProgress() throws {
    let dir = scratch()
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
        "sample-data/tickets.csv"
      ).path
    let yml = """
      name: progress
      warehouse: \(dir)/w.sqlite
      output: \(dir)/out
      sources:
        - name: helpdesk
          format: generic-csv
          paths: \(sample)
      insights:
        category_tag_prefix: contact_reason_
        gaps: false

      """
    try yml.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    var runner = PipelineRunner(
      config: try PipelineConfig.load(path: dir + "/p.yml"), logger: Logger(label: "test"))
    runner.stages = try PipelineRunner.select(only: nil, from: nil, runner.config)
    let events = Events()
    runner.stageProgress = { events.add(($0, $1, $2)) }
    let outcome = try runner.run()
    #expect(outcome.exitCode == 0)
    // Sentiment was scored as the rows were read: the stage had nothing left.
    #expect(events.all.allSatisfy { $0.0 != "normalize: sentiment" })
    // Rows read without the scorer are scored by the stage, which reports its progress.
    let w = try Warehouse(path: dir + "/w.sqlite")
    let run = try w.beginRun(command: "test", pipeline: nil, startedAt: "t")
    _ = try TicketIngestor().load(
      path: sample, format: nil, source: "again", zone: .utc, warehouse: w, runID: run)
    _ = try SentimentStage.run(w) { events.add(("normalize: sentiment", $0, $1)) }
    for step in ["normalize: sentiment", "normalize: categories"] {
      let mine = events.all.filter { $0.0 == step }
      #expect(mine.count >= 2, "\(step): \(mine)")
      let total = try #require(mine.first?.2)
      #expect(total > 0 && mine.allSatisfy { $0.2 == total && $0.1 >= 0 && $0.1 <= total })
      #expect(mine.map(\.1).max() == total)
      #expect(mine.first?.1 == 0)
    }
  }
}
