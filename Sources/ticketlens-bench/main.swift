import Dispatch
import Foundation
import TicketLensIngest
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensSample
import TicketLensWarehouse
import TicketLensInsights

/// `ticketlens-bench`: throughput measurements for BENCHMARKS.md (run from Benchmarks/run.sh).
///
///   ticketlens-bench csv FILE [THREADS]     CSV reader only: records and MB/s
///   ticketlens-bench map FILE [THREADS]     CSV reader + ticket mapping (no warehouse)
///   ticketlens-bench ingest FILE WAREHOUSE  the full ingest of one file into a new warehouse
///   ticketlens-bench intents TRAIN TEST [MODEL]  the category classifier on a labelled corpus
///                                           (`text,label` CSVs), scored on its test split
///   ticketlens-bench sentiment TICKETS [THREADS]  the sentiment scorer alone (cleaning and
///                                           scoring) on generated ticket texts: rows/s per core
///   ticketlens-bench classifier DIR TICKETS  the category classifier on generated tickets; writes
///                                           DIR/classifier.csv for the scikit-learn peer
let args = CommandLine.arguments
guard args.count >= 3 else {
  FileHandle.standardError.write(
    Data("usage: ticketlens-bench csv|map|ingest FILE [THREADS|WAREHOUSE]\n".utf8))
  exit(2)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let t = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
}

func report(_ what: String, bytes: Int, records: Int, seconds s: Double, threads: Int) {
  let mbps = Double(bytes) / 1e6 / s
  print(
    String(
      format: "%@ threads=%d records=%d bytes=%d seconds=%.3f MB/s=%.1f MB/s/core=%.1f", what,
      threads, records, bytes, s, mbps, mbps / Double(threads)))
}

