import CSQLite
import TicketLensModel

/// A ticket as the text classifiers see it.
public struct ClassifierTicket: Sendable {
  public var rowid: Int64
  public var source: String
  public var id: String
  /// Subject and description.
  public var text: String
  /// The first non-empty of the configured category custom fields, if any.
  public var fieldCategory: String?
  /// Space-separated tags.
  public var tags: String
  /// What follows a tag prefix in the first tag that has it, when the tags were read down to it
  /// (`tags` is then empty); nil otherwise.
  public var tagCategory: String?
  public var priority: String?

  public init(
    rowid: Int64, source: String, id: String, text: String, fieldCategory: String?,
    tags: String, priority: String?, tagCategory: String? = nil
  ) {
    self.rowid = rowid
    self.source = source
    self.id = id
    self.text = text
    self.fieldCategory = fieldCategory
    self.tags = tags
    self.tagCategory = tagCategory
    self.priority = priority
  }
}

/// Tickets for the classifiers, compactly: what a million-ticket classification holds instead of
/// a `ClassifierTicket` each (about 120 bytes, with five strings): per ticket its row id, the
/// hash of its key the held-out split reads, dictionary codes of its category inputs and
/// priority (a few distinct values), and its text in a `TextColumn`.
public struct ClassifierTickets: Sendable {
  public private(set) var rowids: [Int64] = []
  /// FNV-1a of each ticket's source, a separator and its id (`keyHash(source:id:)`).
  public private(set) var keyHashes: [UInt64] = []
  /// The first non-empty of the configured category custom fields, if any.
  public private(set) var fieldCategories = CodedStrings()
  /// When read with a tag prefix: what follows the prefix in the first tag that has it.
  public private(set) var tagCategories = CodedStrings()
  /// Space-separated tags (empty when read with a tag prefix).
  public private(set) var tags = CodedStrings()
  public private(set) var priorities = CodedStrings()
  /// `texts[i]` is ticket `i`'s subject and description.
  public private(set) var texts = TextColumn()

  public init() {}

  /// From tickets that carry their texts.
  public init(_ tickets: [ClassifierTicket]) {
    reserveCapacity(tickets.count)
    for t in tickets {
      var text = t.text
      text.withUTF8 { texts.append($0) }
      append(t)
    }
  }

  public var count: Int { rowids.count }

  public mutating func reserveCapacity(_ n: Int) {
    rowids.reserveCapacity(n)
    keyHashes.reserveCapacity(n)
    texts.reserveCapacity(n)
    for k in [\Self.fieldCategories, \.tagCategories, \.tags, \.priorities] {
      self[keyPath: k].reserveCapacity(n)
    }
  }

  /// Appends a ticket's fields (its text is appended to `texts` apart).
  mutating func append(_ t: ClassifierTicket) {
    rowids.append(t.rowid)
    keyHashes.append(Self.keyHash(source: t.source, id: t.id))
    fieldCategories.append(t.fieldCategory)
    tagCategories.append(t.tagCategory)
    tags.append(t.tags)
    priorities.append(t.priority)
  }

  mutating func appendText(_ utf8: UnsafeBufferPointer<UInt8>) { texts.append(utf8) }

  /// Appends every ticket of `other` after these: the same batch as reading the rows of both
  /// one after the other (values coded in order of first appearance).
  mutating func append(contentsOf other: ClassifierTickets) {
    rowids += other.rowids
    keyHashes += other.keyHashes
    for k in [\Self.fieldCategories, \.tagCategories, \.tags, \.priorities] {
      self[keyPath: k].append(contentsOf: other[keyPath: k])
    }
    texts.append(contentsOf: other.texts)
  }

