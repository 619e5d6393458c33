import ArgumentParser
import Foundation
import TicketLensPipeline

struct PipelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pipeline", abstract: "List, check and draw pipeline files.",
    subcommands: [PipelineListCommand.self, PipelineCheckCommand.self, PipelineGraphCommand.self])
}

struct PipelineListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "The pipelines in a folder with their descriptions.")

  @Argument(help: "The folder.") var folder = "pipelines"

  func run() throws {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    for n in names {
      let path = folder + "/" + n
      do {
        let c = try PipelineConfig.load(path: path)
        print("\(path)\t\(c.description.isEmpty ? c.name : c.description)")
      } catch {
        print("\(path)\tinvalid: \(error)")
      }
    }
  }
}

struct PipelineCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate a pipeline file, including that its sources exist, without running it.")

  @Argument(help: "The pipeline file.") var pipeline: String

  func run() throws {
    do {
      let c = try PipelineConfig.load(path: pipeline)
      var problems: [String] = []
      for s in c.sources {
        for p in s.paths where SourceFiles.expand(p).isEmpty {
          problems.append("source '\(s.name)': nothing matches \(c.displayName(of: p))")
        }
      }
      if problems.isEmpty {
        let files = c.sources.reduce(0) {
          $0 + $1.paths.reduce(0) { $0 + SourceFiles.expand($1).count }
        }
        print(
          "\(pipeline): OK (\(c.sources.count) sources, \(files) files, \(c.report.count) report tables)"
        )
      } else {
        for p in problems {
          FileHandle.standardError.write(Data(("\(pipeline): " + p + "\n").utf8))
        }
        throw ExitCode(2)
      }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

struct PipelineGraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph", abstract: "The stage graph of a pipeline: text, dot or mermaid.")

  @Argument(help: "The pipeline file.") var pipeline: String
  @Option(help: "text, dot or mermaid.") var format = "text"

  func run() throws {
    do {
      let g = StageGraph(try PipelineConfig.load(path: pipeline))
      switch format {
      case "text": print(g.text(), terminator: "")
      case "dot": print(g.dot(), terminator: "")
      case "mermaid": print(g.mermaid(), terminator: "")
      default: throw ValidationError("unknown format '\(format)'; use text, dot or mermaid")
      }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
