import Dispatch
import Foundation
import TicketLensIngest
import TicketLensInsights
import TicketLensModel
import TicketLensWarehouse

/// The outcome of loading one file.
public struct FileResult: Sendable {
  public var accounting: FileAccounting
  public var source: String
  public var format: String
  public var bytes: Int
  /// The first problems, as `file:line [field]: message` (at most 10).
  public var errors: [String]
  /// File-level warnings (unknown columns).
  public var warnings: [String]
  /// Where the time went (for the benchmark's breakdown).
  public var timings = IngestTimings()
}

/// Seconds spent in each phase of loading one file.
public struct IngestTimings: Sendable {
  /// Mapping the file, reading the header, finding chunk boundaries, opening the transaction.
  public var prepare = 0.0
  /// The writer waiting for parsed chunks.
  public var waiting = 0.0
  /// The writer binding and inserting rows.
  public var writing = 0.0
  /// Committing the transaction (flushing pages and syncing the file).
  public var commit = 0.0
}

/// Loads ticket export files into the warehouse: chunks are parsed and mapped in parallel while
/// one connection inserts them in file order, each file in its own transaction.
public struct TicketIngestor: Sendable {
  /// Parser threads; 0 means one per core.
  public var workers: Int
  /// Target chunk size in bytes. 4 MiB: as fast as 8 MiB and 2 MiB on the benchmark's files, and
  /// the batches in flight hold less (1M-ticket CSV: peak 200 MB with 8 MiB chunks, 130–140 MB
  /// with 4 MiB; 500k chats: 134–138 → 98–101 MB).
  public var chunkBytes: Int
  /// Scores each ticket's and chat's sentiment as it is read (on the parser threads), stored
  /// with the row: the sentiment stage then has only rows of an older scorer left to score.
  public var scoresSentiment: Bool

  public init(workers: Int = 0, chunkBytes: Int = 4 << 20, scoresSentiment: Bool = false) {
    self.workers = workers
    self.chunkBytes = chunkBytes
    self.scoresSentiment = scoresSentiment
  }

