import ArgumentParser
import Foundation

struct OpenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open", abstract: "Open the latest report in the default browser.")

  @Option(help: "The output folder.") var out = "reports"

  func run() throws {
    let path = out + "/latest.html"
    guard FileManager.default.fileExists(atPath: path) else {
      FileHandle.standardError.write(
        Data("error: no report at \(path): run a pipeline first\n".utf8))
      throw ExitCode(1)
    }
    for opener in ["/usr/bin/xdg-open", "/usr/bin/open"]
    where FileManager.default.isExecutableFile(atPath: opener) {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: opener)
      p.arguments = [path]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      p.waitUntilExit()
      if p.terminationStatus == 0 { return }
    }
    print("no browser opener found; the report is \(URL(fileURLWithPath: path).standardized.path)")
  }
}
