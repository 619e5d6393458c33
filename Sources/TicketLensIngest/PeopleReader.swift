import Foundation
import TicketLensModel

/// Reads who the ids in the exports are (pipeline `people:`): a Zendesk users or groups export
/// (`{"users": [...]}`, `{"groups": [...]}`, also one object per line), Freshdesk's agents,
/// contacts or groups lists (`[{"id": …, "contact": {"name": …}}]`, `[{"id": …, "name": …}]`),
/// or a CSV with `id` and `name` columns and, optionally, `kind` (`group` for a group, anything
/// else a person). A JSON list that does not say what it holds is groups when its file name says
/// so (`groups.json`) or the pipeline does (`kind: groups`), else people.
public enum PeopleReader {
  public enum Kind: String, Sendable, CaseIterable {
    case people, groups
  }

  /// What one file gave: entries read and names added, and the entries left out, each with
  /// its place and reason.
  public struct Result: Sendable {
    public var read = 0
    public var named = 0
    public var skipped: [IngestIssue] = []
  }

  /// Adds the names of one file to `directory`. A file that cannot be read or is not one of the
  /// shapes above throws, naming the file and what was expected.
  public static func read(path: String, kind: Kind? = nil, into directory: inout NameDirectory)
    throws(IngestIssue) -> Result
  {
    let file = try MappedFile(path: path)
    let lower = path.lowercased()
    let fallback = kind ?? (lower.contains("group") || lower.contains("team") ? .groups : .people)
    if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") {
      return try csv(file, fallback: fallback, into: &directory)
    }
    let bytes = Data(file.bytes)
    var out = Result()
    func add(_ object: Any, _ kind: Kind, _ at: String) {
      out.read += 1
      guard let o = object as? [String: Any] else {
        out.skipped.append(skip(path, at, "is not an object"))
        return
      }
      let id: String? =
        (o["id"] as? String)
        ?? (o["id"] as? NSNumber).map { n in
          n.doubleValue == n.doubleValue.rounded() ? String(n.int64Value) : n.stringValue
        }
      let name =
        (o["name"] as? String) ?? ((o["contact"] as? [String: Any])?["name"] as? String)
        ?? [o["first_name"] as? String, o["last_name"] as? String].compactMap { $0 }
        .joined(separator: " ")
      guard let id, !id.isEmpty else {
        out.skipped.append(skip(path, at, "has no id"))
        return
      }
      let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !trimmed.isEmpty else {
        out.skipped.append(skip(path, at, "has no name"))
        return
      }
      switch kind {
      case .people: directory.people[id] = trimmed
      case .groups: directory.groups[id] = trimmed
      }
      out.named += 1
    }
    func document(_ value: Any, at prefix: String) throws(IngestIssue) {
      if let list = value as? [Any] {
        for (i, o) in list.enumerated() { add(o, fallback, "\(prefix)[\(i)]") }
        return
      }
      guard let object = value as? [String: Any] else {
        throw IngestIssue(
          .unreadable, .file, at: InputLocation(file: path, line: 1),
          "a people file holds a list of users or groups; this JSON is neither")
      }
      for (key, kind) in [
        ("users", Kind.people), ("agents", .people), ("contacts", .people),
        ("end_users", .people), ("groups", .groups), ("teams", .groups),
      ] {
        if let list = object[key] as? [Any] {
          for (i, o) in list.enumerated() { add(o, kind, "\(prefix)\(key)[\(i)]") }
          return
        }
      }
      if object["id"] != nil {
        add(object, fallback, prefix.isEmpty ? "$" : prefix)
        return
      }
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: path, line: 1),
        "a people file's object holds 'users', 'agents', 'contacts' or 'groups'; this one has "
          + object.keys.sorted().prefix(5).map { "'\($0)'" }.joined(separator: ", "))
    }
    if let whole = try? JSONSerialization.jsonObject(with: bytes) {
      try document(whole, at: "$.")
      return out
    }
    // One JSON object per line (Zendesk's incremental exports).
    var line = 0
    var any = false
    for text in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      line += 1
      guard text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
      guard let value = try? JSONSerialization.jsonObject(with: Data(text)) else {
        if !any {
          throw IngestIssue(
            .unreadable, .file, at: InputLocation(file: path, line: line),
            "not JSON, NDJSON or CSV: a people file is a users or groups export or an id,name CSV")
        }
        out.read += 1
        out.skipped.append(skip(path, "line \(line)", "is not JSON"))
        continue
      }
      any = true
      try document(value, at: "line \(line): ")
    }
    return out
  }

  static func csv(_ file: MappedFile, fallback: Kind, into directory: inout NameDirectory)
    throws(IngestIssue) -> Result
  {
    let table = try KeywordCSV(file: file)
    let id = try table.require(["id", "user_id", "agent_id", "group_id"])
    let name = try table.require(["name", "full_name", "display_name"])
    let kind = table.column(["kind", "type", "role"])
    var batch = RecordBatch()
    let rows = table.read(&batch) { values, line throws(FieldProblem) -> (Kind, String, String) in
      guard !values[id].isEmpty else {
        throw FieldProblem(code: .missingValue, field: table.names[id], message: "no id")
      }
      guard !values[name].isEmpty else {
        throw FieldProblem(code: .missingValue, field: table.names[name], message: "no name")
      }
      let k = kind.map { values[$0].lowercased() }
      let rowKind: Kind =
        k.map { $0.hasPrefix("group") || $0 == "team" ? .groups : .people } ?? fallback
      return (rowKind, values[id], values[name])
    }
    for (k, i, n) in rows {
      switch k {
      case .people: directory.people[i] = n
      case .groups: directory.groups[i] = n
      }
    }
    return Result(read: batch.read, named: rows.count, skipped: batch.issues)
  }

  static func skip(_ path: String, _ at: String, _ reason: String) -> IngestIssue {
    IngestIssue(
      .missingValue, at: InputLocation(file: path, line: nil, field: at),
      "people entry \(at) \(reason): left out")
  }
}
