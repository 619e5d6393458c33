import ArgumentParser
import Foundation
import TicketLensIngest
import TicketLensModel
import TicketLensPipeline

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Print the records of a file as the reader parsed them, one JSON object per line.")

  @Argument(help: "The export file.") var file: String
  @Option(help: "The input format (default: detected from the content).") var format: String?
  @Option(help: "Print at most this many records.") var limit: Int?
  @Flag(help: "CSV: print each record as a JSON array of strings, header row included.") var raw =
    false
  @Option(help: "Zone of timestamps without an offset (IANA).") var sourceTimezone = "UTC"

  func run() throws {
    guard let zone = ZoneRules(identifier: sourceTimezone) else {
      throw ValidationError("'\(sourceTimezone)' is not an IANA time zone")
    }
    var fmt: InputFormat? = nil
    if let format {
      guard let f = InputFormat(rawValue: format) else {
        throw ValidationError("unknown format '\(format)'")
      }
      fmt = f
    }
    do {
      try Inspector.inspect(
        path: file, format: fmt, zone: zone, limit: limit, raw: raw, out: { print($0) },
        err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    } catch {
      FileHandle.standardError.write(Data(("error: \(error.description)\n").utf8))
      throw ExitCode(1)
    }
  }
}
