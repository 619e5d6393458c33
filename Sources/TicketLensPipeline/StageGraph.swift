import TicketLensReports

/// The stages of a pipeline run as a graph with stable ids and explicit dependencies (in the
/// manner of dbt's nodes), for `ticketlens pipeline graph`: the stages the runner executes
/// (ingest per source → normalize → quality checks, metrics, trends and insights → reports).
public struct StageGraph: Sendable {
  public struct Stage: Sendable, Hashable {
    public var id: String
    public var label: String
    public var dependsOn: [String]
  }

  public var stages: [Stage]

  public init(_ c: PipelineConfig) {
    var stages: [Stage] = []
    let ingest = c.sources.map { s in
      Stage(
        id: "ingest.\(s.name)", label: "ingest \(s.name) (\(s.format?.rawValue ?? "detected"))",
        dependsOn: [])
    }
    stages += ingest
    stages.append(
      Stage(
        id: "normalize",
        label: "normalize (accounting, rejects"
          + (c.sentiment ? ", sentiment" : "") + (c.classify ? ", categories" : "") + ")",
        dependsOn: ingest.map(\.id)))
    stages.append(
      Stage(
        id: "quality",
        label: "quality (keys, required fields, accepted values, time order, links, accounting)",
        dependsOn: ["normalize"]))
    let tables = c.report.isEmpty ? ReportSettings.defaultMetrics.count : c.report.count
    stages.append(
      Stage(id: "metrics", label: "metrics (\(tables) tables)", dependsOn: ["normalize"]))
    stages.append(
      Stage(
        id: "trends", label: "trends (KPI changes, forecast, heatmap, agents, customers)",
        dependsOn: ["normalize"]))
    var insights = ["follow-ups", "escalations"]
    if c.classify { insights.insert("classifiers", at: 1) }
    if c.gaps { insights.append("knowledge gaps") }
    stages.append(
      Stage(
        id: "insights", label: "insights (\(insights.joined(separator: ", ")))",
        dependsOn: ["normalize"]))
    var outputs: [String] = []
    if c.outputs.html { outputs.append("HTML") }
    if c.outputs.csv { outputs.append("CSV") }
    stages.append(
      Stage(
        id: "reports", label: "reports (\(outputs.joined(separator: ", ")))",
        dependsOn: ["quality", "metrics", "trends", "insights"]))
    self.stages = stages
  }

  /// Stages grouped in waves: each wave depends only on earlier waves (they may run together).
  public var waves: [[Stage]] {
    var done = Set<String>()
    var left = stages
    var out: [[Stage]] = []
    while !left.isEmpty {
      let ready = left.filter { $0.dependsOn.allSatisfy(done.contains) }
      guard !ready.isEmpty else { break }
      out.append(ready)
      for s in ready { done.insert(s.id) }
      left.removeAll { s in ready.contains { $0.id == s.id } }
    }
    return out
  }

  public func text() -> String {
    waves.enumerated().map { k, wave in
      "wave \(k + 1):\n"
        + wave.map { s in
          "  \(s.id): \(s.label)"
            + (s.dependsOn.isEmpty ? "" : " <- " + s.dependsOn.joined(separator: ", "))
        }.joined(separator: "\n")
    }.joined(separator: "\n") + "\n"
  }

  public func dot() -> String {
    var out = "digraph pipeline {\n  rankdir=LR;\n  node [shape=box];\n"
    for s in stages {
      out += "  \"\(s.id)\" [label=\"\(s.label.replacingAll("\"", with: "'"))\"];\n"
    }
    for s in stages { for d in s.dependsOn { out += "  \"\(d)\" -> \"\(s.id)\";\n" } }
    return out + "}\n"
  }

  public func mermaid() -> String {
    func node(_ id: String) -> String {
      id.replacingAll(".", with: "_").replacingAll("-", with: "_")
    }
    var out = "flowchart LR\n"
    for s in stages { out += "  \(node(s.id))[\"\(s.label.replacingAll("\"", with: "'"))\"]\n" }
    for s in stages { for d in s.dependsOn { out += "  \(node(d)) --> \(node(s.id))\n" } }
    return out
  }
}
