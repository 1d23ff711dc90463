import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskStore
import Logging
import Synchronization
import Testing

@testable import FrontdeskEngine

/// A knowledge base that finds one article for every message, with a fixed score, and
/// records what it was asked.
final class FakeKnowledge: KnowledgeSearching {
    let score: Double
    let asked = Mutex<[(text: String, scope: KnowledgeScope)]>([])
    init(score: Double) { self.score = score }

    func search(_ text: String, language: LanguageCode, scope: KnowledgeScope, limit: Int) -> KnowledgeResult {
        asked.withLock { $0.append((text, scope)) }
        let hit = KnowledgeHit(article: "ks", title: "Kill switch", url: "https://help.example.com/ks", language: language, score: score)
        return KnowledgeResult(candidates: [hit], best: KnowledgeAnswer(hit: hit, passage: "Turn it on\nOpen the VPN settings."))
    }
    var questions: [String] { asked.withLock { $0.map(\.text) } }
}

/// The test bot's engine with `knowledge` injected, in a conversation past its first turn.
func makeEngine(with knowledge: FakeKnowledge, extraIntents: String = "") throws -> (Engine, Conversation) {
    let dir = try writeTestBot()
    if !extraIntents.isEmpty { try extraIntents.write(toFile: "\(dir)/more.yaml", atomically: true, encoding: .utf8) }
    let loaded = try loadEngine(dir).engine
    let engine = Engine(bot: loaded.bot, model: loaded.model, variations: .seeded(1), knowledge: knowledge)
    var conversation = engine.startConversation(id: "c1")
    conversation.turn = 1
    return (engine, conversation)
}

@Suite struct KnowledgeEngineTests {
    @Test func aMessageNoIntentAnswersIsAnsweredFromAnArticleWithItsSource() throws {
        let fake = FakeKnowledge(score: 0.8)
        var (engine, conversation) = try makeEngine(with: fake)
        let turn = engine.respond(to: UserMessage(text: "xqzv plmk wrtz"), in: &conversation)
        guard case .knowledge(let answer) = turn.decision else {
            Issue.record("expected a knowledge answer, got \(turn.decision)")
            return
        }
        #expect(answer.hit.article == "ks")
        #expect(turn.messages.map(\.text) == ["Turn it on\nOpen the VPN settings.\n\nSource: Kill switch – https://help.example.com/ks"])
        #expect(turn.knowledge == answer)
        #expect(turn.knowledgeCandidates.map(\.article) == ["ks"])
        #expect(conversation.consecutiveFallbacks == 0)
    }

    @Test func belowTheThresholdTheBotSaysItDoesNotKnow() throws {
        let fake = FakeKnowledge(score: 0.3)
        var (engine, conversation) = try makeEngine(with: fake)
        let turn = engine.respond(to: UserMessage(text: "xqzv plmk wrtz"), in: &conversation)
        #expect(turn.decision == .fallback)
        #expect(turn.messages.map(\.text) == ["Sorry, I did not get that."])
        #expect(turn.knowledge == nil)
        // The candidates are still there for /debug.
        #expect(turn.knowledgeCandidates.map(\.score) == [0.3])
    }

    @Test func aConfidentIntentIsNotLookedUp() throws {
        let fake = FakeKnowledge(score: 0.9)
        var (engine, conversation) = try makeEngine(with: fake)
        let turn = engine.respond(to: UserMessage(text: "I want a refund for my order"), in: &conversation)
        #expect(turn.decision.answeredIntent?.intent == "refund")
        #expect(fake.questions.isEmpty)
        #expect(turn.knowledgeCandidates.isEmpty)
    }

    @Test func aStrongArticleReplacesDidYouMeanBetweenWeakIntents() throws {
        // "cancel and refund" asks "did you mean" without an article.
        let strong = FakeKnowledge(score: 0.9)
        var (engine, conversation) = try makeEngine(with: strong)
        let turn = engine.respond(to: UserMessage(text: "cancel and refund"), in: &conversation)
        if case .clarify = turn.decision { Issue.record("a strong article should answer instead of did-you-mean") }
        #expect(turn.knowledge?.hit.article == "ks")

        // An article that clears the threshold but is not strong leaves the question.
        let fair = FakeKnowledge(score: 0.6)
        var (engine2, conversation2) = try makeEngine(with: fair)
        let asked = engine2.respond(to: UserMessage(text: "cancel and refund"), in: &conversation2)
        guard case .clarify = asked.decision else {
            Issue.record("expected did-you-mean, got \(asked.decision)")
            return
        }
        #expect(asked.knowledge == nil)
    }