  /// Appends the row `st` is on (columns rowid, source, id, text, field category, tags,
  /// priority) from its bytes, as `append` would the ticket read from it: with `tagPrefix`, the
  /// tags are read down to the tag category and left empty.
  mutating func appendRow(_ st: Statement, tagPrefix: [UInt8]?) {
    rowids.append(st.int64(0))
    keyHashes.append(st.withText(1) { source in st.withText(2) { Self.keyHash(source, $0) } })
    fieldCategories.append(st, column: 4)
    if let tagPrefix {
      st.withText(5) { tagBytes in
        tagCategories.append(bytes: Warehouse.firstTag(inBytes: tagBytes, prefix: tagPrefix))
      }
      tags.append(bytes: UnsafeBufferPointer(start: nil, count: 0))
    } else {
      tagCategories.append(bytes: nil)
      st.withText(5) { tags.append(bytes: $0) }
    }
    priorities.append(st, column: 6)
  }

  /// The hash the held-out split reads: FNV-1a of source, a unit separator and id.
  public static func keyHash(source: String, id: String) -> UInt64 {
    keyHash(source.utf8, id.utf8)
  }

  /// `keyHash(source:id:)` of the key's UTF-8 bytes.
  static func keyHash(_ source: some Sequence<UInt8>, _ id: some Sequence<UInt8>) -> UInt64 {
    var h = FNV1a()
    for b in source { h.add(b) }
    h.separate()
    for b in id { h.add(b) }
    return h.value
  }
}

/// Optional strings, usually with few distinct values, as a code per row into the distinct
/// values. Values are told apart by their UTF-8 bytes (as SQLite stores them): two spellings
/// that Swift's `==` finds canonically equal stay two values.
public struct CodedStrings: Sendable {
  /// Per row, its value's index in `values` (-1: none).
  public private(set) var codes: [Int32] = []
  public private(set) var values: [String] = []
  /// Every value's bytes, for lookups once there are more than a few.
  private var index: [[UInt8]: Int32] = [:]

  public init() {}

  public mutating func reserveCapacity(_ n: Int) { codes.reserveCapacity(n) }

  public mutating func append(_ s: String?) {
    guard var s else {
      codes.append(-1)
      return
    }
    s.withUTF8 { append(bytes: $0) }
  }

  /// Appends a value given as UTF-8 bytes (nil: none); a String is made only for a value not
  /// seen before. The previous row's value is checked first, then, while there are few values,
  /// each of them (no key is allocated), else the index.
  mutating func append(bytes: UnsafeBufferPointer<UInt8>?) {
    guard let bytes else {
      codes.append(-1)
      return
    }
    if let last = codes.last, last >= 0, values[Int(last)].utf8.elementsEqual(bytes) {
      codes.append(last)
      return
    }
    if values.count <= 16 {
      if let i = values.firstIndex(where: { $0.utf8.elementsEqual(bytes) }) {
        codes.append(Int32(i))
        return
      }
    } else if let known = index[Array(bytes)] {
      codes.append(known)
      return
    }
    let c = Int32(values.count)
    index[Array(bytes)] = c
    values.append(String(decoding: bytes, as: UTF8.self))
    codes.append(c)
  }

  /// Appends text column `i` of the row `st` is on (NULL: none).
  mutating func append(_ st: Statement, column i: Int32) {
    if st.isNull(i) {
      append(bytes: nil)
    } else {
      st.withText(i) { append(bytes: $0) }
    }
  }

  public var count: Int { codes.count }

  public subscript(i: Int) -> String? { codes[i] < 0 ? nil : values[Int(codes[i])] }

  /// Appends `other`'s rows: its values are coded here as if its rows had been appended one by
  /// one (a value not seen yet gets the next code).
  mutating func append(contentsOf other: CodedStrings) {
    var mine: [Int32] = []
    mine.reserveCapacity(other.values.count)
    let before = codes.count
    for var v in other.values {
      v.withUTF8 { append(bytes: $0) }
      mine.append(codes.removeLast())
    }
    precondition(codes.count == before)
    codes += other.codes.lazy.map { $0 < 0 ? $0 : mine[Int($0)] }
  }
}

/// What the classifiers decided for one ticket.
public struct TicketClassification: Sendable {
  public var rowid: Int64
  public var category: String?
  /// `label` (recorded on the ticket) or `predicted`.
  public var origin: String?
  public var confidence: Double?
  public var suggestedPriority: String?
  /// Probability that the ticket is high or urgent, by its text.
  public var urgency: Double?
  /// The terms that raised the urgency most (for tickets flagged as urgent-looking).
  public var urgencyTerms: String?

