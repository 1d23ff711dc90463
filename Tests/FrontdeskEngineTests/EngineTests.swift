import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskStore
import Logging
import Testing

@testable import FrontdeskEngine

/// Writes a small two-language bot into a temporary folder.
func writeTestBot(refundExamples extra: [String] = []) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-engine-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let settings = """
        version: 1
        name: Testbot
        languages: [en, de]
        thresholds: {confidence: 0.5, ambiguity: 0.2}
        variables: {days: "30"}
        replies:
          disclosure:
            en: ["I am {bot_name}, an automated assistant."]
            de: ["Ich bin {bot_name}, ein automatischer Assistent."]
          fallback:
            en: ["Sorry, I did not get that."]
            de: ["Das habe ich nicht verstanden."]
          did_you_mean:
            en: ["Did you mean {option_1} or {option_2}?"]
            de: ["Meinten Sie {option_1} oder {option_2}?"]
          rephrase:
            en: ["Please say it in other words."]
            de: ["Bitte sagen Sie es anders."]
        """
    let intents = """
        version: 1
        intents:
          - name: refund
            title: {en: Refund, de: Erstattung}
            examples:
              en: [I want my money back, can I get a refund, refund my purchase please, give me a refund,
                   I want a refund for my order\(extra.map { ", " + $0 }.joined())]
              de: [Ich möchte mein Geld zurück, kann ich eine Rückerstattung bekommen, Geld zurück bitte,
                   Rückerstattung für meine Bestellung, erstatten Sie mir den Betrag]
            replies:
              en: ["Refunds are possible within {days} days.", "You get your money back within {days} days."]
              de: ["Eine Erstattung ist innerhalb von {days} Tagen möglich."]
          - name: cancel
            title: {en: Cancel subscription, de: Abo kündigen}
            examples:
              en: [cancel my subscription, I want to cancel, stop my subscription, how do I cancel, end my plan]
              de: [Abo kündigen, ich möchte kündigen, wie kündige ich mein Abo, Vertrag beenden, Abonnement stoppen]
            replies:
              en: ["You can cancel in your account."]
              de: ["Sie können im Konto kündigen."]
          - name: greet
            examples:
              en: [hello, hi, hey there, good morning, hi bot]
              de: [hallo, guten tag, servus, moin, guten morgen]
            replies:
              en: ["Hello {user_name|there}!"]
              de: ["Hallo!"]
        """
    try settings.write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
    try intents.write(toFile: "\(dir)/intents.yaml", atomically: true, encoding: .utf8)
    return dir
}

func loadEngine(_ dir: String, store: Store? = nil) throws -> EngineLoader.Result {
    try EngineLoader.load(botDirectory: dir, store: store ?? Store(inMemory: Logger(label: "test")),
                          variations: .seeded(1), logger: Logger(label: "test"))
}

@Suite struct EngineTests {
    @Test func firstReplyDisclosesTheBotThenAnswers() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1", userName: "Ada")
        let first = engine.respond(to: UserMessage(text: "hello"), in: &conversation)
        #expect(first.messages.map(\.text) == ["I am Testbot, an automated assistant.", "Hello Ada!"])
        #expect(first.decision == .answer(first.ranking[0]))
        #expect(first.ranking[0].intent == "greet")

