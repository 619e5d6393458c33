import Testing

@testable import TicketLensModel

struct PseudonymTests {
  /// SipHash-2-4 reference vectors (the paper's appendix and its reference implementation):
  /// key 00 01 … 0f, messages 00 01 … of length 0, 8 and 15.
  @Test func sipHashMatchesTheReferenceVectors() {
    let k0: UInt64 = 0x0706_0504_0302_0100
    let k1: UInt64 = 0x0f0e_0d0c_0b0a_0908
    #expect(Pseudonyms.sipHash([], k0: k0, k1: k1) == 0x726f_db47_dd0e_0e31)
    #expect(Pseudonyms.sipHash(Array(0..<8), k0: k0, k1: k1) == 0x93f5_f579_9a93_2462)
    #expect(Pseudonyms.sipHash(Array(0..<15), k0: k0, k1: k1) == 0xa129_ca61_49be_45e5)
  }

  @Test func redactorReplacesNamesAndAddressesStably() {
    let p = Pseudonyms(k0: 1, k1: 2)
    let r = Redactor(pseudonyms: p, names: ["Anna Schmidt", "Bo"])
    let text =
      "Mail anna.s@example.com, or <Anna.S@Example.com>; Anna Schmidt, Bo! Annabel and Bob stay."
    let out = r.text(text)
    let mail = p.email("anna.s@example.com")
    #expect(mail.hasPrefix("email-") && mail.hasSuffix("@redacted.invalid"))
    #expect(
      out
        == "Mail \(mail), or <\(mail)>; \(p.person("Anna Schmidt")), \(p.person("Bo"))! Annabel and Bob stay."
    )
    // Same value, same pseudonym; another key, another one.
    #expect(r.text("Bo") == r.text("Bo"))
    #expect(Pseudonyms(k0: 1, k1: 3).person("Bo") != p.person("Bo"))
    #expect(r.identifier("5000825") == p.person("5000825"))
    #expect(r.identifier("none") == "none")
    // Not an address: no dot after the @, or nothing before it.
    #expect(r.text("ping @ops and a@b") == "ping @ops and a@b")
    #expect(r.text("multi\nline  spacing\tkept") == "multi\nline  spacing\tkept")
    // Inside a raw CSV row, by whole words.
    let raw = Redactor(pseudonyms: p, names: ["Customer 4", "Customer 47"])
    #expect(
      raw.text("1,100245,Customer 4,5000004,,customer4@example.org,Customer 47x,Customer 47")
        == "1,100245,\(p.person("Customer 4")),5000004,,\(p.email("customer4@example.org")),Customer 47x,\(p.person("Customer 47"))"
    )
  }
}