  public init(rowid: Int64) { self.rowid = rowid }
}

/// A classifier's held-out evaluation, as stored.
public struct StoredClassifierModel: Sendable, Equatable {
  public var model: String
  public var labelled: Int
  public var holdout: Int
  public var predicted: Int
  public var vocabulary: Int
  public var alpha: Double
  public var temperature: Double
  /// (actual, predicted, tickets), sorted.
  public var confusion: [(actual: String, predicted: String, tickets: Int)]

  public init(
    model: String, labelled: Int, holdout: Int, predicted: Int, vocabulary: Int, alpha: Double,
    temperature: Double, confusion: [(actual: String, predicted: String, tickets: Int)]
  ) {
    self.model = model
    self.labelled = labelled
    self.holdout = holdout
    self.predicted = predicted
    self.vocabulary = vocabulary
    self.alpha = alpha
    self.temperature = temperature
    self.confusion = confusion
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.model == b.model && a.labelled == b.labelled && a.holdout == b.holdout
      && a.predicted == b.predicted && a.vocabulary == b.vocabulary && a.alpha == b.alpha
      && a.temperature == b.temperature && a.confusion.map(\.actual) == b.confusion.map(\.actual)
      && a.confusion.map(\.predicted) == b.confusion.map(\.predicted)
      && a.confusion.map(\.tickets) == b.confusion.map(\.tickets)
  }
}

/// The trained classifier as kept in the warehouse (its bytes are a `ClassifierSnapshot`).
public struct StoredClassifierSnapshot: Sendable {
  /// Hash of the settings it was trained with.
  public var settings: Int64
  /// Tickets it was trained on.
  public var trainedTickets: Int
  /// The newest load whose tickets it has classified.
  public var throughLoad: Int64
  /// Tickets it has classified since it was trained.
  public var classifiedSince: Int
  public var bytes: [UInt8]

  public init(
    settings: Int64, trainedTickets: Int, throughLoad: Int64, classifiedSince: Int,
    bytes: [UInt8]
  ) {
    self.settings = settings
    self.trainedTickets = trainedTickets
    self.throughLoad = throughLoad
    self.classifiedSince = classifiedSince
    self.bytes = bytes
  }
}

/// A ticket whose text reads as urgent while its priority is low or normal.
public struct UrgentLooking: Sendable, Equatable {
  public var source: String
  public var id: String
  public var subject: String
  public var priority: String?
  public var suggestedPriority: String?
  public var urgency: Double
  public var terms: String
  public var status: String?
  public var assignee: String?
  public var createdAt: Int64
}

extension Warehouse {
  /// What the category stage reads of the tickets table before it reads the tickets, in one
  /// pass over it (each of these was a pass of its own: 0.12 s each at 1M tickets).
  public struct ClassifierInputs: Sendable, Equatable {
    /// A fingerprint of the ticket rows the classifiers read, to skip retraining when nothing
    /// changed: an inserted or updated row changes the count or raises a `load_id`.
    public var key: String
    /// The newest load that inserted or updated a ticket (0 when there is none).
    public var newestLoad: Int64
    /// Tickets not excluded: what `classifierBatch` reads without `loadedAfter`.
    public var included: Int
  }

  public func classifierInputs() throws(WarehouseError) -> ClassifierInputs {
    let st = try connection.prepare(
      """
      SELECT count(*), coalesce(sum(load_id), 0), coalesce(max(load_id), 0),
        count(*) FILTER (WHERE excluded IS NULL)
      FROM tickets
      """)
    guard try st.step() else { return ClassifierInputs(key: "", newestLoad: 0, included: 0) }
    return ClassifierInputs(
      key: "tickets=\(st.int64(0)) loads=\(st.int64(1))", newestLoad: st.int64(2),
      included: Int(st.int64(3)))
  }

  /// The stored fingerprint of the last classification (settings and inputs, hashed).
  public func classificationKey() throws(WarehouseError) -> Int64 {
    try insightState("category_key") ?? 0
  }

