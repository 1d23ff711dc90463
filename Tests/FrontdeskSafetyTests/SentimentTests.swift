import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskSafety

func sentiment(_ text: String) -> Double { SentimentAnalyzer.builtin.score(text) }

@Suite struct SentimentTests {
    @Test func lexiconsLoad() {
        let analyzer = SentimentAnalyzer.builtin
        #expect(analyzer.english.count >= 250)
        #expect(analyzer.german.count >= 250)
        #expect(analyzer.symbols.count >= 80)
        #expect(analyzer.english["great"] == 3.1)
        #expect(analyzer.german["enttaeuscht"] == -2.0)  // folded key
    }

    @Test func lexiconErrorsHaveFileAndLine() {
        do {
            _ = try SentimentAnalyzer.parseLexicon("good 1.9\nbad minus\n", source: "en.txt")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "en.txt:2: error: the score of \"bad\" must be a number from -4 to 4, not \"minus\"")
        }
    }

    @Test func signs() {
        #expect(sentiment("This is great, thank you!") > 0.5)
        #expect(sentiment("This is terrible") < -0.4)
        #expect(sentiment("Der Service ist super, vielen Dank!") > 0.5)
        #expect(sentiment("Das ist eine Frechheit") < -0.4)
        #expect(sentiment("I want to change my delivery address") == 0)
        #expect(sentiment("Ich möchte meine Adresse ändern") == 0)
        // German "die" is an article, not "to die"; "hell" means bright.
        #expect(sentiment("Die Rechnung und die Lieferung") == 0)
        #expect(sentiment("Der Bildschirm ist zu hell") == 0)
    }

    @Test func negation() {
        #expect(sentiment("not good") < 0)
        #expect(sentiment("not bad at all") > 0)
        #expect(sentiment("nicht gut") < 0)
        #expect(sentiment("Ich bin nicht zufrieden") < 0)
        #expect(sentiment("kein Problem") > 0)
        #expect(sentiment("no problem") > 0)
        #expect(sentiment("Keine Sorge") > 0)
        #expect(sentiment("it never works") < 0)
        #expect(sentiment("it works") > 0)
        // German puts the negation after the verb.
        #expect(sentiment("Das funktioniert nicht") < 0)
        #expect(sentiment("Das funktioniert") > 0)
        #expect(sentiment("Die App funktioniert leider nicht mehr") < sentiment("Die App funktioniert leider"))
        // A negation does not reach across a comma: "No, it was great".
        #expect(sentiment("No, it was great") > 0.3)
    }

    @Test func intensifiersAndDiminishers() {
        #expect(sentiment("very good") > sentiment("good"))
        #expect(sentiment("sehr gut") > sentiment("gut"))
        #expect(sentiment("extremely bad") < sentiment("bad"))
        #expect(sentiment("Ich bin total enttäuscht") < sentiment("Ich bin enttäuscht"))
        #expect(sentiment("echt schlecht") < sentiment("schlecht"))
        #expect(sentiment("a bit slow") > sentiment("slow"))
        #expect(sentiment("etwas langsam") > sentiment("langsam"))
        #expect(sentiment("etwas langsam") < 0)
    }

    @Test func butWeighsTheClauseAfter() {
        #expect(sentiment("The product is good but the delivery was terrible") < 0)
        #expect(sentiment("Die Lieferung war schlecht, aber der Service ist super") > 0)
    }

    @Test func capsAndExclamationMarks() {
        #expect(sentiment("This is GREAT") > sentiment("This is great"))
        #expect(sentiment("great!!!") > sentiment("great"))
        #expect(sentiment("terrible!!") < sentiment("terrible"))
        // A message all in capitals is not "emphasis" word by word.
        #expect(sentiment("THIS IS GREAT") == sentiment("this is great"))
    }

    @Test func emojiAndEmoticons() {
        #expect(sentiment("😡") < -0.4)
        #expect(sentiment("👍") > 0.3)
        #expect(sentiment("👍🏽") == sentiment("👍"))
        #expect(sentiment("Thanks 🙏") > sentiment("Thanks"))
        #expect(sentiment("Mein Paket ist weg 😭") < 0)
        #expect(sentiment("ok :)") > sentiment("ok"))
        #expect(sentiment("still waiting :(") < sentiment("still waiting"))
        #expect(sentiment("❤️") > 0.5)
        #expect(sentiment("Termin um 14:30") == 0)
        #expect(sentiment("see http://example.com/path") == 0)
    }

    @Test func bothLanguagesAtOnce() {
        #expect(sentiment("Danke, that was very helpful") > 0.5)
        #expect(sentiment("Gutes Produkt") > 0)  // "gutes" → "gut"
        #expect(sentiment("schlechten Service") < 0)
    }

    @Test func staysInRange() {
        let extreme = String(repeating: "AWFUL terrible horrible worst 😡🤬 ", count: 50) + "!!!!!!"
        let value = sentiment(extreme)
        #expect(value >= -1 && value < -0.95)
        let happy = String(repeating: "great excellent perfect 😍 ", count: 50)
        #expect(sentiment(happy) <= 1)
        #expect(sentiment("") == 0)
        #expect(sentiment("   ") == 0)
    }
}

