import TicketLensModel

/// A trained classification, kept in the warehouse so that tickets loaded later are classified by
/// the same models without training again (the nightly delta): the TF-IDF vocabulary (terms,
/// document frequencies, readable forms) and the fitted category and priority models, stored
/// exactly (reals by their bits), so a ticket classified from the snapshot gets what the models
/// gave when they were trained.
public struct ClassifierSnapshot: Sendable {
  public var terms: [String]
  public var documentFrequency: [Int]
  public var documentCount: Int
  public var surface: [String: String]
  public var category: TextModel?
  public var priority: TextModel?

  static let magic = "TLCS1"

  public init(vectors: TermVectors, category: TextModel?, priority: TextModel?) {
    terms = vectors.terms
    documentFrequency = vectors.documentFrequency
    documentCount = vectors.documentCount
    surface = vectors.surface
    self.category = category
    self.priority = priority
  }

  /// The vocabulary, which makes the vectors of tickets when their rows are needed.
  var vocabulary: TermVectors {
    TermVectors(
      terms: terms, documentFrequency: documentFrequency, documentCount: documentCount,
      surface: surface)
  }

  public func encoded() -> [UInt8] {
    var w = ByteWriter()
    w.string(Self.magic)
    w.strings(terms)
    w.int(documentFrequency.count)
    for d in documentFrequency { w.int(d) }
    w.int(documentCount)
    let forms = surface.sorted { $0.key < $1.key }
    w.strings(forms.map(\.key))
    w.strings(forms.map(\.value))
    for model in [category, priority] {
      guard let model else {
        w.byte(0)
        continue
      }
      w.byte(1)
      model.encode(into: &w)
    }
    return w.bytes
  }

  /// Nil when the bytes are not a whole snapshot (damaged, truncated, another format).
  public init?(bytes: [UInt8]) {
    var r = ByteReader(bytes: bytes)
    guard r.string() == Self.magic, let terms = r.strings(), let n = r.count(),
      n == terms.count
    else { return nil }
    var df: [Int] = []
    df.reserveCapacity(n)
    for _ in 0..<n {
      guard let d = r.int() else { return nil }
      df.append(Int(d))
    }
    guard let documents = r.int(), let keys = r.strings(), let values = r.strings(),
      keys.count == values.count
    else { return nil }
    var models: [TextModel?] = []
    for _ in 0..<2 {
      switch r.byte() {
      case 0: models.append(nil)
      case 1:
        guard let m = TextModel(from: &r) else { return nil }
        models.append(m)
      default: return nil
      }
    }
    guard r.atEnd else { return nil }
    self.terms = terms
    documentFrequency = df
    documentCount = Int(documents)
    surface = Dictionary(zip(keys, values), uniquingKeysWith: { a, _ in a })
    category = models[0]
    priority = models[1]
  }
}

extension TextModel {
  func encode(into w: inout ByteWriter) {
    w.double(temperature)
    switch fitted {
    case .naiveBayes(let m):
      w.byte(0)
      w.strings(m.classes)
      w.int(m.vocabulary)
      w.double(m.alpha)
      w.double(m.temperature)
      w.doubles(m.logPrior)
      w.doubles(m.logTheta)
    case .linear(let m):
      w.byte(1)
      w.strings(m.classes)
      w.double(m.c)
      w.int(m.vocabulary)
      w.int(m.dimensions)
      w.double(m.temperature)
      w.doubles(m.weights)
    }
  }

  init?(from r: inout ByteReader) {
    guard let temperature = r.double() else { return nil }
    switch r.byte() {
    case 0:
      guard let classes = r.strings(), let vocabulary = r.int(), let alpha = r.double(),
        let inner = r.double(), let prior = r.doubles(), let theta = r.doubles(),
        prior.count == classes.count, theta.count == classes.count * Int(vocabulary)
      else { return nil }
      var m = NaiveBayes(
        classes: classes, vocabulary: Int(vocabulary), alpha: alpha, logPrior: prior,
        logTheta: theta)
      m.temperature = inner
      self.init(fitted: .naiveBayes(m), temperature: temperature)
    case 1:
      guard let classes = r.strings(), let c = r.double(), let vocabulary = r.int(),
        let dimensions = r.int(), let inner = r.double(), let weights = r.doubles(),
        vocabulary >= 0, dimensions >= 0,
        weights.count == classes.count * (Int(vocabulary) + Int(dimensions) + 1)
      else { return nil }
      var m = LinearSVM(
        classes: classes, c: c, vocabulary: Int(vocabulary), dimensions: Int(dimensions),
        weights: weights)
      m.temperature = inner
      self.init(fitted: .linear(m), temperature: temperature)
    default:
      return nil
    }
  }
}

extension NaiveBayes {
  init(classes: [String], vocabulary: Int, alpha: Double, logPrior: [Double], logTheta: [Double]) {
    self.classes = classes
    self.vocabulary = vocabulary
    self.alpha = alpha
    self.logPrior = logPrior
    self.logTheta = logTheta
  }
}

extension LinearSVM {
  init(classes: [String], c: Double, vocabulary: Int, dimensions: Int, weights: [Double]) {
    self.classes = classes
    self.c = c
    self.vocabulary = vocabulary
    self.dimensions = dimensions
    self.weights = weights
    denseByDimension = Self.byDimension(
      weights, classes: classes.count, vocabulary: vocabulary, dimensions: dimensions)
  }
}