  /// Every ticket not excluded, in key order, with the value of the first of `fields` (custom
  /// field names) that is set.
  /// With `loadedAfter`, only the tickets inserted or updated by a later load.
  public func classifierTickets(categoryFields fields: [String], loadedAfter: Int64? = nil)
    throws(WarehouseError) -> [ClassifierTicket]
  {
    var out: [ClassifierTicket] = []
    try readClassifierRows(categoryFields: fields, loadedAfter: loadedAfter) { st in
      out.append(
        ClassifierTicket(
          rowid: st.int64(0), source: st.text(1) ?? "", id: st.text(2) ?? "",
          text: st.text(3) ?? "", fieldCategory: st.text(4), tags: st.text(5) ?? "",
          priority: st.text(6)))
    }
    return out
  }

  /// `classifierTickets` compactly (`ClassifierTickets`). With `tagPrefix`, each ticket's tags
  /// are read down to its tag category (what follows the prefix in the first tag that has it)
  /// and its tags are left empty.
  ///
  /// `count`, when known (`ClassifierInputs.included` for a read without `loadedAfter`), saves
  /// counting them. A read of at least 200,000 tickets (`parts` to choose) reads the two halves
  /// of the key order on connections of their own at once and joins them: the same batch, in
  /// half the time (0.6 s of one core at 1M tickets).
  public func classifierBatch(
    categoryFields fields: [String], tagPrefix: String? = nil, loadedAfter: Int64? = nil,
    count known: Int? = nil, parts: Int? = nil
  ) throws(WarehouseError) -> ClassifierTickets {
    // Sized once: a million tickets grown by doubling would hold two copies at the last step.
    var counted = known ?? 0
    if known == nil {
      let st = try connection.prepare(
        "SELECT count(*) FROM tickets WHERE excluded IS NULL AND load_id > ?")
      st.bind(1, loadedAfter ?? Int64.min)
      if try st.step() { counted = Int(st.int64(0)) }
    }
    let count = counted
    // Read as bytes: no String is made for a row's key, tags or priority (a value not seen
    // before becomes one).
    let prefix = tagPrefix.map { Array($0.utf8) }
    @Sendable func read(
      _ c: Connection, from: (String, String)?, to: (String, String)?, expected: Int
    )
      throws(WarehouseError) -> ClassifierTickets
    {
      var batch = ClassifierTickets()
      batch.reserveCapacity(expected)
      try Self.readClassifierRows(
        c, categoryFields: fields, loadedAfter: loadedAfter, from: from, to: to
      ) { st in
        st.withText(3) { batch.appendText($0) }
        batch.appendRow(st, tagPrefix: prefix)
      }
      return batch
    }
    let k = parts ?? (count >= 200_000 ? 2 : 1)
    guard k == 2, !isInMemory, sqlite3_get_autocommit(connection.db) != 0,
      let middle = try middleTicketKey()
    else { return try read(connection, from: nil, to: nil, expected: count) }
    let path = path
    var halves = concurrentSlots(2) { i in
      Result { () throws(WarehouseError) in
        // The first half gets room for all: the second is appended to it.
        try read(
          Connection(path: path, readOnly: true), from: i == 0 ? nil : middle,
          to: i == 0 ? middle : nil, expected: i == 0 ? count : count / 2 + 1)
      }
    }
    var batch = try halves[0].take()!.get()
    batch.append(contentsOf: try halves[1].take()!.get())
    return batch
  }

  /// The key (source, id) half-way through the tickets' key order (nil with none), from the
  /// key index alone.
  private func middleTicketKey() throws(WarehouseError) -> (String, String)? {
    let n = try connection.scalarInt("SELECT coalesce(max(rowid), 0) FROM tickets") ?? 0
    let st = try connection.prepare(
      "SELECT source, id FROM tickets ORDER BY source, id LIMIT 1 OFFSET ?")
    st.bind(1, n / 2)
    guard try st.step() else { return nil }
    return (st.text(0) ?? "", st.text(1) ?? "")
  }