let mode = args[1]
let path = args[2]
if mode == "sentiment" {
  let n = Int(path) ?? 200_000
  let threads = args.count > 3 ? Int(args[3])! : 1
  let generator = SampleGenerator(options: SampleOptions(tickets: n, seed: 31))
  let texts = (0..<n).map { generator.classifierExample(ofTicket: $0).text }
  let scorer = SentimentScorer()
  var best = Double.infinity
  var negative = 0
  for _ in 0..<3 {
    let s = seconds {
      negative = scorer.scoreAll(texts, threads: threads).count { $0.label == .negative }
    }
    best = min(best, s)
  }
  print(
    String(
      format: "sentiment threads=%d rows=%d negative=%d seconds=%.3f rows/s/core=%.0f", threads, n,
      negative, best, Double(n) / best / Double(threads)))
  exit(0)
}
if mode == "sentence-model" {
  // ticketlens-bench sentence-model TEXTS.txt [threads]: texts (one per line) through the
  // sentence model; texts per second per core, best of 3.
  let texts = try! String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    .map(String.init)
  let threads = args.count > 3 ? Int(args[3])! : 1
  let model = try! SentenceModel.shared()
  var best = Double.infinity
  for _ in 0..<3 { best = min(best, seconds { _ = model.vectors(texts, threads: threads) }) }
  print(
    String(
      format: "sentence-model threads=%d texts=%d seconds=%.3f texts/s/core=%.0f", threads,
      texts.count, best, Double(texts.count) / best / Double(threads)))
  exit(0)
}
if mode == "suite-data" {
  // Clean inputs for the DuckDB comparison: 1M tickets (generic CSV) and 500k chats (NDJSON),
  // with no broken rows or duplicates, so that both sides load exactly the same records.
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    // suite-data DIR [TICKETS]: 1M tickets by default, chats half as many.
    let tickets = args.count > 3 ? Int(args[3])! : 1_000_000
    var o = SampleOptions(tickets: tickets, seed: 11)
    o.dirtyRate = 0
    o.duplicateRate = 0
    try SampleGenerator(options: o).write(.genericCSV, to: path + "/tickets.csv")
    var c = SampleOptions(tickets: tickets / 2, seed: 12)
    c.dirtyRate = 0
    try SampleGenerator(options: c).write(
      .genericChat, count: tickets / 2, to: path + "/chats.ndjson")
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
  exit(0)
}
if mode == "suite" || mode == "cold" {
  // suite WAREHOUSE OUTDIR [THREADS]: the metric suite on an existing warehouse (warm).
  // cold DATADIR WAREHOUSE OUTDIR: ingest tickets.csv and chats.ndjson into a new warehouse,
  // then the suite.
  do {
    var ingestSeconds = 0.0
    // Per file: prepare/waiting/writing/commit seconds (`IngestTimings`).
    var phases = ""
    let warehouse = mode == "cold" ? args[3] : path
    let out = mode == "cold" ? args[4] : args[3]
    let threads = mode == "suite" && args.count > 4 ? Int(args[4])! : 0
    let start = DispatchTime.now().uptimeNanoseconds
    if mode == "cold" {
      for suffix in ["", "-wal", "-shm", ".columns"] { unlink(warehouse + suffix) }
      let wh = try Warehouse(path: warehouse)
      let run = try wh.beginRun(command: "bench", pipeline: nil, startedAt: Clock.nowISO())
      for (file, format) in [
        ("tickets.csv", InputFormat.genericCSV), ("chats.ndjson", .genericChat),
      ] {
        let t = try TicketIngestor().load(
          path: path + "/" + file, format: format, source: "bench", zone: .utc, warehouse: wh,
          runID: run
        ).timings
        phases += String(
          format: " %@=%.3f/%.3f/%.3f/%.3f", file, t.prepare, t.waiting, t.writing, t.commit)
      }
      try wh.finishRun(run, status: "succeeded", endedAt: Clock.nowISO(), files: [], message: nil)
      ingestSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    let p = try Suite.run(warehouse: warehouse, out: out, threads: threads)
    let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(
      String(
        format: "%@ seconds=%.3f ingest=%.3f load=%.3f metrics=%.3f write=%.3f", mode, total,
        ingestSeconds, p.load, p.metrics, p.write) + phases)
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
  exit(0)
}
if mode == "intents" {
  // ticketlens-bench intents TRAIN.csv TEST.csv [linear|naive_bayes]
  let kind = args.count > 4 ? ClassifierKind(rawValue: args[4])! : .linear
  print(try IntentBench.run(train: path, test: args[3], kind: kind))
  exit(0)
}
if mode == "classifier" {
  let n = args.count > 3 ? Int(args[3])! : 1_000_000
  print(try ClassifierBench.run(dir: path, tickets: n))
  exit(0)
}
if mode == "generate" {
  // The JSON and XML benchmark inputs: 200k Zendesk tickets (NDJSON), 500k generic chats
  // (NDJSON), 100k Zendesk tickets (XML).
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    var o = SampleOptions(tickets: 200_000, seed: 7)
    try SampleGenerator(options: o).write(
      .zendeskNDJSON, count: 200_000, to: path + "/zendesk.ndjson")
    o = SampleOptions(tickets: 500_000, seed: 8)
    try SampleGenerator(options: o).write(.genericChat, count: 500_000, to: path + "/chats.ndjson")
    o = SampleOptions(tickets: 100_000, seed: 9)
    try SampleGenerator(options: o).write(.zendeskXML, count: 100_000, to: path + "/zendesk.xml")
  } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
  }
  exit(0)
}
do {
  let file = try MappedFile(path: path)
  // Touch every page once so that the first timed pass does not measure disk reads. The pages
  // stay in the kernel's cache; this mapping of them need not stay resident, so each window is
  // released once touched (holding the whole input at once made it the ingest's peak memory).
  var sum: UInt8 = 0
  let window = 8 << 20
  for w in stride(from: 0, to: file.bytes.count, by: window) {
    for i in stride(from: w, to: min(w + window, file.bytes.count), by: 4096) {
      sum &+= file.bytes[i]
    }
    if mode == "ingest" { file.pageRelease?.release(w, w + window) }
  }
  if sum == 1 { print("") }
  switch mode {
  case "csv":
    let threads = args.count > 3 ? Int(args[3])! : 1
    let reader = CSVReader(bytes: file.bytes)
    let head = reader.header()!
    var records = 0
    let s = seconds {
      let chunks = reader.chunks(
        from: head.bodyOffset, line: head.bodyLine, targetCount: threads == 1 ? 1 : threads * 4)
      let n = chunks.starts.count
      let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
      counts.initialize(repeating: 0)
      nonisolated(unsafe) let box = counts
      let work: @Sendable (Int) -> Void = { i in
        let st = chunks.starts[i]
        let end = i + 1 < n ? chunks.starts[i + 1].offset : chunks.end
        var c = 0
        reader.parse(from: st.offset, line: st.line, limit: end) { rec in
          if rec.problem == nil { c += 1 }
        }
        box[i] = c
      }
      if threads == 1 {
        (0..<n).forEach(work)
      } else {
        DispatchQueue.concurrentPerform(iterations: n, execute: work)
      }
      records = counts.reduce(0, +)
      counts.deallocate()
    }
    report("csv", bytes: file.bytes.count, records: records, seconds: s, threads: threads)
  case "map":
    let threads = args.count > 3 ? Int(args[3])! : 1
    var records = 0
    let s = try seconds {
      let reader = try TicketCSVReader(
        file: file, format: nil, source: "bench", parallelism: threads == 1 ? 1 : threads * 4)
      let n = reader.chunkCount
      let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
      counts.initialize(repeating: 0)
      nonisolated(unsafe) let box = counts
      let work: @Sendable (Int) -> Void = { i in
        let b = reader.batch(i)
        if b.end != reader.chunkEnd(i) {
          FileHandle.standardError.write(Data("chunk \(i) disagrees with the parity split\n".utf8))
        }
        box[i] = b.tickets.count
      }
      if threads == 1 {
        (0..<n).forEach(work)
      } else {
        DispatchQueue.concurrentPerform(iterations: n, execute: work)
      }
      records = counts.reduce(0, +)
      counts.deallocate()
    }
    report("map", bytes: file.bytes.count, records: records, seconds: s, threads: threads)
  case "records":
    // Any format: read and map every record (no warehouse), in parallel chunks where the
    // format allows (NDJSON, CSV).
    let threads = args.count > 3 ? Int(args[3])! : 1
    var records = 0
    let s = try seconds {
      let opened = try InputOpener.open(
        path: path, name: path, format: nil, source: "bench", zone: .utc,
        parallelism: threads == 1 ? 1 : threads * 4)
      let reader = opened.reader
      let n = reader.chunkCount
      let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
      counts.initialize(repeating: 0)
      nonisolated(unsafe) let box = counts
      let work: @Sendable (Int) -> Void = { i in box[i] = reader.batch(i).mapped }
      if threads == 1 || n == 1 {
        (0..<n).forEach(work)
      } else {
        DispatchQueue.concurrentPerform(iterations: n, execute: work)
      }
      records = counts.reduce(0, +)
      counts.deallocate()
    }
    report("records", bytes: file.bytes.count, records: records, seconds: s, threads: threads)
  case "ingest":
    let whPath = args[3]
    for suffix in ["", "-wal", "-shm"] { unlink(whPath + suffix) }
    var result: FileResult?
    let s = try seconds {
      let wh = try Warehouse(path: whPath)
      let run = try wh.beginRun(command: "bench", pipeline: nil, startedAt: Clock.nowISO())
      result = try TicketIngestor().load(
        path: path, format: nil, source: "bench", zone: .utc, warehouse: wh, runID: run)
    }
    report(
      "ingest", bytes: file.bytes.count, records: result?.accounting.loaded ?? 0, seconds: s,
      threads: ProcessInfo.processInfo.activeProcessorCount)
    if let t = result?.timings {
      print(
        String(
          format: "ingest-breakdown prepare=%.3f waiting=%.3f writing=%.3f commit=%.3f",
          t.prepare, t.waiting, t.writing, t.commit))
    }
  default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
  }
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
