import ArgumentParser
import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensSample
import TicketLensWarehouse

/// Prints a failure and exits with the documented code.
func fail(_ error: Error) -> ExitCode {
  let (code, text): (Int32, String) =
    switch error {
    case let e as Cancellation.Cancelled: (e.exitCode, e.description)
    case let e as WriterLock.Busy: (1, e.description)
    case let e as ConfigError: (2, e.description)
    case let e as MetricQueryError: (2, e.description)
    case let e as WarehouseError: (1, e.description)
    case let e as OutputError: (1, e.description)
    case let e as SampleError: (1, e.description)
    default: (1, "\(error)")
    }
  FileHandle.standardError.write(Data(("error: " + text + "\n").utf8))
  return ExitCode(code)
}

func printAccounting(_ files: [FileResult]) {
  for f in files {
    let a = f.accounting
    if a.skipped {
      print("\(a.file): skipped, unchanged since it was loaded (same size, time and content)")
      continue
    }
    var line =
      "\(a.file): read \(a.read) = inserted \(a.inserted) + updated \(a.updated) + unchanged \(a.unchanged) + superseded \(a.superseded) + rejected \(a.rejected)"
    if let failed = a.failed { line += " (file failed: \(failed))" }
    print(line)
  }
  let loaded = files.reduce(0) { $0 + $1.accounting.inserted + $1.accounting.updated }
  if loaded == 0 && !files.isEmpty && files.allSatisfy({ $0.accounting.failed == nil }) {
    print("nothing changed: every record was already in the warehouse (or was rejected)")
  }
}

/// Warehouse, time zone and pipeline settings shared by the analysis commands.
/// Fails with a hint when there is no warehouse at `path` yet.
func requireWarehouse(_ path: String) throws {
  guard FileManager.default.fileExists(atPath: path) else {
    throw MetricQueryError("no warehouse at \(path): run `ticketlens ingest` or a pipeline first")
  }
}

/// The zone named `id`, or a usage error.
func zone(_ id: String) throws -> ZoneRules {
  guard let z = ZoneRules(identifier: id) else {
    throw ValidationError("'\(id)' is not an IANA time zone")
  }
  return z
}