    @Test func anIntentAnsweredFromArticlesQuotesThemOrFallsBack() throws {
        let intents = """
            version: 1
            intents:
              - name: kill_switch
                knowledge:
                  articles: [ks]
                examples:
                  en: [how does the kill switch work, kill switch settings, what is the kill switch, turn on kill switch, kill switch help]
                  de: [wie geht der kill switch, kill switch einstellungen, was ist der kill switch, kill switch einschalten, kill switch hilfe]
            """
        let fake = FakeKnowledge(score: 0.8)
        var (engine, conversation) = try makeEngine(with: fake, extraIntents: intents)
        let turn = engine.respond(to: UserMessage(text: "how does the kill switch work"), in: &conversation)
        #expect(turn.decision.answeredIntent?.intent == "kill_switch")
        #expect(turn.messages.map(\.text) == ["Turn it on\nOpen the VPN settings.\n\nSource: Kill switch – https://help.example.com/ks"])
        #expect(fake.asked.withLock { $0.last?.scope } == .articles(["ks"]))

        // No article good enough and no replies of its own: not answered after all (the
        // fallback, counted as one), nothing made up.
        let weak = FakeKnowledge(score: 0.2)
        var (engine2, conversation2) = try makeEngine(with: weak, extraIntents: intents)
        let refused = engine2.respond(to: UserMessage(text: "how does the kill switch work"), in: &conversation2)
        #expect(refused.decision == .fallback)
        #expect(refused.messages.map(\.text) == ["Sorry, I did not get that."])
        #expect(refused.knowledge == nil)
        #expect(refused.knowledgeCandidates.map(\.score) == [0.2])
        #expect(conversation2.consecutiveFallbacks == 1)
        #expect(weak.questions == ["how does the kill switch work"])  // searched once
    }

    @Test func theArticlesOfTheBotFolderAreImportedWhenItLoads() throws {
        let dir = try writeTestBot()
        try FileManager.default.createDirectory(atPath: "\(dir)/articles", withIntermediateDirectories: true)
        try """
            ---
            title: Parrots at the office
            language: en
            url: https://help.example.com/parrots
            ---
            Parrots are welcome at the office on Fridays.
            """.write(toFile: "\(dir)/articles/parrots.md", atomically: true, encoding: .utf8)
        let store = try Store(inMemory: Logger(label: "test"))
        let loaded = try loadEngine(dir, store: store)
        #expect(loaded.articles?.added == ["parrots"])
        #expect(try loadEngine(dir, store: store).articles?.skipped == true)
        var conversation = loaded.engine.startConversation(id: "c1")
        conversation.turn = 1
        let turn = loaded.engine.respond(to: UserMessage(text: "can I bring parrots to the office?"), in: &conversation)
        #expect(turn.messages.map(\.text) == ["Parrots are welcome at the office on Fridays.\n\nSource: Parrots at the office – https://help.example.com/parrots"])

        // A broken article stops the bot from loading, with its place.
        try "---\ntitle: x\n".write(toFile: "\(dir)/articles/broken.md", atomically: true, encoding: .utf8)
        #expect(throws: FrontdeskError.self) { try loadEngine(dir, store: store) }
        do {
            _ = try loadEngine(dir, store: store)
        } catch let error as FrontdeskError {
            #expect(error.code == .invalidBot)
            #expect(error.diagnostics.map(\.description) == [
                "\(dir)/articles/broken.md:1:1: error: the front-matter header is not closed (expected a line with `---` after it)",
            ])
        }
    }
}

@Suite struct KnowledgeReplyLanguageTests {
    @Test func aLanguageWithoutBuiltInRepliesGetsALanguageNeutralKnowledgeAnswer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-fr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let names = ["disclosure", "fallback", "did_you_mean", "rephrase", "form_invalid", "form_cancel_confirm", "form_cancelled",
                     "form_gave_up", "form_restart", "handoff", "handoff_closed", "handed_back"]
        let replies = names.map { name -> String in
            let text = name == "did_you_mean" ? "{option_1} ou {option_2} ?" : name == "handoff_closed" ? "Fermé jusqu'à {next_open}." : "Texte \(name)."
            return "  \(name):\n    fr: [\"\(text)\"]"
        }.joined(separator: "\n")
        try "version: 1\nname: Robot\nlanguages: [fr]\nthresholds: {confidence: 0.99}\nreplies:\n\(replies)\n".write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
        try """
            version: 1
            intents:
              - name: bonjour
                examples: {fr: [bonjour, salut, coucou, bonsoir, allo]}
                replies: {fr: ["Bonjour !"]}
              - name: au_revoir
                examples: {fr: [au revoir, salut alors, adieu, à bientôt, bonne journée]}
                replies: {fr: ["Au revoir !"]}
            """.write(toFile: "\(dir)/intents.yaml", atomically: true, encoding: .utf8)
        let loaded = try loadEngine(dir).engine
        let engine = Engine(bot: loaded.bot, model: loaded.model, variations: .seeded(1), knowledge: FakeKnowledge(score: 0.9))
        var conversation = engine.startConversation(id: "c1")
        conversation.turn = 1
        let turn = engine.respond(to: UserMessage(text: "xqzv plmk wrtz"), in: &conversation)
        #expect(turn.messages.map(\.text) == ["Turn it on\nOpen the VPN settings.\n\n— Kill switch – https://help.example.com/ks"])
    }
}
