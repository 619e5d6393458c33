import Foundation

/// Expands a source's paths: a file stays itself, a folder becomes its visible files, and a
/// last path component with `*`, `?` or `[` is a glob. Results are sorted for a stable order.
public enum SourceFiles {
  public static func expand(_ pattern: String) -> [String] {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: pattern, isDirectory: &isDir) {
      guard isDir.boolValue else { return [pattern] }
      let names = (try? fm.contentsOfDirectory(atPath: pattern)) ?? []
      return names.filter { !$0.hasPrefix(".") }.sorted().map { pattern + "/" + $0 }.filter {
        var d: ObjCBool = false
        return fm.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue
      }
    }
    let url = URL(fileURLWithPath: pattern)
    let last = url.lastPathComponent
    guard last.contains(where: { "*?[".contains($0) }) else { return [] }
    let dir = url.deletingLastPathComponent().path
    let names = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { !$0.hasPrefix(".") && fnmatch(last, $0, 0) == 0 }.sorted().map {
      dir + "/" + $0
    }
  }
}