  /// Steps through every ticket not excluded (loaded after `loadedAfter`), in key order, on
  /// columns rowid, source, id, text, field category, tags and priority.
  private func readClassifierRows(
    categoryFields fields: [String], loadedAfter: Int64?, _ row: (Statement) -> Void
  ) throws(WarehouseError) {
    try Self.readClassifierRows(
      connection, categoryFields: fields, loadedAfter: loadedAfter, from: nil, to: nil, row)
  }

  /// `readClassifierRows` on connection `c`, of the keys from `from` (included) to `to` (not
  /// included) when given.
  private static func readClassifierRows(
    _ connection: Connection, categoryFields fields: [String], loadedAfter: Int64?,
    from: (String, String)?, to: (String, String)?, _ row: (Statement) -> Void
  ) throws(WarehouseError) {
    // Keys are compared exactly (no JSON-path syntax, so any field name works).
    let lookups = fields.map { _ in
      "(SELECT nullif(trim(value), '') FROM json_each(custom_fields) WHERE key = ?)"
    }
    let field =
      lookups.isEmpty
      ? "NULL"
      : lookups.count == 1 ? lookups[0] : "coalesce(" + lookups.joined(separator: ", ") + ")"
    let st = try connection.prepare(
      """
      SELECT rowid, source, id, \(Self.ticketTextSQL),
        CASE WHEN json_valid(custom_fields) THEN \(field) END, coalesce(tags, ''), priority
      FROM tickets WHERE excluded IS NULL AND load_id > ?\(from == nil ? "" : " AND (source, id) >= (?, ?)")\(to == nil ? "" : " AND (source, id) < (?, ?)")
      ORDER BY source, id
      """)
    for (i, f) in fields.enumerated() { st.bind(Int32(i + 1), f) }
    var next = Int32(fields.count + 1)
    st.bind(next, loadedAfter ?? Int64.min)
    for key in [from, to].compactMap({ $0 }) {
      st.bind(next + 1, key.0)
      st.bind(next + 2, key.1)
      next += 2
    }
    while try st.step() { row(st) }
  }

  /// `firstTag(in:prefix:)` on the tags' UTF-8 bytes: the bytes after the prefix (nil when no
  /// tag has it).
  static func firstTag(inBytes tags: UnsafeBufferPointer<UInt8>, prefix: some Collection<UInt8>)
    -> UnsafeBufferPointer<UInt8>?
  {
    for tag in tags.split(separator: UInt8(ascii: " "))
    where tag.count > prefix.count && tag.starts(with: prefix) {
      return UnsafeBufferPointer(rebasing: tag.dropFirst(prefix.count))
    }
    return nil
  }

