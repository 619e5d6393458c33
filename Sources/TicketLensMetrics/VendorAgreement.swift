import TicketLensWarehouse

/// Where our durations disagree with the ones the helpdesk computed: per source, the tickets
/// that have both (first reply from our `first_reply_at`, full resolution from our `solved_at`,
/// against the export's calendar minutes), how many differ by more than a minute (vendor minutes
/// are whole), and by how much.
public enum VendorAgreement {
  public static let tolerance = 1.0

  public static func table(_ data: MetricData) -> MetricTable {
    let t = data.tickets
    let sources = t.dimensions["source"] ?? EncodedColumn()
    let null = TicketColumns.null
    let measures: [(name: String, ours: (Int) -> Double?, vendor: TicketColumns.VendorMinute)] = [
      (
        "first_reply",
        { r in
          t.firstReplyAt[r] == null || t.firstReplyAt[r] < t.createdAt[r]
            ? nil : Double(t.firstReplyAt[r] - t.createdAt[r]) / 60_000
        }, .firstReply
      ),
      (
        "full_resolution",
        { r in
          t.solvedAt[r] == null || t.solvedAt[r] < t.createdAt[r]
            ? nil : Double(t.solvedAt[r] - t.createdAt[r]) / 60_000
        }, .fullResolution
      ),
    ]
    var rows: [[Cell]] = []
    let names = sources.values.indices.sorted { sources.values[$0] < sources.values[$1] }
    for code in names {
      for m in measures {
        var diffs: [Double] = []
        for r in 0..<t.count where sources.codes.isEmpty || Int(sources.codes[r]) == code {
          let v = t.vendor(m.vendor, r)
          guard !v.isNaN, v >= 0, let ours = m.ours(r) else { continue }
          diffs.append(abs(ours - v))
        }
        guard !diffs.isEmpty else { continue }
        let disagree = diffs.count { $0 > tolerance }
        var sorted = diffs
        let median = Quantiles.quantile(&sorted, 0.5) ?? 0
        rows.append([
          .text(sources.values[code]), .text(m.name), .int(diffs.count),
          .int(diffs.count - disagree), .int(disagree),
          .real(Double(disagree) / Double(diffs.count)), .real(median), .real(diffs.max()!),
        ])
      }
    }
    return MetricTable(
      metric: "vendor_agreement",
      columns: [
        "source", "measure", "compared", "agree", "disagree", "disagree_share",
        "median_abs_diff_minutes", "max_abs_diff_minutes",
      ], rows: rows)
  }
}
