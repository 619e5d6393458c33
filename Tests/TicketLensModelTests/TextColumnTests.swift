import Testing

@testable import TicketLensModel

struct TextColumnTests {
  /// Every text reads back as appended: empty, multi-byte, and across blocks, one of them
  /// longer than a block.
  @Test func textsReadBackAsAppended() {
    let long = String(repeating: "é", count: TextColumn.blockSize)  // two blocks' worth of bytes
    var texts = ["", "plain", "naïve café 東京 😀", long, "after the long one"]
    for i in 0..<20_000 { texts.append("ticket \(i) " + String(repeating: "x", count: i % 700)) }
    let column = TextColumn(texts)
    #expect(column.count == texts.count)
    for i in texts.indices { #expect(column[i] == texts[i], "text \(i)") }
    var appended = TextColumn()
    appended.reserveCapacity(2)
    appended.append("a")
    var bytes = Array("b c".utf8)
    bytes.withUnsafeBufferPointer { appended.append($0) }
    #expect(appended.count == 2 && appended[0] == "a" && appended[1] == "b c")
  }
}
