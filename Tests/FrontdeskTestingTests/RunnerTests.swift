import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FrontdeskCore
import FrontdeskEngine
import FrontdeskKnowledge
import FrontdeskStore
import FrontdeskUnderstanding
import Logging
import Testing

@testable import FrontdeskTesting

/// A small English bot, trained once for this file's tests.
let testEngine: Engine = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-testing-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try! """
        version: 1
        name: Testbot
        languages: [en]
        thresholds: {confidence: 0.5, ambiguity: 0.2}
        replies:
          disclosure: {en: ["I am {bot_name}, a bot."]}
          fallback: {en: ["Sorry?"]}
          did_you_mean: {en: ["{option_1} or {option_2}?"]}
          rephrase: {en: ["Say it again, please."]}
        """.write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
    try! """
        version: 1
        intents:
          - name: refund
            title: Refund
            examples: {en: [I want my money back, can I get a refund, refund my purchase please, give me a refund, refund for my order]}
            replies: {en: ["Refunds take 30 days.", "Your money comes back within 30 days."]}
          - name: cancel
            title: Cancel
            examples: {en: [cancel my subscription, I want to cancel, stop my subscription, how do I cancel, end my plan]}
            replies: {en: ["Cancel in your account."]}
          - name: greet
            examples: {en: [hello, hi, hey there, good morning, hi bot]}
            replies: {en: ["Hello {user_name|there}!"]}
        """.write(toFile: "\(dir)/intents.yaml", atomically: true, encoding: .utf8)
    return try! EngineLoader.load(botDirectory: dir, store: Store(inMemory: Logger(label: "test")), variations: .first, logger: Logger(label: "test")).engine
}()

func transcript(_ body: String) throws -> Transcript {
    try Transcript.parse("version: 1\ntitle: Test\n" + body, path: "t.txt")
}

@Suite struct RunnerTests {
    let runner = TranscriptRunner(engine: testEngine)

    @Test func passesWhenEveryExpectationHolds() throws {
        let result = runner.run(try transcript("""
            user: Ada
            customer: hello
            bot: I am Testbot, a bot.
            bot: Hello Ada!
            intent: greet
            customer: I want a refund please
            bot one of: refund
            customer: refund my purchase
            bot contains: 30 days
            customer: xqzv wrtpl
            bot one of: fallback
            customer: I want to cancel and get a refund
            bot matches: (Refund|Cancel) or (Refund|Cancel)\\?
            quick replies: Refund | Cancel
            customer: neither
            bot one of: rephrase
            """))
        #expect(result.failures.map(\.failure) == [])
        #expect(result.passed)
        #expect(result.turns.count == 6)
    }

    @Test func reportsADifferentReplyWithItsLine() throws {
        let result = runner.run(try transcript("""
            customer: hello
            bot one of: disclosure
            bot: Hello everyone!
            intent: refund
            """))
        #expect(!result.passed)
        #expect(result.failures.map(\.failure) == [
            TurnFailure(line: 5, message: "the bot's reply differs", expected: "Hello everyone!", actual: "Hello there!"),
            TurnFailure(line: 6, message: "the turn was not answered with intent 'refund'", expected: "refund", actual: "greet (0.96)"),
        ])
    }

    @Test func reportsMissingAndExtraMessages() throws {
        let missing = runner.run(try transcript("customer: hello\nbot one of: disclosure\n"))
        #expect(missing.failures.map(\.failure) == [
            TurnFailure(line: 4, message: "the bot said one more message than expected", expected: nil, actual: "Hello there!"),
        ])
        let extra = runner.run(try transcript("customer: hello\nbot one of: disclosure\nbot one of: greet\nbot: And more.\n"))
        #expect(extra.failures.map(\.failure) == [
            TurnFailure(line: 6, message: "the bot said no more messages", expected: "And more.", actual: nil),
        ])
    }

    @Test func reportsUnknownReplyNamesSlotsAndEvents() throws {
        let result = runner.run(try transcript("customer: hello\nbot one of: disclosure\nbot one of: greeting\nslot name: Ada\nevent: handoff\n"))
        #expect(result.failures.map(\.failure.message) == [
            "'greeting' is neither an intent nor a built-in reply (disclosure, fallback, did_you_mean, rephrase, form_invalid, form_cancel_confirm, form_cancelled, form_gave_up, form_restart, handoff, handoff_closed, handed_back, knowledge_answer, bot_question, moderation_calm, moderation_warn, moderation_end, moderation_escalate, self_harm, appeal, frustration_offer)",
            "slot 'name' is not set",
            "no event 'handoff'",
        ])
    }

    @Test func theSeedChoosesTheVariation() throws {
        // Across seeds both refund variations occur; with one seed the choice never changes.
        let replies = (1...8).map { seed -> String in
            let result = runner.run(try! transcript("seed: \(seed)\ncustomer: refund please\n"))
            return result.turns[0].actual.messages.last!.text
        }
        #expect(Set(replies) == ["Refunds take 30 days.", "Your money comes back within 30 days."])
        let again = (1...8).map { seed in runner.run(try! transcript("seed: \(seed)\ncustomer: refund please\n")).turns[0].actual.messages.last!.text }
        #expect(again == replies)
    }

    @Test func aSavedConversationPassesRightAway() throws {
        // The REPL's /save: record a live conversation, write it, read it back, replay it.
        var engine = testEngine
        engine.variations = .seeded(42)
        var conversation = engine.startConversation(id: "repl-1", userName: "Ada")
        var recorder = TranscriptRecorder(language: nil)
        for text in ["hi", "I want to cancel and get a refund", "2", "refund please", "qqq zzz"] {
            recorder.record(customer: text, turn: engine.respond(to: UserMessage(text: text), in: &conversation))
        }
        let saved = recorder.transcript(title: "saved", path: "saved.txt", user: "Ada", seed: 42).formatted()
        #expect(saved.contains("quick replies: Refund | Cancel"))
        #expect(saved.contains("intent: cancel"))
        let replayed = runner.run(try Transcript.parse(saved, path: "saved.txt"))
        #expect(replayed.passed)
        #expect(replayed.turns.count == 5)

        // Editing one expected reply makes it fail at that line.
        let edited = saved.replacingOccurrences(of: "bot: Cancel in your account.", with: "bot: Cancel in the app.")
        let failed = runner.run(try Transcript.parse(edited, path: "saved.txt"))
        let line = edited.components(separatedBy: "\n").firstIndex(of: "bot: Cancel in the app.")! + 1
        #expect(failed.failures.map(\.failure) == [
            TurnFailure(line: line, message: "the bot's reply differs", expected: "Cancel in the app.", actual: "Cancel in your account."),
        ])
    }
}

