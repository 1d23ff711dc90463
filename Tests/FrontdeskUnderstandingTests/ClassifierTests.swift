import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

/// A small English training set (three intents) used across these tests.
let smallSet: [(text: String, intent: IntentName)] = [
    ("I want my money back", "refund"),
    ("can I get a refund", "refund"),
    ("refund my purchase please", "refund"),
    ("please give me a refund for my order", "refund"),
    ("I was charged and want the money returned", "refund"),
    ("my vpn does not connect", "vpn_problem"),
    ("the vpn keeps disconnecting", "vpn_problem"),
    ("vpn connection fails", "vpn_problem"),
    ("cannot connect to the vpn server", "vpn_problem"),
    ("vpn is not working on my phone", "vpn_problem"),
    ("hello", "greet"),
    ("hi there", "greet"),
    ("good morning", "greet"),
    ("hey", "greet"),
    ("hello, anyone there?", "greet"),
]

@Suite struct ClassifierTests {
    let model = IntentModel.train(examples: smallSet, language: .english)

    @Test func ranksTheRightIntentFirst() {
        #expect(model.classify("I'd like a refund")[0].intent == "refund")
        #expect(model.classify("VPN won't connect")[0].intent == "vpn_problem")
        #expect(model.classify("hi!")[0].intent == "greet")
        // Stemming and character n-grams carry unseen forms and typos.
        #expect(model.classify("refunding")[0].intent == "refund")
        #expect(model.classify("the vnp is disconected")[0].intent == "vpn_problem")
    }

    @Test func returnsEveryIntentWithConfidencesThatSumToOne() {
        let ranking = model.classify("refund please")
        #expect(Set(ranking.map(\.intent)) == ["refund", "vpn_problem", "greet"])
        #expect(ranking.allSatisfy { (0...1).contains($0.confidence) })
        #expect(abs(ranking.map(\.confidence).reduce(0, +) - 1) < 1e-4)
        #expect(zip(ranking, ranking.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(ranking[0].confidence > 0.6)
    }

    @Test func isLessConfidentOnUnrelatedText() {
        let known = model.classify("can I get my money back")[0].confidence
        let unknown = model.classify("what is the weather in paris tomorrow")[0].confidence
        #expect(unknown < known)
        #expect(model.classify("")[0].confidence < 0.5)
    }

    @Test func trainingIsDeterministic() {
        let again = IntentModel.train(examples: smallSet, language: .english)
        #expect(again.classify("refund my vpn") == model.classify("refund my vpn"))
    }

    @Test func survivesEncodingAndDecoding() throws {
        let decoded = try IntentModel(decoding: model.encoded())
        for text in ["refund please", "vpn broken", "hello", "something else entirely"] {
            #expect(decoded.classify(text) == model.classify(text))
        }
    }

    @Test func rejectsACorruptModel() {
        var data = model.encoded()
        data.removeLast(5)
        #expect(throws: FrontdeskError.self) { try IntentModel(decoding: data) }
        #expect(throws: FrontdeskError.self) { try IntentModel(decoding: Data("nonsense".utf8)) }
        // Flip every byte in turn: decoding fails cleanly or gives a model that still classifies.
        let good = model.encoded()
        for position in stride(from: 0, to: good.count, by: max(1, good.count / 400)) {
            var bad = good
            bad[position] ^= 0xFF
            if let decoded = try? IntentModel(decoding: bad) {
                #expect(decoded.classify("refund please").count == 3)
            }
        }
    }
}

@Suite struct LanguageDetectorTests {
    let detector = LanguageDetector(samples: [
        "en": ["I want my money back", "my vpn does not connect", "how do I cancel my subscription"],
        "de": ["Ich möchte mein Geld zurück", "mein VPN verbindet sich nicht", "wie kündige ich mein Abo"],
    ])

    @Test func detectsEnglishAndGerman() {
        #expect(detector.detect("I would like a refund for my order please")?.language == "en")
        #expect(detector.detect("Ich hätte gerne eine Rückerstattung für meine Bestellung")?.language == "de")
        #expect(detector.detect("Wo finde ich meine Rechnung?")?.language == "de")
        #expect(detector.detect("where can I find my invoice?")?.language == "en")
        #expect(detector.detect("Ich hätte gerne eine Rückerstattung")?.isConfident == true)
    }

    @Test func isNotConfidentOnVeryShortOrEmptyMessages() {
        #expect(detector.detect("ok")?.isConfident != true)
        #expect(detector.detect("VPN")?.isConfident != true)
        #expect(detector.detect("!!!") == nil)
    }
}

@Suite struct ChoiceResolverTests {
    let analyzer = Analyzer(language: .english)
    let titles = ["Get a refund", "Cancel my subscription"]

    @Test func understandsNumbersOrdinalsAndTitles() {
        #expect(ChoiceResolver.resolve("1", titles: titles, analyzer: analyzer) == .option(0))
        #expect(ChoiceResolver.resolve("the second one", titles: titles, analyzer: analyzer) == .option(1))
        #expect(ChoiceResolver.resolve("Cancel my subscription", titles: titles, analyzer: analyzer) == .option(1))
        #expect(ChoiceResolver.resolve("the refund", titles: titles, analyzer: analyzer) == .option(0))
        #expect(ChoiceResolver.resolve("die erste", titles: titles, analyzer: Analyzer(language: .german)) == .option(0))
    }

    @Test func understandsNeither() {
        #expect(ChoiceResolver.resolve("neither", titles: titles, analyzer: analyzer) == .neither)
        #expect(ChoiceResolver.resolve("no", titles: titles, analyzer: analyzer) == .neither)
        #expect(ChoiceResolver.resolve("keins von beiden", titles: titles, analyzer: analyzer) == .neither)
    }

    @Test func leavesOtherMessagesAlone() {
        #expect(ChoiceResolver.resolve("my vpn is broken since yesterday evening", titles: titles, analyzer: analyzer) == nil)
        #expect(ChoiceResolver.resolve("", titles: titles, analyzer: analyzer) == nil)
        // New questions that happen to contain a number, an ordinal or a "no".
        #expect(ChoiceResolver.resolve("I need 2 licences", titles: titles, analyzer: analyzer) == nil)
        #expect(ChoiceResolver.resolve("my first vpn connection fails", titles: titles, analyzer: analyzer) == nil)
        #expect(ChoiceResolver.resolve("nope, my vpn is slow", titles: titles, analyzer: analyzer) == nil)
        #expect(ChoiceResolver.resolve("not the first, the second", titles: titles, analyzer: analyzer) == nil)
        #expect(ChoiceResolver.resolve("the first and the second", titles: titles, analyzer: analyzer) == nil)
    }

    @Test func understandsFillersAroundThePick() {
        #expect(ChoiceResolver.resolve("option 2 please", titles: titles, analyzer: analyzer) == .option(1))
        #expect(ChoiceResolver.resolve("none of them", titles: titles, analyzer: analyzer) == .neither)
        #expect(ChoiceResolver.resolve("cancel", titles: titles, analyzer: analyzer) == .option(1))
    }
}
