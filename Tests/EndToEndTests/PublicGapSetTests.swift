import Foundation
import Testing

/// The gap finder on the public gap sets (TextEval/gaps-*: BANKING77, CLINC150, HWU64, DSTC11
/// and HINT3 queries, CFPB complaints, MultiDoGO, STAR and SGD conversations, NLU++ utterances and
/// Bitext requests posed as tickets and chats, some intents with an article and some without;
/// HWU64's articles are written like a real Help Center, without quoting any query; see
/// TextEval/README.md),
/// scored here independently of the product the way `Benchmarks/text_eval/score_gaps.py` scores
/// a list: each row's intent is the majority intent of its example contacts; recall counts the
/// uncovered intents that head some row within the first 2U rows, precision the rows headed by an
/// uncovered intent (and within the first U rows). Each set is scored with the default text
/// model (`auto`: the sentence model, these windows being small) and with the static embedding
/// (what larger windows get). The floors are what the finder measures today: a change that
/// finds fewer real gaps or lists more covered topics fails here (the previous TF-IDF finder
/// measured BANKING77 recall 0.30–0.50). The goal (0.9 / 0.8) is not reached yet.
@Suite(.serialized)
struct PublicGapSetTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("TextEval").path

  struct Score {
    var recall: Double
    var precision: Double
    /// Precision within the first U rows (U: the set's uncovered intents).
    var precisionAtU: Double
    var rows: Int
    /// The listed gaps' topic labels.
    var labels: [String] = []
  }

  /// The set loaded once and scored with the default text model (`auto`: the sentence model on
  /// these windows of a few thousand contacts) and with the static embedding.
  static func scores(set: String) throws -> (auto: Score, static: Score) {
    let warehouse = try load(set: set)
    return (
      try score(set: set, warehouse: warehouse),
      try score(set: set, warehouse: warehouse, extra: ["--text-model", "static"])
    )
  }

  static func load(set: String) throws -> String {
    let input = folder + "/" + set
    let dir = CLI.temporaryDirectory()
    let load = try CLI.run([
      "ingest", input + "/tickets.csv", input + "/chats.ndjson", input + "/articles.json",
      "--warehouse", dir + "/w.sqlite", "-q",
    ])
    #expect(load.status == 0, "\(load.stderr)")
    return dir + "/w.sqlite"
  }

  static func gaps(warehouse: String, extra: [String] = []) throws -> String {
    let r = try CLI.run(
      [
        "gaps", "--warehouse", warehouse, "--as-of", "2026-03-31T23:59:59Z", "--top", "200",
      ] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout
  }

  static func score(set: String, warehouse: String, extra: [String] = []) throws -> Score {
    let input = folder + "/" + set
    let stdout = try gaps(warehouse: warehouse, extra: extra)
    let truthData = try Data(contentsOf: URL(fileURLWithPath: input + "/truth.json"))
    let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
    let uncovered = Set(try #require(truth["uncovered"] as? [String]))
    let contacts = try #require(truth["contacts"] as? [String: String])
    // Keys are "source/id"; ids are unique within a set, whatever source they were loaded as.
    var intentOf: [String: String] = [:]
    for (key, intent) in contacts { intentOf[String(key.split(separator: "/").last!)] = intent }
    let rows = ReferenceCSV.rows(stdout)
    let header = try #require(rows.first)
    let examples = try #require(header.firstIndex(of: "example_ticket_ids"))
    let heads = rows.dropFirst().map { row -> String? in
      let intents = row[examples].split(separator: " ").compactMap {
        intentOf[String($0.split(separator: "/").last!)]
      }
      var counts: [String: Int] = [:]
      for i in intents { counts[i, default: 0] += 1 }
      let most = counts.values.max() ?? 0
      return intents.first { counts[$0] == most }
    }
    let u = uncovered.count
    let found = Set(heads.prefix(2 * u).compactMap { $0 }).intersection(uncovered)
    func right(_ h: ArraySlice<String?>) -> Int { h.count { $0.map(uncovered.contains) ?? false } }
    let topic = try #require(header.firstIndex(of: "topic"))
    return Score(
      recall: Double(found.count) / Double(u),
      precision: Double(right(heads[...])) / Double(max(1, heads.count)),
      precisionAtU: Double(right(heads.prefix(u))) / Double(max(1, min(u, heads.count))),
      rows: heads.count, labels: rows.dropFirst().map { $0[topic] })
  }

  /// Static: 0.80 / 0.62, then 0.80 / 0.66 once generic subjects no longer make topics
  /// (finder 6). Default (the sentence model): 0.90 / 0.67, 0.90 in the first U.
  @Test func banking77() throws {
    let (a, s) = try Self.scores(set: "gaps-banking77")
    #expect(a.recall >= 0.9 && a.precision >= 0.65 && a.precisionAtU >= 0.85, "\(a)")
    #expect(s.recall >= 0.8 && s.precision >= 0.65, "\(s)")
  }

  /// Static 0.75 / 0.68; default (the sentence model) 0.94 / 0.68, 0.875 in the first U.
  @Test func clinc150() throws {
    let (a, s) = try Self.scores(set: "gaps-clinc150")
    #expect(a.recall >= 0.9 && a.precision >= 0.65 && a.precisionAtU >= 0.85, "\(a)")
    #expect(s.recall >= 0.75 && s.precision >= 0.65, "\(s)")
  }

  /// DSTC11 Track 2 customer turns (insurance, banking, finance; crowd-written spoken-style
  /// requests, several intents per domain with an article for a sibling only), made after every
  /// setting was chosen: static 0.44 / 0.69 when it was added (2026-12-07), 0.56 / 0.71 once
  /// two gaps merge only when one is the other's nearest topic (a change made after looking at
  /// this set, so it is no longer held out), 0.56 / 0.65 with finder 6, 0.61 / 0.62 with the
  /// similarity settings on the window's scale (finder 7: these turns are more alike by chance
  /// than short queries). Default (the sentence model): 0.56 / 0.91, 1.00 in the first U.
  @Test func dstc11() throws {
    let (a, s) = try Self.scores(set: "gaps-dstc11")
    #expect(a.recall >= 0.55 && a.precision >= 0.85 && a.precisionAtU >= 0.95, "\(a)")
    #expect(s.recall >= 0.6 && s.precision >= 0.6, "\(s)")
  }

  /// HINT3 (real queries to three live support bots, short, misspelt, Indian English; ODbL),
  /// made by a helper session after every setting was chosen and measured once, held out
  /// (2026-12-07): static 0.62 / 0.50 (TF-IDF + k-means at best 0.46 / 0.41 or 0.38 / 0.55);
  /// 0.62 / 0.53 with finder 6; finder 7 was measured on it while being made, so it is no longer
  /// held out. Default (the sentence model): 0.54 / 0.64, 0.64 in the first U — fewer gaps
  /// than the static embedding finds, as on DSTC11 and SGD.
  @Test func hint3() throws {
    let (a, s) = try Self.scores(set: "gaps-hint3")
    #expect(a.recall >= 0.5 && a.precision >= 0.6 && a.precisionAtU >= 0.6, "\(a)")
    #expect(s.recall >= 0.6 && s.precision >= 0.5, "\(s)")
  }

  /// Static 0.61 / 0.48 when the set was made (2026-12-07), 0.61 / 0.57 with finder 6, 0.61 /
  /// 0.65 with finder 7. Default (the sentence model): 0.72 / 0.52, 0.61 in the first U.
  @Test func hwu64() throws {
    let (a, s) = try Self.scores(set: "gaps-hwu64")
    #expect(a.recall >= 0.7 && a.precision >= 0.5 && a.precisionAtU >= 0.6, "\(a)")
    #expect(s.recall >= 0.6 && s.precision >= 0.6, "\(s)")
  }

  /// CFPB consumer complaints (long, real, multi-paragraph, redaction masks; prose articles;
  /// public domain), made by a helper session that ran no finder on it (2026-12-07): static
  /// 0.25 / 0.67 (3 rows) with finder 6, whose topics were labelled by the masks ("xx xxxx /
  /// xxxx xx"); 0.25 / 0.38 (8 rows) with finder 7 (masks left out; the window's scale), which
  /// it shaped: it is no longer held out. Its labels are the consumers' own picks and overlap (a
  /// linear SVM recovers 43 % of them from the text), so its scores sit far below the other
  /// sets' for every method (TF-IDF + k-means 0.375 / 0.29 at best). Default (the sentence
  /// model): 0.375 / 0.80 (5 rows). No label may be made of masks.
  @Test func cfpb() throws {
    let (a, s) = try Self.scores(set: "gaps-cfpb")
    #expect(a.recall >= 0.375 && a.precision >= 0.75 && a.precisionAtU >= 0.75, "\(a)")
    #expect(s.recall >= 0.25 && s.precision >= 0.35, "\(s)")
    for labels in [a.labels, s.labels] {
      #expect(!labels.isEmpty && !labels.contains { $0.contains("xx") }, "\(labels)")
    }
  }

  /// MultiDoGO (customer-service conversations in five domains, crowd-written; CDLA-Permissive
  /// 1.0), made by a helper session that ran no finder on it, and measured once, with finder 7,
  /// after every choice of that stop was made (2026-12-07): static 0.70 / 0.48, precision in the
  /// first U 0.40 — 14 of 27 rows are covered topics (TF-IDF + k-means 0.70 / 0.875 at the
  /// threshold best on the set, 0.8 / 0.5 at another). Default (the sentence model): 0.70 /
  /// 0.67, 0.90 in the first U. Held out: not to be tuned on.
  @Test func multidogo() throws {
    let (a, s) = try Self.scores(set: "gaps-multidogo")
    #expect(a.recall >= 0.7 && a.precision >= 0.65 && a.precisionAtU >= 0.85, "\(a)")
    #expect(s.recall >= 0.7 && s.precision >= 0.45, "\(s)")
  }

  /// STAR (crowd workers' task chats with a worker playing the agent: rides, hotels, bank,
  /// doctor, parties; MIT), made by a helper session that ran no finder on it, and measured
  /// once, with finder 7 unchanged (2026-12-07, fourth session): static 0.625 / 0.39, precision
  /// in the first U 0.375 — 11 of 18 rows are pieces of covered tasks (directions, hotel
  /// booking, apartment viewing split by the names, places and filler their users typed);
  /// TF-IDF + k-means 0.625 / 0.43 at its best threshold. Default (the sentence model): 0.625 /
  /// 0.50, 0.625 in the first U. Held out: not to be tuned on.
  @Test func star() throws {
    let (a, s) = try Self.scores(set: "gaps-star")
    #expect(a.recall >= 0.6 && a.precision >= 0.45 && a.precisionAtU >= 0.6, "\(a)")
    #expect(s.recall >= 0.6 && s.precision >= 0.35, "\(s)")
  }

  /// SGD (Google's Schema-Guided Dialogue: user turns to a virtual assistant, 28 intents in 14
  /// service families, 10 uncovered; CC BY-SA 4.0), made by a helper session that ran no finder
  /// on it, kept unmeasured for the next change to the finder and measured once after the
  /// default became `auto` (2026-12-07, fifth session): default (the sentence model) 0.50 /
  /// 0.86, 0.86 in the first U (7 rows); static 0.60 / 0.47, 0.50 in the first U (15 rows);
  /// TF-IDF + k-means 0.70 / 0.42 or 0.30 / 0.43 at its best thresholds. Held out: not to be
  /// tuned on.
  @Test func sgd() throws {
    let (a, s) = try Self.scores(set: "gaps-sgd")
    #expect(a.recall >= 0.5 && a.precision >= 0.8 && a.precisionAtU >= 0.8, "\(a)")
    #expect(s.recall >= 0.6 && s.precision >= 0.45, "\(s)")
  }

  /// NLU++ (PolyAI's single customer utterances to a bank's and a hotel's support lines, 24
  /// topics, 8 uncovered, 1,252 contacts; CC BY 4.0), made by a helper session that ran no finder
  /// on it (ABCD, the corpus asked for, is missing from the stored snapshot), and measured once
  /// with the finder unchanged (2026-12-07, sixth session): default (the sentence model) 0.75 /
  /// 0.67, 0.625 in the first U (9 rows: check-out and spa not listed); static 0.50 / 0.56, 0.50
  /// in the first U; TF-IDF + k-means 0.50 / 0.45 or 0.375 / 0.57 at its best thresholds. Held
  /// out: not to be tuned on.
  @Test func nlupp() throws {
    let (a, s) = try Self.scores(set: "gaps-nlupp")
    #expect(a.recall >= 0.75 && a.precision >= 0.65 && a.precisionAtU >= 0.6, "\(a)")
    #expect(s.recall >= 0.5 && s.precision >= 0.5, "\(s)")
  }

  /// Bitext's customer-service requests to an online shop (27 intents in 11 families, 9
  /// uncovered, 4,005 contacts; generated from seed texts and curated by linguists, so templated;
  /// CDLA-Sharing 1.0), made by a helper session that ran no finder on it, and measured once with
  /// the finder unchanged (2026-12-07, sixth session): default (the sentence model) 0.78 / 0.63,
  /// 0.67 in the first U (track-order and track-refund each split in three rows); static 0.78 /
  /// 0.45, 0.67 in the first U; TF-IDF + k-means 0.67 / 0.44 at its best threshold. Held out: not
  /// to be tuned on.
  @Test func bitext() throws {
    let (a, s) = try Self.scores(set: "gaps-bitext")
    #expect(a.recall >= 0.77 && a.precision >= 0.6 && a.precisionAtU >= 0.65, "\(a)")
    #expect(s.recall >= 0.77 && s.precision >= 0.45, "\(s)")
  }

  /// `auto` is the sentence model for a window of at most `--sentence-limit` contacts and the
  /// static embedding for a larger one: the same lists as naming either model.
  @Test func autoPicksTheModelByTheWindowsSize() throws {
    let warehouse = try Self.load(set: "gaps-hint3")
    let sentence = try Self.gaps(warehouse: warehouse, extra: ["--text-model", "sentence"])
    let statics = try Self.gaps(warehouse: warehouse, extra: ["--text-model", "static"])
    #expect(sentence != statics)
    #expect(try Self.gaps(warehouse: warehouse) == sentence)
    #expect(try Self.gaps(warehouse: warehouse, extra: ["--sentence-limit", "100"]) == statics)
    #expect(
      try Self.gaps(warehouse: warehouse, extra: ["--text-model", "auto", "--sentence-limit", "0"])
        == statics)
  }
}
