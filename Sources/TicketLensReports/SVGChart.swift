import TicketLensMetrics

/// Small inline SVG charts drawn by our own code (no scripts, no external requests).
public enum SVGChart {
  /// Okabe–Ito colours: distinguishable with the common forms of colour blindness.
  public static let palette = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
  ]

  /// A stacked bar chart: one bar per x label, one stack segment per series.
  /// - Parameters:
  ///   - x: the bar labels in order (e.g. days).
  ///   - series: (name, value per x label).
  public static func stackedBars(title: String, x: [String], series: [(String, [Int])]) -> String {
    let w = 720.0
    let h = 240.0
    let left = 40.0
    let bottom = 30.0
    let top = 10.0
    let plotW = w - left - 10
    let plotH = h - top - bottom
    let totals = x.indices.map { i in series.reduce(0) { $0 + $1.1[i] } }
    let maxV = max(1, totals.max() ?? 1)
    let bw = x.isEmpty ? 0 : plotW / Double(x.count)
    let t = HTMLText.escape(title)
    var svg = """
      <svg class="chart" viewBox="0 0 \(Int(w)) \(Int(h + 20 + Double(series.count / 6) * 16))" \
      role="img" aria-labelledby="chart-title"><title>\(t)</title>
      """
    // Axis and gridlines.
    for k in 0...4 {
      let v = Double(maxV) * Double(k) / 4
      let y = top + plotH - plotH * Double(k) / 4
      svg +=
        "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(w - 10))\" y2=\"\(f(y))\" class=\"grid\"/>"
      svg +=
        "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" class=\"axis\" text-anchor=\"end\">\(Int(v.rounded()))</text>"
    }
    for (i, label) in x.enumerated() {
      var y = top + plotH
      for (s, (name, values)) in series.enumerated() {
        let v = values[i]
        guard v > 0 else { continue }
        let bh = plotH * Double(v) / Double(maxV)
        y -= bh
        svg +=
          "<rect x=\"\(f(left + Double(i) * bw + bw * 0.1))\" y=\"\(f(y))\" width=\"\(f(bw * 0.8))\" "
        svg += "height=\"\(f(bh))\" fill=\"\(palette[s % palette.count])\">"
        svg += "<title>\(HTMLText.escape(label)) \(HTMLText.escape(name)): \(v)</title></rect>"
      }
      let every = max(1, x.count / 8)
      if i % every == 0 {
        svg += "<text x=\"\(f(left + Double(i) * bw + bw / 2))\" y=\"\(f(h - bottom + 14))\" "
        svg += "class=\"axis\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
      }
    }
    // Legend.
    for (s, (name, _)) in series.enumerated() {
      let lx = left + Double(s % 6) * 110
      let ly = h + Double(s / 6) * 16
      svg +=
        "<rect x=\"\(f(lx))\" y=\"\(f(ly - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[s % palette.count])\"/>"
      svg +=
        "<text x=\"\(f(lx + 14))\" y=\"\(f(ly))\" class=\"legend\">\(HTMLText.escape(name))</text>"
    }
    return svg + "</svg>"
  }

  static func f(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }
}
