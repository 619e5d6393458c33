import Foundation
import TicketLensFuzzTargets

/// libFuzzer's entry point; the target comes from `TICKETLENS_FUZZ_TARGET` (see Fuzz/run.sh).
let fuzzTarget = ProcessInfo.processInfo.environment["TICKETLENS_FUZZ_TARGET"] ?? "csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  do {
    try FuzzTargets.run(fuzzTarget, bytes)
  } catch {
    fatalError("\(error)")
  }
  return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<Int32>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point under this name; it hands over to libFuzzer's
/// driver (the same as libFuzzer's own `main`).
@_cdecl("ticketlens_fuzz_main")
public func fuzzMain(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  var count = argc
  var args = argv
  return runDriver(&count, &args) { data, size in fuzzOneInput(data, size) }
}