  /// Loads one file of any format. File-level failures (unreadable, empty, unknown format,
  /// header problems, a document that is not well formed) are recorded in the warehouse and
  /// returned with `accounting.failed` set; nothing of such a file stays loaded. They do not throw.
  /// - Parameters:
  ///   - name: how the file is named in messages, accounting and reports (default: `path`).
  ///   - format: forced format, or nil to detect it from the content.
  ///   - mapping/kind: for mapped generic exports.
  ///   - incremental: skip a file loaded before with the same size, time and content.
  /// - Throws: `WarehouseError` when the warehouse itself fails (disk full, locked).
  public func load(
    path: String, name: String? = nil, format: InputFormat?, source: String, zone: ZoneRules,
    warehouse: Warehouse, runID: Int64, mapping: FieldMapping? = nil, kind: RecordKind = .tickets,
    incremental: Bool = true, progress: ((_ records: Int, _ done: Int, _ total: Int) -> Void)? = nil
  ) throws -> FileResult {
    let name = name ?? path
    var accounting = FileAccounting(file: name)
    var timings = IngestTimings()
    let started = DispatchTime.now().uptimeNanoseconds
    let threads = workers == 0 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : workers
    func failed(_ issue: IngestIssue, format: String, bytes: Int) throws(WarehouseError)
      -> FileResult
    {
      var a = FileAccounting(file: name)
      a.failed = issue.message
      // Records the file holds but that were never read (it failed on its header) count as
      // read and rejected, so the accounting shows what was not loaded.
      if let n = issue.records {
        a.read = n
        a.rejected = n
      }
      try warehouse.recordFailedFile(
        runID: runID, source: source, format: format, accounting: a, bytes: bytes, issue: issue)
      return FileResult(
        accounting: a, source: source, format: format, bytes: bytes, errors: [issue.description],
        warnings: [])
    }
    // Incremental: the same file again (size, time, content) is not read again.
    var fingerprint: FileFingerprint? = nil
    if let st = FileFingerprint.stat(path) {
      let known = try warehouse.fingerprint(source: source, path: name)
      if let file = try? MappedFile(path: path, name: name) {
        let print = FileFingerprint(
          size: st.size, mtimeNanoseconds: st.mtime,
          hash: FileFingerprint.hash(file.bytes, release: file.pageRelease))
        fingerprint = print
        if incremental, let known, known.size == print.size, known.mtime == print.mtimeNanoseconds,
          known.hash == print.hash
        {
          try warehouse.recordSkippedFile(
            runID: runID, source: source, format: format?.rawValue ?? "auto", file: name,
            bytes: Int(st.size))
          accounting.skipped = true
          return FileResult(
            accounting: accounting, source: source, format: format?.rawValue ?? "auto",
            bytes: Int(st.size), errors: [], warnings: [])
        }
      }
    }
    let reader: any ChunkedRecordReader
    let bytes: Int
    do {
      let opened = try InputOpener.open(
        path: path, name: name, format: format, source: source, zone: zone,
        parallelism: max(threads, Int(fingerprint?.size ?? 0) / chunkBytes), mapping: mapping,
        kind: kind)
      reader = opened.reader
      bytes = opened.bytes
    } catch {
      return try failed(
        error, format: format?.rawValue ?? "auto", bytes: Int(fingerprint?.size ?? 0))
    }
    // Rows scored now carry the scorer's version: older scores are marked for rescoring first.
    let scorer = scoresSentiment ? SentimentScorer() : nil
    if scorer != nil {
      try warehouse.invalidateSentiment(unlessVersion: SentimentScorer.version)
    }
    let load = try warehouse.beginTicketLoad(
      runID: runID, file: name, source: source, format: reader.formatName, bytes: bytes)
    var errors: [String] = []
    var fileFailure: IngestIssue? = nil
    var stopped = false
    var recordsSoFar = 0
    var blank = (lines: 0, first: Int?.none)
    var fileWarnings: [String] = []
    var unknownSeen: Set<String> = []
    var readWarnings: [IngestIssue] = []
    do {
      try load.note(reader.warnings)
      let prepared = DispatchTime.now().uptimeNanoseconds
      timings.prepare = Double(prepared - started) / 1e9
      var writing = 0.0
      try forEachBatch(reader, threads: threads, scorer: scorer, waiting: &timings.waiting) {
        batch throws(WarehouseError) in
        if let f = batch.issues.first(where: { $0.severity == .file }) {
          fileFailure = fileFailure ?? f
          return
        }
        if Cancellation.received != 0 {
          stopped = true
          return
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        // Unknown fields found while reading (XML elements) are said once per file.
        let issues = batch.issues.filter { issue in
          guard issue.severity == .warning, issue.code == .unknownColumn else { return true }
          let name = String((issue.location.field ?? "").split(separator: "/").last ?? "")
          guard unknownSeen.insert(name).inserted else { return false }
          readWarnings.append(issue)
          return true
        }
        for rows in batch.rows { try load.add(rows: rows, issues: [], read: 0) }
        try load.add(
          articles: batch.records.articles, searchTerms: batch.records.searchTerms,
          ticketMetrics: batch.records.ticketMetrics, issues: issues, read: batch.read)
        writing += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        recordsSoFar += batch.read
        blank.lines += batch.records.blankLines
        blank.first = blank.first ?? batch.records.firstBlankLine
        progress?(recordsSoFar, max(0, batch.end), bytes)
        for issue in batch.issues where errors.count < 10 && issue.severity != .warning {
          errors.append(issue.description)
        }
      }
      if stopped {
        load.rollback()
        throw Cancellation.Cancelled(signal: Cancellation.received)
      }
      if let fileFailure {
        load.rollback()
        return try failed(fileFailure, format: reader.formatName, bytes: bytes)
      }
      timings.writing = writing
      // Blank lines are no records: skipped, and said once per file.
      var warnings = reader.warnings + readWarnings
      if blank.lines > 0, let first = blank.first {
        let note = IngestIssue(
          .blankLines, .warning, at: InputLocation(file: name, line: first),
          "\(blank.lines) blank or whitespace-only line(s) skipped (the first at line \(first))")
        try load.note([note])
        warnings.append(note)
      }
      fileWarnings = warnings.map(\.description)
      if let f = fingerprint {
        try load.remember(path: name, size: f.size, mtime: f.mtimeNanoseconds, hash: f.hash)
      }
      let committing = DispatchTime.now().uptimeNanoseconds
      accounting = try load.commit()
      timings.commit = Double(DispatchTime.now().uptimeNanoseconds - committing) / 1e9
    } catch {
      load.rollback()
      throw error
    }
    return FileResult(
      accounting: accounting, source: source, format: reader.formatName, bytes: bytes,
      errors: errors, warnings: fileWarnings, timings: timings)
  }

  /// Produces the file's batches in order: mapped in parallel by `threads` workers, at most a
  /// few chunks ahead of the consumer. If a chunk's sequential parse disagrees with the parity
  /// split (stray quotes), everything from that chunk on is re-read sequentially.
  func forEachBatch(
    _ reader: any ChunkedRecordReader, threads: Int, scorer: SentimentScorer?,
    waiting: inout Double,
    _ body: (PreparedBatch) throws(WarehouseError) -> Void
  ) throws(WarehouseError) {
    let n = reader.chunkCount
    if n == 1 || threads == 1 {
      var i = 0
      while i < n {
        let b = PreparedBatch(reader.batch(i), scorer: scorer)
        if b.end != reader.chunkEnd(i) {
          try body(PreparedBatch(reader.rest(from: i), scorer: scorer))
          return
        }
        try body(b)
        i += 1
      }
      return
    }
    let slots = BatchSlots(count: n)
    let window = DispatchSemaphore(value: threads + 2)
    let next = Counter()
    let stop = Flag()
    let group = DispatchGroup()
    for _ in 0..<threads {
      DispatchQueue.global().async(group: group) {
        while true {
          window.wait()
          let i = next.take()
          if i >= n || stop.isSet {
            window.signal()
            return
          }
          slots.put(i, PreparedBatch(reader.batch(i), scorer: scorer))
        }
      }
    }
    defer {
      stop.set()
      for _ in 0..<(threads + 2) { window.signal() }
      group.wait()
    }
    for i in 0..<n {
      let t0 = DispatchTime.now().uptimeNanoseconds
      let b = slots.take(i)
      waiting += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      window.signal()
      if b.end != reader.chunkEnd(i) {
        stop.set()
        try body(PreparedBatch(reader.rest(from: i), scorer: scorer))
        return
      }
      try body(b)
    }
  }
}

/// A mapped chunk; tickets and chats are already encoded for the warehouse (by the workers,
/// which also free the records: freeing chats' messages had been a tenth of the writer's time).
struct PreparedBatch: Sendable {
  var rows: [EncodedRows] = []
  var records: RecordBatch
  var issues: [IngestIssue]
  var read: Int
  var end: Int