        let second = engine.respond(to: UserMessage(text: "I want a refund please"), in: &conversation)
        #expect(second.messages.count == 1)  // no disclosure after the first turn
        #expect(["Refunds are possible within 30 days.", "You get your money back within 30 days."].contains(second.messages[0].text))
        #expect(conversation.turn == 2)
    }

    @Test func fillsADefaultForAnUnknownName() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        #expect(engine.respond(to: UserMessage(text: "hi"), in: &conversation).messages.last?.text == "Hello there!")
    }

    @Test func anOutOfScopeIntentIsNeverTheAnswer() throws {
        let dir = try writeTestBot()
        let outOfScope = """
            version: 1
            intents:
              - name: out_of_scope
                examples:
                  en: [what is the weather like, tell me a joke, who won the game last night, play some music, book a flight to rome]
            """
        try outOfScope.write(toFile: "\(dir)/oos.yaml", atomically: true, encoding: .utf8)
        let engine = try loadEngine(dir).engine
        var conversation = engine.startConversation(id: "c1")
        _ = engine.respond(to: UserMessage(text: "hello"), in: &conversation)
        let joke = engine.respond(to: UserMessage(text: "tell me a joke"), in: &conversation)
        #expect(joke.decision == .fallback)
        #expect(joke.messages.map(\.text) == ["Sorry, I did not get that."])
        #expect(joke.ranking.isEmpty)
        let refund = engine.respond(to: UserMessage(text: "can I get a refund"), in: &conversation)
        #expect(refund.ranking.first?.intent == "refund")
        #expect(!refund.ranking.contains { $0.intent == .outOfScope })
    }

    @Test func fallsBackOnGibberish() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        _ = engine.respond(to: UserMessage(text: "hello"), in: &conversation)
        let turn = engine.respond(to: UserMessage(text: "xqzv plmk wrtz"), in: &conversation)
        #expect(turn.decision == .fallback)
        #expect(turn.messages.map(\.text) == ["Sorry, I did not get that."])
    }

    @Test func asksDidYouMeanAndUnderstandsThePick() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        _ = engine.respond(to: UserMessage(text: "hello"), in: &conversation)
        // Half refund, half cancel.
        let asked = engine.respond(to: UserMessage(text: "cancel and refund"), in: &conversation)
        guard case .clarify(let a, let b) = asked.decision else {
            Issue.record("expected did-you-mean, got \(asked.decision) with \(asked.ranking)")
            return
        }
        #expect(Set([a.intent, b.intent]) == ["refund", "cancel"])
        let titles = [a, b].map { $0.intent == "refund" ? "Refund" : "Cancel subscription" }
        #expect(asked.messages == [BotMessage(
            text: "Did you mean \(titles[0]) or \(titles[1])?",
            quickReplies: [QuickReply(title: titles[0], payload: "intent:\(a.intent)"), QuickReply(title: titles[1], payload: "intent:\(b.intent)")])])
        #expect(conversation.state == .awaitingChoice(options: [a.intent, b.intent]))

        let picked = engine.respond(to: UserMessage(text: "Cancel subscription"), in: &conversation)
        #expect(picked.messages.map(\.text) == ["You can cancel in your account."])
        #expect(conversation.state == .idle)
    }

    @Test func understandsATappedQuickReplyAndNeither() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        conversation.state = .awaitingChoice(options: ["refund", "cancel"])
        conversation.turn = 1
        let tapped = engine.respond(to: UserMessage(text: "Refund", payload: "intent:refund"), in: &conversation)
        #expect(tapped.decision == .answer(IntentScore(intent: "refund", confidence: 1)))

        conversation.state = .awaitingChoice(options: ["refund", "cancel"])
        let neither = engine.respond(to: UserMessage(text: "neither"), in: &conversation)
        #expect(neither.messages.map(\.text) == ["Please say it in other words."])
    }

    @Test func followsTheCustomersLanguage() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        #expect(conversation.language == "en")
        let german = engine.respond(to: UserMessage(text: "Ich möchte bitte mein Geld zurück"), in: &conversation)
        #expect(german.language == "de")
        #expect(german.messages.map(\.text) == ["Ich bin Testbot, ein automatischer Assistent.", "Eine Erstattung ist innerhalb von 30 Tagen möglich."])
        // A one-word message keeps the conversation's language, even a clearly English one.
        #expect(engine.respond(to: UserMessage(text: "ok"), in: &conversation).language == "de")
        #expect(engine.respond(to: UserMessage(text: "hello"), in: &conversation).language == "de")
        let english = engine.respond(to: UserMessage(text: "how do I cancel my subscription"), in: &conversation)
        #expect(english.language == "en")
        #expect(english.messages.map(\.text) == ["You can cancel in your account."])
    }

    @Test func aFixedLanguageIsNotDetected() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1", language: "de")
        let turn = engine.respond(to: UserMessage(text: "I want my money back, how do I get a refund for my order"), in: &conversation)
        #expect(turn.language == "de")
        #expect(turn.detectedLanguage == nil)
        #expect(turn.messages.first?.text == "Ich bin Testbot, ein automatischer Assistent.")
    }

    @Test func repliesComeFromAnotherLanguageWhenNeeded() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var bot = engine.bot
        let index = try #require(bot.intents.firstIndex { $0.name == "cancel" })
        bot.intents[index].replies = ["de": bot.intents[index].replies["de"]!]
        let germanOnly = Engine(bot: bot, model: engine.model, variations: .first)
        var conversation = germanOnly.startConversation(id: "c1", language: "en")
        let turn = germanOnly.respond(to: UserMessage(text: "how do I cancel my subscription"), in: &conversation)
        #expect(turn.messages.map(\.text) == ["I am Testbot, an automated assistant.", "Sie können im Konto kündigen."])
    }

    @Test func findsEntitiesAgainstTheMessagesTime() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        var conversation = engine.startConversation(id: "c1")
        // 2026-12-31 23:30 UTC: "tomorrow" is the first day of 2027 (the test bot's time zone is UTC).
        let now = Date(timeIntervalSince1970: 1_798_759_800)
        let turn = engine.respond(to: UserMessage(text: "refund 20 euros tomorrow please", timestamp: now), in: &conversation)
        #expect(turn.entities.map(\.name) == ["money", "datetime"])
        #expect(turn.entities.map { $0.value.formatted(in: engine.bot.timeZone) } == ["20 EUR", "2027-01-01"])
        #expect(turn.entities.map(\.text) == ["20 euros", "tomorrow"])
        #expect(conversation.lastMessageAt == now)
    }

    @Test func aHandOffSummarisesAndEndsWhenHandedBack() throws {
        let loaded = try loadEngine(try writeTestBot()).engine
        var bot = loaded.bot
        bot.support = SupportSettings(handoffIntent: "cancel", afterFallbacks: 0)
        let engine = Engine(bot: bot, model: loaded.model, variations: .first)
        var conversation = engine.startConversation(id: "c1")
        _ = engine.respond(to: UserMessage(text: "I want my money back"), in: &conversation)
        let handoff = engine.respond(to: UserMessage(text: "how do I cancel my subscription"), in: &conversation)
        #expect(handoff.messages.map(\.text) == ["You can cancel in your account."])
        #expect(handoff.events == [DialogueEvent(name: "handoff", summary: HandoffSummary(
            intents: ["refund", "cancel"], slots: [:], lastMessages: ["I want my money back", "how do I cancel my subscription"], reason: "requested"))])
        #expect(conversation.state == .handedOff)
        #expect(engine.respond(to: UserMessage(text: "hello?"), in: &conversation).messages.isEmpty)
        #expect(engine.handBack(&conversation)?.messages.map(\.text) == ["You're talking to Testbot, the automated assistant, again. How else can I help?"])
        #expect(conversation.state == .idle)
        #expect(engine.respond(to: UserMessage(text: "hello"), in: &conversation).messages.map(\.text) == ["Hello there!"])
    }

    @Test func aLongSilenceStartsANewConversation() throws {
        let loaded = try loadEngine(try writeTestBot()).engine
        var bot = loaded.bot
        bot.support = SupportSettings(conversationTimeout: 30 * 60)
        let engine = Engine(bot: bot, model: loaded.model, variations: .first)
        var conversation = engine.startConversation(id: "c1")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        _ = engine.respond(to: UserMessage(text: "hello", timestamp: start), in: &conversation)
        let soon = engine.respond(to: UserMessage(text: "hello", timestamp: start + 29 * 60), in: &conversation)
        #expect(soon.messages.count == 1)
        // After more than 30 minutes: a new conversation, which begins with the disclosure.
        let later = engine.respond(to: UserMessage(text: "hello", timestamp: start + 29 * 60 + 31 * 60), in: &conversation)
        #expect(later.messages.first?.text == "I am Testbot, an automated assistant.")
        #expect(conversation.turn == 1)
    }

    @Test func followUpsAreUnderstoodOnlyWhileTheirContextIsOpen() throws {
        let loaded = try loadEngine(try writeTestBot()).engine
        var bot = loaded.bot
        // "cancel" opens a context for 2 messages or 5 minutes; "greet" pretends to be its follow-up.
        let cancel = try #require(bot.intents.firstIndex { $0.name == "cancel" })
        let greet = try #require(bot.intents.firstIndex { $0.name == "greet" })
        bot.intents[cancel].setsContext = ContextSpec(name: "after_cancel", turns: 2, minutes: 5)
        bot.intents[greet].requiresContext = "after_cancel"
        let engine = Engine(bot: bot, model: loaded.model, variations: .first)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func say(_ text: String, _ conversation: inout Conversation, after minutes: Double) -> Decision {
            engine.respond(to: UserMessage(text: text, timestamp: start + minutes * 60), in: &conversation).decision
        }
        var conversation = engine.startConversation(id: "c1")
        #expect(say("hello", &conversation, after: 0) == .fallback)  // no context: the follow-up is not understood
        _ = say("how do I cancel my subscription", &conversation, after: 1)
        #expect(say("hello", &conversation, after: 2).answeredIntent?.intent == "greet")
        #expect(say("hello", &conversation, after: 3).answeredIntent?.intent == "greet")
        #expect(say("hello", &conversation, after: 4) == .fallback)  // two messages used up

        var late = engine.startConversation(id: "c2")
        _ = say("how do I cancel my subscription", &late, after: 0)
        #expect(say("hello", &late, after: 6) == .fallback)  // five minutes passed
    }

    @Test func replayingAConversationsMessagesRebuildsItsState() throws {
        // The state is a function of the messages (with their times): replaying them on a fresh
        // conversation gives the same state, which is what storing the events will rely on.
        let engine = try loadEngine(try writeTestBot()).engine
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let messages = ["hello", "xqzv wrtpl", "cancel and refund", "2", "Ich möchte mein Geld zurück", "danke"].enumerated().map {
            UserMessage(text: $0.element, timestamp: start + Double($0.offset) * 30)
        }
        func replay() -> (Conversation, [[String]]) {
            var conversation = engine.startConversation(id: "c1", userName: "Ada")
            let replies = messages.map { engine.respond(to: $0, in: &conversation).messages.map(\.text) }
            return (conversation, replies)
        }
        let (first, firstReplies) = replay()
        let (second, secondReplies) = replay()
        #expect(first == second)
        #expect(firstReplies == secondReplies)
        #expect(first.turn == 6)
        #expect(first.language == "de")
    }

    @Test func seededVariationsAreDeterministic() throws {
        let engine = try loadEngine(try writeTestBot()).engine
        func replies() -> [String] {
            var conversation = engine.startConversation(id: "same")
            return ["refund please", "give me a refund", "can I get a refund", "refund my purchase please"]
                .flatMap { engine.respond(to: UserMessage(text: $0), in: &conversation).messages.map(\.text) }
        }
        #expect(replies() == replies())
        #expect(Set(replies()).count == 3)  // disclosure and both refund variations occur with seed 1
    }

    @Test func anUnchangedBotStartsFromTheModelCache() throws {
        let dir = try writeTestBot()
        let store = try Store(inMemory: Logger(label: "test"))
        let first = try loadEngine(dir, store: store)
        #expect(first.trained == ["en", "de"])
        #expect(first.cached == [])
        let second = try loadEngine(dir, store: store)
        #expect(second.trained == [])
        #expect(second.cached == ["en", "de"])
        #expect(second.engine.model.models["en"]?.classify("refund") == first.engine.model.models["en"]?.classify("refund"))

        // Changing English examples retrains English only.
        let changed = try writeTestBot(refundExamples: ["I would like to be reimbursed"])
        let third = try loadEngine(changed, store: store)
        #expect(third.trained == ["en"])
        #expect(third.cached == ["de"])
    }

    @Test func theModelCacheLivesInTheSQLiteFile() throws {
        let dir = try writeTestBot()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-\(UUID().uuidString)/db.sqlite").path
        _ = try loadEngine(dir, store: Store(path: path))
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try loadEngine(dir, store: Store(path: path))
        #expect(reopened.trained == [])
    }
}
