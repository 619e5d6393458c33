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
    // One pass: the absolute differences per (source code, measure).
    var diffs = Array(
      repeating: Array(repeating: [Double](), count: measures.count),
      count: max(1, sources.values.count))
    for r in 0..<t.count {
      let code = sources.codes.isEmpty ? 0 : Int(sources.codes[r])
      guard code >= 0 else { continue }
      for (k, m) in measures.enumerated() {
        let v = t.vendor(m.vendor, r)
        guard !v.isNaN, v >= 0, let ours = m.ours(r) else { continue }
        diffs[code][k].append(abs(ours - v))
      }
    }
    var rows: [[Cell]] = []
    for code in sources.values.indices.sorted(by: { sources.values[$0] < sources.values[$1] }) {
      for (k, m) in measures.enumerated() where !diffs[code][k].isEmpty {
        var d = diffs[code][k]
        let disagree = d.count { $0 > tolerance }
        let largest = d.max()!
        let median = Quantiles.quantile(&d, 0.5).0
        rows.append([
          .text(sources.values[code]), .text(m.name), .int(d.count), .int(d.count - disagree),
          .int(disagree), .real(Double(disagree) / Double(d.count)), .real(median),
          .real(largest),
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