@Suite struct FrustrationTests {
    /// Runs the messages through signals and update; `fallbacks` marks the turns the bot did
    /// not understand. Returns the level after each message.
    func levels(_ messages: [String], fallbacks: Set<Int> = [], from start: Frustration.State = .init()) -> [Double] {
        var state = start
        var levels: [Double] = []
        for (index, text) in messages.enumerated() {
            let signals = Frustration.signals(text: text, sentiment: sentiment(text), fallback: fallbacks.contains(index), state: state)
            state = Frustration.update(state, with: signals, text: text)
            levels.append(state.level)
        }
        return levels
    }

    @Test func oneMildlyNegativeMessageStaysBelowTheThreshold() {
        let level = levels(["The delivery is a bit late"])[0]
        #expect(level > 0 && level < 0.3)
    }

    @Test func oneMessageAloneNeverCrosses() {
        // Negative, a complaint, shouting, and not understood: still one message.
        let level = levels(["THIS IS USELESS!!! YOU DON'T UNDERSTAND ANYTHING"], fallbacks: [0])[0]
        #expect(level >= 0.4 && level < 0.6)
    }

    @Test func twoOrThreeFrustratedTurnsCross() {
        let english = levels(["where is my package", "that doesn't help, where is my package?", "I ALREADY TOLD YOU!!!"], fallbacks: [0, 1])
        #expect(english[0] < 0.6)
        #expect(english[2] >= 0.6, "\(english)")
        let german = levels(["Wo ist meine Bestellung?", "Das hilft mir nicht", "Das hab ich doch schon gesagt, wo ist meine Bestellung?"],
                            fallbacks: [0, 1])
        #expect(german[0] < 0.6)
        #expect(german[2] >= 0.6, "\(german)")
    }

    @Test func calmAnsweredTurnsBringTheLevelDown() {
        let start = Frustration.State(level: 0.8)
        let after = levels(["ok, thanks, that worked!", "I would like to change my address"], from: start)
        #expect(after[0] < 0.4)
        #expect(after[1] < after[0])
    }

    @Test func mildNegativityAloneTakesManyTurns() {
        let after = levels(["the delivery is a bit late", "the delivery is a bit late again", "still a bit late"])
        #expect(after[2] < 0.6)
        #expect(after[0] < after[1] && after[1] < after[2])
    }

    @Test func repetitionIsSeenWithoutText() {
        var state = Frustration.State()
        let first = "Where is my package?"
        state = Frustration.update(state, with: Frustration.signals(text: first, sentiment: 0, fallback: true, state: state), text: first)
        #expect(Frustration.signals(text: "where is my package??", sentiment: 0, fallback: false, state: state).repeated)
        #expect(Frustration.signals(text: "WHERE IS MY PACKAGE", sentiment: 0, fallback: false, state: state).repeated)
        #expect(!Frustration.signals(text: "How do I change my address?", sentiment: 0, fallback: false, state: state).repeated)
        #expect(!Frustration.signals(text: "yes", sentiment: 0, fallback: false, state: state).repeated)
        // Near repeats: "how can I reset my password" after "how do I reset my password".
        var other = Frustration.State()
        other = Frustration.update(other, with: Frustration.signals(text: "how do I reset my password", sentiment: 0, fallback: true, state: other),
                                   text: "how do I reset my password")
        #expect(Frustration.signals(text: "how can i reset my password please", sentiment: 0, fallback: false, state: other).repeated)
        #expect(!Frustration.signals(text: "how do I change my password", sentiment: 0, fallback: false, state: other).repeated)
    }

    @Test func shouting() {
        #expect(Frustration.isShouting("WHERE IS MY ORDER"))
        #expect(Frustration.isShouting("hello???"))
        #expect(Frustration.isShouting("what?!?"))
        #expect(!Frustration.isShouting("Where is my order"))
        #expect(!Frustration.isShouting("USA?"))  // too few letters
        #expect(!Frustration.isShouting("Hi!! I need help"))
    }

    @Test func complaints() {
        func complaint(_ text: String) -> Bool {
            Frustration.signals(text: text, sentiment: 0, fallback: false, state: .init()).complaint
        }
        #expect(complaint("this is useless"))
        #expect(complaint("You are not listening"))
        #expect(complaint("what a waste of time"))
        #expect(complaint("I already told you that"))
        #expect(complaint("Das hab ich doch schon gesagt"))
        #expect(complaint("Das hilft mir nicht"))
        #expect(complaint("total nutzlos"))
        #expect(complaint("Zeitverschwendung!"))
        #expect(!complaint("Das hilft mir sehr, danke"))
        #expect(!complaint("I want to talk to a real person"))
        #expect(!complaint("Where is my order?"))
    }

    @Test func keepsTheLastFiveAndNoText() throws {
        var state = Frustration.State()
        for i in 0..<8 {
            let text = "secret number \(i) please"
            state = Frustration.update(state, with: Frustration.signals(text: text, sentiment: -0.2, fallback: false, state: state), text: text)
        }
        #expect(state.sentiments.count == 5)
        #expect(state.recentDigests.count == 5)
        let data = try JSONEncoder().encode(state)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"recent_digests\"") && json.contains("\"offered_human\""))
        #expect(!json.contains("secret"))
        #expect(try JSONDecoder().decode(Frustration.State.self, from: data) == state)
        let snapshot = JSONValue.object(JSONObject(sorted: state.snapshot)).serialized
        #expect(try JSONDecoder().decode(Frustration.State.self, from: Data(snapshot.utf8)) == state)
    }
}
