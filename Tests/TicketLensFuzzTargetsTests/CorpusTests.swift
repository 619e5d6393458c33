import Foundation
import Testing

@testable import TicketLensFuzzTargets

/// Every seed input and every input a fuzzing run ever crashed on (Fuzz/corpus, Fuzz/regressions)
/// goes through the fuzzed entry points in the normal test run, so a fixed crash stays fixed.
struct CorpusTests {
  static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz").path

  static func inputs(_ folder: String, _ target: String) -> [String] {
    let dir = fuzz + "/" + folder + "/" + target
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
      .filter { !$0.hasPrefix(".") }.map { dir + "/" + $0 }
  }

  @Test(arguments: FuzzTargets.names)
  func seedsAndRegressionsRunCleanly(target: String) throws {
    let seeds = Self.inputs("corpus", target)
    #expect(!seeds.isEmpty, "Fuzz/corpus/\(target) has no seed inputs")
    for file in seeds + Self.inputs("regressions", target) {
      let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
      try FuzzTargets.run(target, data)
    }
  }

  /// Inputs that broke readers before (hand-made, in the spirit of the fuzzer's findings).
  @Test func hostileShapesRunCleanly() throws {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let deepXML =
      "<tickets>" + String(repeating: "<a>", count: 10_000)
      + String(repeating: "</a>", count: 10_000)
      + "</tickets>"
    try FuzzTargets.run("json", Array(deep.utf8))
    try FuzzTargets.run("json", Array("{\"tickets\": [{\"id\": 1, \"created_at\": ".utf8))
    try FuzzTargets.run("xml", Array(deepXML.utf8))
    try FuzzTargets.run("csv", [0x69, 0x64, 0x0A, 0x00, 0xFF, 0xFE, 0x22, 0x0A, 0x22])
    try FuzzTargets.run("timestamp", Array("2026-13-45T25:61:61+99:99".utf8))
    try FuzzTargets.run("pipeline", Array("sources: [*a]\n&a: {".utf8))
  }
}