@Suite struct WordDiffTests {
    @Test func showsRemovedAndAddedWords() {
        let pieces = WordDiff.diff("open My plans and confirm", "open My subscriptions and confirm")
        #expect(pieces == [.same("open My"), .removed("plans"), .added("subscriptions"), .same("and confirm")])
        #expect(WordDiff.render(pieces) == "open My [-plans-] {+subscriptions+} and confirm")
        #expect(WordDiff.render(WordDiff.diff("", "new text")) == "{+new text+}")
        #expect(WordDiff.render(WordDiff.diff("same", "same")) == "same")
    }
}

@Suite struct ValidatorTests {
    @Test func warnsAboutTranscriptsThatDoNotFitTheBot() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v-\(UUID().uuidString).txt").path
        let text = """
            version: 1
            title: Stale
            language: fr
            customer: hi
            intent: greeet
            bot one of: refnd
            bot: This reply was edited away.
            bot: Refunds take 30 days.
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let warnings = BotValidator.check(transcript: try Transcript.read(path: path), bot: testEngine.bot)
        #expect(warnings.map { $0.description.replacingOccurrences(of: path, with: "t.txt") } == [
            "t.txt:1:1: warning: the bot does not speak 'fr' (languages: en)",
            "t.txt:5:1: warning: the bot has no intent 'greeet'; did you mean 'greet'?",
            "t.txt:6:1: warning: 'refnd' is neither an intent nor a built-in reply; did you mean 'refund'?",
            "t.txt:7:1: warning: no reply of the bot can produce this text (was a reply edited?)",
        ])
    }

    @Test func warnsAboutTooFewExamplesAndDuplicates() {
        let warnings = BotValidator.check(testEngine).map(\.message)
        // Every intent of the test bot has five examples.
        #expect(warnings.filter { $0.contains("has only 5 examples in 'en'") }.count == 3)
        #expect(!warnings.contains { $0.contains("similar") })
    }
}

@Suite struct JUnitTests {
    @Test func writesWellFormedXMLWithTheCounts() throws {
        let xml = JUnitReport.xml(suite: "frontdesk test", cases: [
            .init(name: "Greeting", className: "transcripts.greeting", file: "transcripts/greeting.txt", seconds: 0.01),
            .init(name: "Refund <\"DE\"> & more", className: "transcripts.refund", file: "transcripts/refund.txt", seconds: 0.02,
                  failures: [(message: "transcripts/refund.txt:9: the bot's reply differs", details: "expected: a\nactual: b\u{1}")]),
            .init(name: "broken.txt", className: "transcripts.broken", file: "transcripts/broken.txt", seconds: 0,
                  error: (message: "invalid transcript", details: "transcripts/broken.txt:1:10: error: unsupported transcript version '2'")),
        ])
        let document = try XMLDocument(xmlString: xml)
        let suite = try #require(try document.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "tests")?.stringValue == "3")
        #expect(suite.attribute(forName: "failures")?.stringValue == "1")
        #expect(suite.attribute(forName: "errors")?.stringValue == "1")
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["Greeting", "Refund <\"DE\"> & more", "broken.txt"])
        let failure = try #require(try document.nodes(forXPath: "//failure").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == "transcripts/refund.txt:9: the bot's reply differs")
        // A control character XML does not allow is replaced, not dropped silently.
        #expect(failure.stringValue == "expected: a\nactual: b\u{FFFD}")
        #expect(try document.nodes(forXPath: "//error").count == 1)
    }
}

@Suite struct KnowledgeTranscriptTests {
    /// The test bot with one article in its knowledge base.
    static let engine: Engine = {
        let knowledge = KnowledgeBase(store: try! Store(inMemory: Logger(label: "test")), logger: Logger(label: "test"))
        _ = try! knowledge.importArticles([
            Article(id: "parrots", title: "Parrots at the office", body: "Parrots are welcome at the office on Fridays.", language: .english,
                    url: "https://help.example.com/parrots"),
        ], source: "test", prune: false)
        return Engine(bot: testEngine.bot, model: testEngine.model, variations: .first, knowledge: knowledge)
    }()

    @Test func articleExpectationsPassAndFailWithTheCandidates() throws {
        let runner = TranscriptRunner(engine: Self.engine)
        let passing = runner.run(try transcript("""
            customer: are parrots welcome at the office on fridays?
            bot one of: disclosure
            bot: Parrots are welcome at the office on Fridays.\n  \n  Source: Parrots at the office – https://help.example.com/parrots
            article: parrots
            customer: xqzv plmk wrtz
            bot one of: fallback
            article: none
            """.replacingOccurrences(of: "\\n", with: "\n")))
        #expect(passing.failures.isEmpty, "\(passing.failures.map(\.failure))")

        let question = "are parrots welcome at the office on fridays?"
        let score = try #require(Self.engine.knowledge?.search(question, language: .english, scope: .all, limit: 1).best?.hit.score)
        let failing = runner.run(try transcript("customer: \(question)\narticle: none\ncustomer: \(question)\narticle: cats\n"))
        let actual = "parrots (candidates: parrots \(String(format: "%.2f", score)))"
        #expect(failing.failures.map(\.failure) == [
            TurnFailure(line: 4, message: "the reply quotes a knowledge article", expected: "no article", actual: actual),
            TurnFailure(line: 6, message: "the reply does not quote article 'cats'", expected: "cats", actual: actual),
        ])
    }

    @Test func validationNamesMissingArticlesAndTags() throws {
        var bot = testEngine.bot
        bot.intents[0].knowledge = .articles(["parrots", "cats"])
        bot.intents[1].knowledge = .tags(["pets"])
        let found = BotValidator.check(knowledgeOf: bot, articles: [Article(id: "parrots", title: "P", body: "B", tags: ["birds"])])
        #expect(found.map(\.message) == [
            "intent 'refund' is answered from article 'cats', which is not in the knowledge base (frontdesk kb list shows the articles)",
            "intent 'cancel' is answered from articles tagged 'pets', but no article has that tag",
        ])
        #expect(found.map(\.severity) == [.error, .warning])
    }
}

@Suite struct NearDuplicateTests {
    /// Prefix filtering finds exactly the pairs that comparing every pair finds.
    @Test func theFastSearchFindsWhatComparingEveryPairFinds() {
        let words = ["refund", "money", "back", "cancel", "my", "plan", "order", "please", "now", "account", "close", "want"]
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var intents: [Intent] = []
        var texts: [(IntentName, String)] = []
        for n in 0..<4 {
            let name = IntentName("intent_\(n)")
            let examples = (0..<60).map { _ in (0..<(3 + next(4))).map { _ in words[next(words.count)] }.joined(separator: " ") }
            texts += examples.map { (name, $0) }
            intents.append(Intent(name: name, examples: [.english: examples.map { Intent.Example($0) }], replies: [:]))
        }
        let bot = Bot(name: "t", languages: [.english], builtinReplies: BuiltinReplies(disclosure: [:], fallback: [:], didYouMean: [:], rephrase: [:]),
                      intents: intents)
        let options = BotValidator.Options()
        let found = BotValidator.duplicates(in: bot, language: .english, options: options).filter { $0.message.contains("% similar") }

        // Every pair, the slow way.
        let folded = texts.map { Normalizer.tokens(Normalizer.fold($0.1)).joined(separator: " ") }
        let vectors = folded.map(BotValidator.trigramVector)
        let norms = vectors.map { $0.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot() }
        var expected = 0
        for j in texts.indices {
            for i in 0..<j where texts[i].0 != texts[j].0 && folded[i] != folded[j] && norms[i] > 0 && norms[j] > 0 {
                if BotValidator.dot(vectors[i], vectors[j]) / (norms[i] * norms[j]) >= options.nearDuplicateSimilarity { expected += 1 }
            }
        }
        #expect(expected > 10)  // the data has near-duplicates to find
        #expect(found.count == expected)
    }
}