  /// A record's label and score, on the text `text` gives of it.
  static func scoring<T>(_ scorer: SentimentScorer, _ text: @escaping (T) -> String)
    -> (T) -> (label: String, score: Double)
  {
    { record in
      let s = scorer.score(text(record))
      return (s.label.rawValue, s.score)
    }
  }

  /// `scorer`: each ticket and chat is scored (the text `EncodedRows.sentimentText` gives).
  init(_ b: RecordBatch, scorer: SentimentScorer?) {
    var b = b
    // In id order (`EncodedRows.sortByID`): a file in random id order loads as fast as one in
    // order.
    if !b.tickets.isEmpty {
      var r = EncodedRows(
        b.tickets, sentiment: scorer.map { Self.scoring($0, EncodedRows.sentimentText) })
      r.sortByID()
      rows.append(r)
      b.tickets = []
    }
    if !b.chats.isEmpty {
      var r = EncodedRows(
        b.chats, sentiment: scorer.map { Self.scoring($0, EncodedRows.sentimentText) })
      r.sortByID()
      rows.append(r)
      b.chats = []
    }
    issues = b.issues
    read = b.read
    end = b.end
    b.issues = []
    records = b
  }
}

/// Result slots filled by workers and taken in order by the consumer.
final class BatchSlots: @unchecked Sendable {
  private var items: [PreparedBatch?]
  private let ready: [DispatchSemaphore]
  private let lock = NSLock()

  init(count: Int) {
    items = Array(repeating: nil, count: count)
    ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
  }

  func put(_ i: Int, _ b: PreparedBatch) {
    lock.lock()
    items[i] = b
    lock.unlock()
    ready[i].signal()
  }

  func take(_ i: Int) -> PreparedBatch {
    ready[i].wait()
    lock.lock()
    defer { lock.unlock() }
    let b = items[i]!
    items[i] = nil
    return b
  }
}

final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func take() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value - 1
  }
}

final class Flag: @unchecked Sendable {
  private var value = false
  private let lock = NSLock()
  var isSet: Bool {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
  func set() {
    lock.lock()
    value = true
    lock.unlock()
  }
}
