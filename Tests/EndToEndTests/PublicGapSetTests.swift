import Foundation
import Testing

/// The gap finder on the public gap sets (TextEval/gaps-*: BANKING77, CLINC150, HWU64, DSTC11
/// and HINT3 queries, CFPB complaints, MultiDoGO and STAR conversations posed as tickets and
/// chats, some intents with an article and some without;
/// HWU64's articles are written like a real Help Center, without quoting any query; see
/// TextEval/README.md),
/// scored here independently of the product the way `Benchmarks/text_eval/score_gaps.py` scores
/// a list: each row's intent is the majority intent of its example contacts; recall counts the
/// uncovered intents that head some row within the first 2U rows, precision the rows headed by an
/// uncovered intent. The floors are what the finder measures today: a change that
/// finds fewer real gaps or lists more covered topics fails here (the previous TF-IDF finder
/// measured BANKING77 recall 0.30–0.50). The goal (0.9 / 0.8) is not reached yet.
@Suite(.serialized)
struct PublicGapSetTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("TextEval").path

  struct Score {
    var recall: Double
    var precision: Double
    var rows: Int
    /// The listed gaps' topic labels.
    var labels: [String] = []
  }

  static func score(set: String, extra: [String] = []) throws -> Score {
    let input = folder + "/" + set
    let dir = CLI.temporaryDirectory()
    let load = try CLI.run([
      "ingest", input + "/tickets.csv", input + "/chats.ndjson", input + "/articles.json",
      "--warehouse", dir + "/w.sqlite", "-q",
    ])
    #expect(load.status == 0, "\(load.stderr)")
    let r = try CLI.run(
      [
        "gaps", "--warehouse", dir + "/w.sqlite", "--as-of", "2026-03-31T23:59:59Z", "--top", "200",
      ] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    let truthData = try Data(contentsOf: URL(fileURLWithPath: input + "/truth.json"))
    let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
    let uncovered = Set(try #require(truth["uncovered"] as? [String]))
    let contacts = try #require(truth["contacts"] as? [String: String])
    // Keys are "source/id"; ids are unique within a set, whatever source they were loaded as.
    var intentOf: [String: String] = [:]
    for (key, intent) in contacts { intentOf[String(key.split(separator: "/").last!)] = intent }
    let rows = ReferenceCSV.rows(r.stdout)
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
    let right = heads.count { $0.map(uncovered.contains) ?? false }
    let topic = try #require(header.firstIndex(of: "topic"))
    return Score(
      recall: Double(found.count) / Double(u),
      precision: Double(right) / Double(max(1, heads.count)), rows: heads.count,
      labels: rows.dropFirst().map { $0[topic] })
  }

  /// 0.80 / 0.62, then 0.80 / 0.66 once generic subjects no longer make topics (finder 6).
  @Test func banking77() throws {
    let s = try Self.score(set: "gaps-banking77")
    #expect(s.recall >= 0.8 && s.precision >= 0.65, "\(s)")
  }

  @Test func clinc150() throws {
    let s = try Self.score(set: "gaps-clinc150")
    #expect(s.recall >= 0.75 && s.precision >= 0.65, "\(s)")
  }

  /// The sentence model (`--text-model sentence`) measured 0.81 / 0.70 here (static: 0.75 /
  /// 0.68), 0.90 / 0.68 on BANKING77 and 0.67 / 0.50 on HWU64 (BENCHMARKS.md, 2026-12-07); this
  /// set is the quickest of the three (about 20 s).
  @Test func clinc150WithTheSentenceModel() throws {
    let s = try Self.score(set: "gaps-clinc150", extra: ["--text-model", "sentence"])
    #expect(s.recall >= 0.8 && s.precision >= 0.68, "\(s)")
  }

  /// DSTC11 Track 2 customer turns (insurance, banking, finance; crowd-written spoken-style
  /// requests, several intents per domain with an article for a sibling only), made after every
  /// setting was chosen: measured 0.44 / 0.69 when it was added (2026-12-07), 0.56 / 0.71 once
  /// two gaps merge only when one is the other's nearest topic (a change made after looking at
  /// this set, so it is no longer held out); the sentence model measured 0.61 / 1.00 on it.
  /// 0.56 / 0.65 once generic subjects no longer make topics (finder 6: one more covered row of
  /// 17; the topics are purer, NMI 0.558 → 0.573); 0.61 / 0.62 with the similarity settings on
  /// the window's scale (finder 7: these turns are more alike by chance than short queries).
  @Test func dstc11() throws {
    let s = try Self.score(set: "gaps-dstc11")
    #expect(s.recall >= 0.6 && s.precision >= 0.6, "\(s)")
  }

  /// HINT3 (real queries to three live support bots, short, misspelt, Indian English; ODbL),
  /// made by a helper session after every setting was chosen and measured once, held out
  /// (2026-12-07): 0.62 / 0.50 (the sentence model 0.54 / 0.58; TF-IDF + k-means at best 0.46 /
  /// 0.41 or 0.38 / 0.55); measured a second time to check finder 6 (generic subjects, chosen on
  /// the other four sets): 0.62 / 0.53. Finder 7 was measured on it while being made, and a
  /// first choice of scale for the cover margin that lost two of its gaps was changed: it is no
  /// longer held out (0.62 / 0.53 with finder 7).
  @Test func hint3() throws {
    let s = try Self.score(set: "gaps-hint3")
    #expect(s.recall >= 0.6 && s.precision >= 0.5, "\(s)")
  }

  /// Measured 0.61 / 0.48 when the set was made (2026-12-07): the weakest of the three; 0.61 /
  /// 0.57 once generic subjects no longer make topics (finder 6); 0.61 / 0.65 with the
  /// similarity settings on the window's scale (finder 7).
  @Test func hwu64() throws {
    let s = try Self.score(set: "gaps-hwu64")
    #expect(s.recall >= 0.6 && s.precision >= 0.6, "\(s)")
  }

  /// CFPB consumer complaints (long, real, multi-paragraph, redaction masks; prose articles;
  /// public domain), made by a helper session that ran no finder on it (2026-12-07): 0.25 / 0.67
  /// (3 rows) with finder 6, whose topics were labelled by the masks ("xx xxxx / xxxx xx");
  /// 0.25 / 0.38 (8 rows) with finder 7 (masks left out; the window's scale), which it shaped:
  /// it is no longer held out. Its labels are the consumers' own picks and overlap (a linear SVM
  /// recovers 43 % of them from the text), so its scores sit far below the other sets' for every
  /// method (TF-IDF + k-means 0.375 / 0.29 at best). No label may be made of masks.
  @Test func cfpb() throws {
    let s = try Self.score(set: "gaps-cfpb")
    #expect(s.recall >= 0.25 && s.precision >= 0.35, "\(s)")
    #expect(!s.labels.isEmpty && !s.labels.contains { $0.contains("xx") }, "\(s.labels)")
  }

  /// MultiDoGO (customer-service conversations in five domains, crowd-written; CDLA-Permissive
  /// 1.0), made by a helper session that ran no finder on it, and measured once, with finder 7,
  /// after every choice of this stop was made (2026-12-07): 0.70 / 0.48, precision in the first
  /// U 0.40 — 14 of 27 rows are covered topics (the sentence model 0.70 / 0.67 and 0.90 in the
  /// first U; TF-IDF + k-means 0.70 / 0.875 at the threshold best on the set, 0.8 / 0.5 at
  /// another). The held-out estimate of this stop: not to be tuned on.
  @Test func multidogo() throws {
    let s = try Self.score(set: "gaps-multidogo")
    #expect(s.recall >= 0.7 && s.precision >= 0.45, "\(s)")
  }

  /// STAR (crowd workers' task chats with a worker playing the agent: rides, hotels, bank,
  /// doctor, parties; MIT), made by a helper session that ran no finder on it, and measured
  /// once, with finder 7 unchanged (2026-12-07, fourth session): 0.625 / 0.39, precision in the
  /// first U 0.375 — 11 of 18 rows are pieces of covered tasks (directions, hotel booking,
  /// apartment viewing split by the names, places and filler their users typed). The sentence
  /// model 0.625 / 0.50 (0.625 in the first U); TF-IDF + k-means 0.625 / 0.43 at its best
  /// threshold. Held out: not to be tuned on.
  @Test func star() throws {
    let s = try Self.score(set: "gaps-star")
    #expect(s.recall >= 0.6 && s.precision >= 0.35, "\(s)")
  }
}
