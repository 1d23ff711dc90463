import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

@Suite struct EntityExtractorTests {
    let extractor = EntityExtractor(definitions: [
        EntityDefinition(name: "order_number", kind: .pattern("(?i)\\bKS-?\\d{6,8}\\b")),
        EntityDefinition(name: "product", kind: .list([
            .init(value: "Kestrel VPN", synonyms: [nil: ["vpn app"]]),
            .init(value: "Kestrel Antivirus", synonyms: ["en": ["virus scanner"], "de": ["Virenscanner"]]),
            .init(value: "Kestrel Total Security", synonyms: [nil: ["total security"]]),
        ])),
        EntityDefinition(name: "colour", kind: .list([.init(value: "green")]), fuzzy: false),
    ], languages: ["en", "de"])
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func find(_ text: String, _ language: LanguageCode = "en") -> [Entity] {
        extractor.extract(text, language: language, now: now, timeZone: berlin)
    }

    @Test func findsPatternsWithTheirSpans() {
        let entities = find("Refund for ks-1234567 please")
        #expect(entities == [Entity(name: "order_number", value: .text("ks-1234567"), text: "ks-1234567", span: 11..<21, extractor: "pattern")])
    }

    @Test func findsListValuesBySynonymAndCanonicalName() {
        #expect(find("my Kestrel VPN is slow").map(\.value) == [.text("Kestrel VPN")])
        let entities = find("the vpn app and the Virus Scanner")
        #expect(entities.map(\.value) == [.text("Kestrel VPN"), .text("Kestrel Antivirus")])
        #expect(entities.map(\.text) == ["vpn app", "Virus Scanner"])
        #expect(entities.map(\.span) == [4..<11, 20..<33])
        #expect(entities.allSatisfy { $0.extractor == "list" })
    }

    @Test func synonymsCanBePerLanguage() {
        #expect(find("mein Virenscanner meldet etwas", "de").map(\.value) == [.text("Kestrel Antivirus")])
        #expect(find("mein Virenscanner meldet etwas", "en").isEmpty)
    }

    @Test func toleratesTyposUnlessSwitchedOff() {
        let typo = find("my totl securty subscription")
        #expect(typo.map(\.value) == [.text("Kestrel Total Security")])
        #expect(typo.first?.extractor == "list.fuzzy")
        #expect(typo.first?.text == "totl securty")
        #expect(find("a greem light").isEmpty)  // colour is not fuzzy
        #expect(find("a green light").map(\.value) == [.text("green")])
    }

    @Test func foldsUmlautsAndCase() {
        let extractor = EntityExtractor(definitions: [EntityDefinition(name: "city", kind: .list([.init(value: "München")]))], languages: ["de"])
        let found = extractor.extract("Ich wohne in MUENCHEN", language: "de", now: now, timeZone: berlin)
        #expect(found.map(\.value) == [.text("München")])
        #expect(found.map(\.text) == ["MUENCHEN"])
    }

    @Test func theBotsEntitiesWinOverBuiltInOnes() {
        // "1234567" inside the order number is not also a number; "12" alone is.
        let entities = find("order KS-1234567, 12 licences")
        #expect(entities.map(\.name) == ["order_number", "number"])
        #expect(entities.last?.value == .number(12))
    }

    @Test func neverCrashesOnOddText() {
        for text in ["", "   ", "🙂🙂🙂", String(repeating: "KS-", count: 500), "e\u{301}\u{301}", "[](){}*+?^$\\"] {
            _ = find(text)
        }
    }
}
