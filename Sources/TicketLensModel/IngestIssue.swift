/// Where in an input something is: file, 1-based physical line, and a field or JSON/XML path.
public struct InputLocation: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var field: String?

  public init(file: String, line: Int? = nil, field: String? = nil) {
    self.file = file
    self.line = line
    self.field = field
  }

  public var description: String {
    var s = file
    if let line { s += ":\(line)" }
    if let field { s += " [\(field)]" }
    return s
  }
}

/// A problem with an input: a record that could not be loaded, or a file that could not be read.
public struct IngestIssue: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem this is; an open set of stable snake_case codes.
  public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let unterminatedQuote = Code(rawValue: "unterminated_quote")
    public static let ragged = Code(rawValue: "ragged_row")
    public static let invalidUTF8 = Code(rawValue: "invalid_utf8")
    public static let nulByte = Code(rawValue: "nul_byte")
    public static let fieldTooLong = Code(rawValue: "field_too_long")
    public static let strayQuote = Code(rawValue: "stray_quote")
    public static let missingColumn = Code(rawValue: "missing_column")
    public static let missingValue = Code(rawValue: "missing_value")
    public static let badTimestamp = Code(rawValue: "bad_timestamp")
    public static let badNumber = Code(rawValue: "bad_number")
    public static let badEnum = Code(rawValue: "bad_value")
    public static let badType = Code(rawValue: "bad_type")
    public static let duplicateKey = Code(rawValue: "duplicate_key")
    public static let unknownColumn = Code(rawValue: "unknown_column")
    /// Blank or whitespace-only lines were skipped (a warning with their count).
    public static let blankLines = Code(rawValue: "blank_lines")
    /// The file was read as another format than the one its first bytes suggested.
    public static let formatRedetected = Code(rawValue: "format_redetected")
    public static let duplicateColumn = Code(rawValue: "duplicate_column")
    public static let unreadable = Code(rawValue: "unreadable_file")
    public static let emptyFile = Code(rawValue: "empty_file")
  }

  /// Whether the issue rejects one record, fails the whole file, or only warns.
  public enum Severity: String, Sendable, Hashable {
    case warning, record, file
  }

  public var code: Code
  public var severity: Severity
  public var location: InputLocation
  public var message: String
  /// The raw text of the rejected record, when there is one (kept in the rejects table).
  public var raw: String?
  /// For a file that fails before its records are read (a missing or duplicate column): how
  /// many records it holds, when that can be told; they count as read and rejected.
  public var records: Int?

  public init(
    _ code: Code, _ severity: Severity = .record, at location: InputLocation, _ message: String,
    raw: String? = nil
  ) {
    self.code = code
    self.severity = severity
    self.location = location
    self.message = message
    self.raw = raw
  }

  public var description: String { "\(location): \(message)" }
}

/// How the records of one input file were accounted for.
///
/// Invariant: `read == inserted + updated + unchanged + superseded + rejected`.
public struct FileAccounting: Sendable, Hashable, Codable {
  public var file: String
  public var read = 0
  public var inserted = 0
  public var updated = 0
  public var unchanged = 0
  public var superseded = 0
  public var rejected = 0
  /// Set when the whole file failed (structural garbage); its records count as rejected.
  public var failed: String?
  /// True when the file was loaded before unchanged (same size, time and content hash) and was
  /// therefore not read again.
  public var skipped = false

  public init(file: String) { self.file = file }

  /// Whether every record read is accounted for.
  public var balances: Bool { read == inserted + updated + unchanged + superseded + rejected }
  /// Records that are in the warehouse from this file (new or newer versions).
  public var loaded: Int { inserted + updated }
}