  /// What follows `prefix` in the first of the space-separated `tags` that starts with it and
  /// is longer.
  public static func firstTag(in tags: String, prefix: some Collection<UInt8>) -> String? {
    var tags = tags
    return tags.withUTF8 {
      firstTag(inBytes: $0, prefix: prefix).map { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Replaces every ticket's classification and the stored model evaluations in one
  /// transaction, records `key`, and bumps the category generation (the column cache rebuilds).
  /// `snapshot` (the trained models, to classify later loads without training) replaces the
  /// stored one; nil removes it.
  public func storeClassifications(
    _ rows: [TicketClassification], models: [StoredClassifierModel], key: Int64,
    snapshot: StoredClassifierSnapshot? = nil
  ) throws(WarehouseError) {
    try connection.immediateTransaction { () throws(WarehouseError) in
      // Every classification is replaced: the table emptied and `rows` appended in row-id
      // order (by index: a million rows are not copied); excluded tickets have none.
      try connection.execute("DELETE FROM ticket_classes")
      try insertClassifications(
        rows, order: rows.indices.sorted { rows[$0].rowid < rows[$1].rowid })
      try connection.execute("DELETE FROM classifier_snapshot")
      if let snapshot {
        let st = try connection.prepare(
          "INSERT INTO classifier_snapshot VALUES (1, ?, ?, ?, ?, ?)")
        st.bind(1, snapshot.settings)
        st.bind(2, snapshot.trainedTickets)
        st.bind(3, snapshot.throughLoad)
        st.bind(4, snapshot.classifiedSince)
        st.bind(5, blob: snapshot.bytes)
        _ = try st.step()
      }
      try connection.execute("DELETE FROM classifier_models")
      try connection.execute("DELETE FROM classifier_confusion")
      let m = try connection.prepare("INSERT INTO classifier_models VALUES (?, ?, ?, ?, ?, ?, ?)")
      let c = try connection.prepare("INSERT INTO classifier_confusion VALUES (?, ?, ?, ?)")
      for model in models {
        m.reset()
        m.bind(1, model.model)
        m.bind(2, model.labelled)
        m.bind(3, model.holdout)
        m.bind(4, model.predicted)
        m.bind(5, model.vocabulary)
        m.bind(6, model.alpha)
        m.bind(7, model.temperature)
        _ = try m.step()
        for cell in model.confusion {
          c.reset()
          c.bind(1, model.model)
          c.bind(2, cell.actual)
          c.bind(3, cell.predicted)
          c.bind(4, cell.tickets)
          _ = try c.step()
        }
      }
      try recordClassification(key: key)
    }
  }

  /// Records `key` as what the stored classification was made from, and starts a new category
  /// generation (the column cache rebuilds).
  private func recordClassification(key: Int64) throws(WarehouseError) {
    try connection.execute("UPDATE insight_state SET value = \(key) WHERE key = 'category_key'")
    try connection.execute(
      "UPDATE insight_state SET value = value + 1 WHERE key = 'category_generation'")
  }

  /// Writes `rows` into `ticket_classes` (a ticket's earlier classification replaced).
  private func insertClassifications(_ rows: [TicketClassification], order: [Int]? = nil)
    throws(WarehouseError)
  {
    let st = try connection.prepare(
      "INSERT OR REPLACE INTO ticket_classes VALUES (?, ?, ?, ?, ?, ?, ?)")
    for k in order ?? Array(rows.indices) {
      let r = rows[k]
      st.reset()
      st.bind(1, r.rowid)
      st.bind(2, r.category)
      st.bind(3, r.origin)
      st.bind(4, r.confidence)
      st.bind(5, r.suggestedPriority)
      st.bind(6, r.urgency)
      st.bind(7, r.urgencyTerms)
      _ = try st.step()
    }
  }

  /// The kept trained classifier, if any.
  public func classifierSnapshot() throws(WarehouseError) -> StoredClassifierSnapshot? {
    let st = try connection.prepare(
      """
      SELECT settings, trained_tickets, through_load, classified_since, snapshot
      FROM classifier_snapshot WHERE id = 1
      """)
    guard try st.step() else { return nil }
    return StoredClassifierSnapshot(
      settings: st.int64(0), trainedTickets: Int(st.int64(1)), throughLoad: st.int64(2),
      classifiedSince: Int(st.int64(3)), bytes: st.blob(4))
  }

  /// Records the classification of tickets loaded after `afterLoad` (by the kept models, not
  /// trained again) in one transaction: those rows, excluded ones cleared, the models'
  /// predicted counts, the snapshot's newest load and count, `key`, and a new category
  /// generation (the column cache rebuilds). Other tickets keep what they had.
  public func storeNewClassifications(
    _ rows: [TicketClassification], afterLoad: Int64, throughLoad: Int64, classifiedSince: Int,
    key: Int64
  ) throws(WarehouseError) {
    try connection.immediateTransaction { () throws(WarehouseError) in
      try connection.execute(
        """
        DELETE FROM ticket_classes WHERE ticket IN
          (SELECT rowid FROM tickets WHERE load_id > \(afterLoad) AND excluded IS NOT NULL)
        """)
      try insertClassifications(rows)
      try connection.execute(
        """
        UPDATE classifier_models SET predicted = CASE model
          WHEN 'category' THEN
            (SELECT count(*) FROM ticket_classes WHERE category_origin = 'predicted')
          ELSE (SELECT count(*) FROM tickets WHERE excluded IS NULL) END
        """)
      try connection.execute(
        """
        UPDATE classifier_snapshot SET through_load = \(throughLoad),
          classified_since = \(classifiedSince)
        """)
      try recordClassification(key: key)
    }
  }

  /// The stored classifier evaluations, by model name.
  public func classifierModels() throws(WarehouseError) -> [StoredClassifierModel] {
    let m = try connection.prepare(
      """
      SELECT model, labelled, holdout, predicted, vocabulary, alpha, temperature
      FROM classifier_models ORDER BY model
      """)
    var out: [StoredClassifierModel] = []
    while try m.step() {
      out.append(
        StoredClassifierModel(
          model: m.text(0) ?? "", labelled: Int(m.int64(1)), holdout: Int(m.int64(2)),
          predicted: Int(m.int64(3)), vocabulary: Int(m.int64(4)), alpha: m.double(5),
          temperature: m.double(6), confusion: []))
    }
    let c = try connection.prepare(
      "SELECT actual, predicted, tickets FROM classifier_confusion WHERE model = ? ORDER BY actual, predicted"
    )
    for i in out.indices {
      c.reset()
      c.bind(1, out[i].model)
      while try c.step() {
        out[i].confusion.append((c.text(0) ?? "", c.text(1) ?? "", Int(c.int64(2))))
      }
    }
    return out
  }

  /// Tickets with low, normal or no priority whose urgency is at least `threshold`: unresolved
  /// ones first, then most urgent first.
  public func urgentLooking(threshold: Double) throws(WarehouseError) -> [UrgentLooking] {
    let st = try connection.prepare(
      """
      SELECT t.source, t.id, coalesce(t.subject, ''), t.priority, k.suggested_priority, k.urgency,
        coalesce(k.urgency_terms, ''), t.status, t.assignee, t.created_at
      FROM ticket_classes k JOIN tickets t ON t.rowid = k.ticket
      WHERE t.excluded IS NULL AND k.urgency >= ?
        AND coalesce(t.priority, 'none') IN ('low', 'normal', 'none')
      ORDER BY coalesce(t.status, '') IN ('solved', 'closed'), k.urgency DESC, t.created_at,
        t.source, t.id
      """)
    st.bind(1, threshold)
    var out: [UrgentLooking] = []
    while try st.step() {
      out.append(
        UrgentLooking(
          source: st.text(0) ?? "", id: st.text(1) ?? "", subject: st.text(2) ?? "",
          priority: st.text(3), suggestedPriority: st.text(4), urgency: st.double(5),
          terms: st.text(6) ?? "", status: st.text(7), assignee: st.text(8),
          createdAt: st.int64(9)))
    }
    return out
  }

  /// Each classified ticket's category (recorded or predicted), suggested priority and
  /// urgency, in key order; `predictedOnly` keeps the tickets whose category was predicted.
  public func ticketCategories(predictedOnly: Bool) throws(WarehouseError) -> [TicketCategory] {
    let st = try connection.prepare(
      """
      SELECT t.source, t.id, k.category, k.category_origin, k.category_confidence, t.priority,
        k.suggested_priority, k.urgency, coalesce(t.subject, '')
      FROM tickets t JOIN ticket_classes k ON k.ticket = t.rowid
      WHERE t.excluded IS NULL AND (k.category IS NOT NULL OR k.suggested_priority IS NOT NULL)
        \(predictedOnly ? "AND k.category_origin = 'predicted'" : "")
      ORDER BY t.source, t.id
      """)
    var out: [TicketCategory] = []
    while try st.step() {
      out.append(
        TicketCategory(
          source: st.text(0) ?? "", id: st.text(1) ?? "", category: st.text(2),
          origin: st.text(3), confidence: st.optionalDouble(4), priority: st.text(5),
          suggestedPriority: st.text(6), urgency: st.optionalDouble(7), subject: st.text(8) ?? ""))
    }
    return out
  }
}

/// A ticket's classification as stored.
public struct TicketCategory: Sendable, Equatable {
  public var source: String
  public var id: String
  public var category: String?
  public var origin: String?
  public var confidence: Double?
  public var priority: String?
  public var suggestedPriority: String?
  public var urgency: Double?
  public var subject: String
}
