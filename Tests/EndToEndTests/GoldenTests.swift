import Foundation
import Testing

/// Pins every CSV of the nightly sample run: a change to any number, row or column shows up here
/// as the first line that differs. After an intended change, regenerate with
/// `TICKETLENS_UPDATE_GOLDEN=1 swift test --filter GoldenTests` and review the diff in git.
struct GoldenTests {
  static let golden = CLI.packageRoot.appendingPathComponent("Tests/EndToEndTests/Golden").path

  @Test func sampleRunCSVsMatchThePinnedOnes() throws {
    let root = CLI.packageRoot.path
    let (out, base) = try CLI.runNightly()
    let names = try FileManager.default.contentsOfDirectory(atPath: base)
      .filter { $0.hasSuffix(".csv") }.sorted()
    // File names in the accounting and rejects are where the sample data is, as the run names
    // them: relative to its pipeline's folder when the two share more than "/" (a checkout
    // beside the temporary folder, /tmp/x), absolute otherwise. Both are made relative to the
    // checkout.
    let pipelineFolder = URL(fileURLWithPath: out).deletingLastPathComponent().standardized
      .pathComponents
    let checkout = URL(fileURLWithPath: root).standardized.pathComponents
    var shared = 0
    while shared < min(pipelineFolder.count, checkout.count),
      pipelineFolder[shared] == checkout[shared]
    {
      shared += 1
    }
    let fromPipeline =
      (Array(repeating: "..", count: pipelineFolder.count - shared) + checkout[shared...])
      .joined(separator: "/")
    func produced(_ name: String) throws -> String {
      let text = try String(contentsOfFile: base + name, encoding: .utf8)
        .replacingOccurrences(of: root + "/", with: "")
      return shared > 1 ? text.replacingOccurrences(of: fromPipeline + "/", with: "") : text
    }
    if ProcessInfo.processInfo.environment["TICKETLENS_UPDATE_GOLDEN"] == "1" {
      try? FileManager.default.removeItem(atPath: Self.golden)
      try FileManager.default.createDirectory(
        atPath: Self.golden, withIntermediateDirectories: true)
      for name in names {
        try produced(name).write(
          toFile: Self.golden + "/" + name, atomically: true, encoding: .utf8)
      }
      return
    }
    let pinned = try FileManager.default.contentsOfDirectory(atPath: Self.golden)
      .filter { $0.hasSuffix(".csv") }.sorted()
    #expect(names == pinned, "the run's CSV files differ from the pinned ones")
    #expect(names.count >= 20)
    for name in names where pinned.contains(name) {
      let now = try produced(name).split(separator: "\n", omittingEmptySubsequences: false)
      let then = try String(contentsOfFile: Self.golden + "/" + name, encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false)
      if now != then {
        let k =
          (0..<min(now.count, then.count)).first { now[$0] != then[$0] }
          ?? min(now.count, then.count)
        Issue.record(
          "\(name) line \(k + 1): now '\(k < now.count ? now[k] : "<end>")', pinned '\(k < then.count ? then[k] : "<end>")'"
        )
      }
    }
  }
}
