import ArgumentParser
import Foundation
import Logging
import TicketLensPipeline
import TicketLensReports

/// Options every command that logs shares.
struct LoggingOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print only errors.") var quiet = false
  @Flag(name: .shortAndLong, help: "Print debug details.") var verbose = false
  @Option(help: "text, or json (one object per line, for log collectors).") var logFormat = "text"

  func validate() throws {
    guard logFormat == "text" || logFormat == "json" else {
      throw ValidationError("--log-format must be text or json")
    }
  }

  func bootstrap() -> Logger {
    let level: Logger.Level = quiet ? .error : (verbose ? .debug : .info)
    let json = logFormat == "json"
    LoggingSystem.bootstrap { label in
      if json {
        var h = JSONLogHandler(label: label)
        h.logLevel = level
        return h
      }
      var h = StreamLogHandler.standardError(label: label)
      h.logLevel = level
      return h
    }
    return Logger(label: "ticketlens")
  }
}

/// Log lines as JSON objects on stderr: `{"time", "level", "label", "message"}`.
struct JSONLogHandler: LogHandler {
  let label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let line =
      "{\"time\": \(JSONText.quote(Clock.nowISO())), \"level\": \(JSONText.quote(event.level.rawValue)), "
      + "\"label\": \(JSONText.quote(label)), \"message\": \(JSONText.quote(event.message.description))}\n"
    FileHandle.standardError.write(Data(line.utf8))
  }
}
