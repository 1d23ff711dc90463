import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

/// `TrainingOptions.namesAsExamples`: each intent's name, read as words, is one more example.
@Suite struct NamesAsExamplesTests {
    @Test(arguments: [
        ("card_arrival", "card arrival"),
        ("cardArrival", "card arrival"),
        ("Billing.address-change", "billing address change"),
        ("faq_17", "faq"),
        ("step2_done", "step2 done"),
        ("1_2", ""),
        ("Rückerstattung_Status", "rückerstattung status"),
    ])
    func theWordsOfAName(name: String, words: String) {
        let actual = IntentName(name).words
        #expect(actual == words)
    }

    /// The names come after the examples, in name order; not the out-of-scope intents' names
    /// nor names without words.
    @Test func theExamplesTrainedOn() {
        let examples: [(text: String, intent: IntentName)] = [
            ("where is my card", "card_arrival"), ("rate please", "exchangeRate"), ("weather", .outOfScope),
            ("joke", "oos"), ("number one", "1"),
        ]
        var options = TrainingOptions()
        let without = IntentModel.trainingExamples(examples, options: options, outOfScope: "oos")
        #expect(without.map(\.text) == examples.map(\.text))
        options.namesAsExamples = true
        let with = IntentModel.trainingExamples(examples, options: options, outOfScope: "oos")
        #expect(with.dropFirst(examples.count).map { "\($0.text)|\($0.intent)" } == ["card arrival|card_arrival", "exchange rate|exchangeRate"])
        let noLabel = IntentModel.trainingExamples(examples, options: options, outOfScope: nil)
        #expect(noLabel.dropFirst(examples.count).map(\.text) == ["card arrival", "exchange rate", "oos"])
    }

    /// A message that says only what the name says is understood with the names, not without.
    @Test func theNameTeaches() {
        let examples: [(text: String, intent: IntentName)] = [
            ("where is the thing I ordered", "card_arrival"), ("is it here yet", "card_arrival"),
            ("how much do I get for my euros", "exchange_rate"), ("what do dollars cost today", "exchange_rate"),
            ("close everything please", "account_closing"), ("I am leaving you", "account_closing"),
        ]
        var options = TrainingOptions()
        let plain = IntentModel.train(examples: examples, language: .english, options: options)
        options.namesAsExamples = true
        let named = IntentModel.train(examples: examples, language: .english, options: options)
        #expect(named.classes == plain.classes)
        for (message, intent) in [("card arrival?", "card_arrival"), ("the exchange rate", "exchange_rate"), ("account closing", "account_closing")] {
            let best = named.classify(message).first
            #expect(best?.intent == IntentName(intent), "\(message)")
            let before = plain.classify(message).first { $0.intent == IntentName(intent) }?.confidence ?? 0
            #expect((best?.confidence ?? 0) > before, "\(message)")
        }
    }
}
