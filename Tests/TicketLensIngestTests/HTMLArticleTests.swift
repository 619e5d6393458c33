import Foundation
import Testing

@testable import TicketLensIngest
@testable import TicketLensModel

/// A Help Center article saved as an HTML page is read as an article (it used to fail as
/// malformed XML): title, text without scripts, styles or markup, locale and URL.
struct HTMLArticleTests {
  static let page = """
    <!DOCTYPE html>
    <html lang="en-GB">
    <head>
      <meta charset="utf-8">
      <title>Requesting a refund &amp; returns – Example Help Center</title>
      <link rel="stylesheet" href="/site.css">
      <link rel='canonical' href='https://help.example.com/hc/en-gb/articles/360001'>
      <style>body { color: red; } .refund { display: none }</style>
      <script>var tracking = "refund secret";</script>
    </head>
    <body>
      <h1 class="title">Requesting a refund</h1>
      <p>Refunds reach your card within <b>5&nbsp;days</b>.</p>
      <script type="text/javascript">document.write("<p>injected</p>")</script>
      <ul><li>Open <i>Orders</i></li><li>Choose &quot;Refund&quot;</li></ul>
    </body>
    </html>

    """

  @Test func readsTitleTextLocaleAndURL() throws {
    let b = try readAll(Self.page, name: "refunds-101.html")
    #expect(b.read == 1 && b.issues.isEmpty)
    let a = try #require(b.articles.first)
    #expect(a.id == "refunds-101")
    #expect(a.title == "Requesting a refund & returns – Example Help Center")
    #expect(
      a.body
        == "Requesting a refund\n\nRefunds reach your card within 5 days.\n\nOpen Orders\n"
        + "Choose \"Refund\"")
    #expect(
      !a.body.contains("tracking") && !a.body.contains("color") && !a.body.contains("injected"))
    #expect(a.locale == "en-GB")
    #expect(a.url == "https://help.example.com/hc/en-gb/articles/360001")
  }

  @Test func detectedByContentAndTitledByTheHeading() throws {
    let page = "<html><body><h1>Two-factor login</h1><p>Use the app.</p></body></html>"
    let b = try readAll(page, name: "export.txt")
    let a = try #require(b.articles.first)
    #expect(a.id == "export" && a.title == "Two-factor login")
    #expect(a.body == "Two-factor login\nUse the app." && a.locale == nil && a.url == nil)
    // `<header>` is not `<h…>`, `<h10>` no heading.
    let other = try readAll(
      "<html><body><header>Menu</header><p>No heading here.</p></body></html>", name: "x.html")
    #expect(other.articles.isEmpty && other.read == 1)
    let issue = try #require(other.issues.first)
    #expect(issue.code == .missingValue && issue.message.contains("no title"))
  }

  @Test func aFormatItMayBeNamedAs() {
    #expect(InputFormat(rawValue: "kb-html") == .kbHTML && InputFormat.kbHTML.kind == .articles)
  }
}
