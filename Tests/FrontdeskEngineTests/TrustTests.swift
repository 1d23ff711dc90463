import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskSafety
import Testing

@testable import FrontdeskEngine

/// Disclosure, moderation, frustration and masking as a conversation sees them, on the small
/// test bot with Frontdesk's built-in replies for all of these.
@Suite struct TrustTests {
    static let at = Date(timeIntervalSince1970: 1_772_445_600)

    func engine(_ extraSettings: String = "") throws -> Engine {
        let dir = try writeTestBot()
        if !extraSettings.isEmpty {
            let path = "\(dir)/bot.yaml"
            try (String(contentsOfFile: path, encoding: .utf8) + "\n" + extraSettings + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return try loadEngine(dir).engine
    }

    /// Sends the messages one after the other (a minute apart) and returns the turns.
    func chat(_ engine: Engine, _ texts: [String], conversation: inout Conversation) -> [Turn] {
        var turns: [Turn] = []
        for text in texts {
            let time = Self.at.addingTimeInterval(60 * Double(conversation.turn))
            turns.append(engine.respond(to: UserMessage(text: text, timestamp: time), in: &conversation))
        }
        return turns
    }

    @Test func areYouABotIsAnsweredTruthfullyInBothLanguages() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "are you a real person?", "bist du ein Mensch?"], conversation: &conversation)
        let english = turns[1]
        #expect(english.decision == .disclosure)
        #expect(english.messages.map(\.text) == [
            "Yes, I'm Testbot, an automated assistant: a bot, not a human. If you'd rather talk to a person, just ask for a human.",
        ])
        let german = turns[2]
        #expect(german.decision == .disclosure)
        #expect(german.language == .german)
        #expect(german.messages.first?.text.hasPrefix("Ja, ich bin Testbot, ein automatischer Assistent") == true)
        // A request for a human is not a question about the bot.
        let request = chat(engine, ["I want to talk to a human"], conversation: &conversation)[0]
        #expect(request.decision != .disclosure)
    }

    @Test func insultsAreWarnedThenTheConversationEndsAndAnAppealReachesAHuman() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "you idiot", "you stupid moron", "idiot!!", "can I get a refund", "you misunderstood me"],
                         conversation: &conversation)
        let first = turns[1]
        #expect(first.decision == .moderated(.warn))
        #expect(first.moderation?.categories == [.insult])
        #expect(first.moderation?.action == .warn)
        #expect(first.moderation?.hide == true)
        #expect(first.messages.map(\.text) == ["Please keep our conversation respectful. If abusive messages go on, I will have to end this conversation."])
        #expect(turns[2].moderation?.action == .warn)
        // Two warnings given: the third insult ends the conversation.
        let third = turns[3]
        #expect(third.decision == .moderated(.end))
        #expect(third.messages.first?.text.hasPrefix("I'm ending this conversation") == true)
        // Ended: even an ordinary question gets no answer.
        #expect(turns[4].decision == .silent)
        #expect(turns[4].messages.isEmpty)
        // The appeal hands over to a human.
        let appeal = turns[5]
        #expect(appeal.decision == .handoff(reason: "appeal", answered: nil))
        #expect(appeal.messages.first?.text == "I'm sorry if I got that wrong. I'm passing the conversation to a human colleague, who will read it and reply.")
        #expect(conversation.state == .handedOff)
    }

    @Test func aWarningIsTheWholeReplyAndThePoliteQuestionIsAnswered() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "you idiots, I want a refund for my order", "I want a refund for my order"], conversation: &conversation)
        #expect(turns[1].decision == .moderated(.warn))
        #expect(turns[1].messages.count == 1)
        #expect(turns[1].messages[0].text.hasPrefix("Please keep our conversation respectful"))
        #expect(turns[2].decision.answeredIntent?.intent == "refund")
        #expect(turns[2].moderation == nil)
    }

    @Test func aSingleBorderlineWordLeadsToNothing() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "damn, can I get a refund", "damn it, refund my purchase please"], conversation: &conversation)
        let first = turns[1]
        #expect(first.moderation?.severity == .borderline)
        #expect(first.moderation?.action == ModerationAction.none)
        #expect(first.moderation?.hide == false)
        #expect(first.decision.answeredIntent?.intent == "refund")
        #expect(first.messages.count == 1)
        // A second borderline message in the same conversation is acted on (profanity: calm).
        let second = turns[2]
        #expect(second.moderation?.action == .calm)
        #expect(second.messages.count == 2)
        #expect(second.messages[0].text == "I can tell this is frustrating, and I want to help. Let's keep it friendly.")
    }

    @Test func selfHarmGetsCareAndAHumanOnRequest() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "I want to kill myself", "yes"], conversation: &conversation)
        let care = turns[1]
        #expect(care.decision == .moderated(.care))
        #expect(care.moderation?.categories == [.selfHarm])
        #expect(care.messages.first?.text.contains("116 123") == true)
        #expect(care.messages.first?.quickReplies.map(\.title) == ["Yes", "No"])
        #expect(turns[2].decision == .handoff(reason: "self_harm", answered: nil))
    }

    @Test func aThreatIsEscalatedToAHuman() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "I will kill you"], conversation: &conversation)
        #expect(turns[1].decision == .handoff(reason: "moderation", answered: nil))
        #expect(turns[1].moderation?.categories == [.threat])
        #expect(turns[1].messages.first?.text == "I'm passing this conversation to a human colleague.")
        #expect(turns[1].events.map(\.name) == ["handoff"])
    }

    @Test func policiesComeFromTheSettings() throws {
        let engine = try engine("moderation: {insult: end, hide: []}")
        var conversation = engine.startConversation(id: "c1")
        let turn = chat(engine, ["hello", "you idiot"], conversation: &conversation)[1]
        #expect(turn.decision == .moderated(.end))
        #expect(turn.moderation?.hide == false)
        let off = try self.engine("moderation: {enabled: false}")
        var other = off.startConversation(id: "c2")
        #expect(chat(off, ["hello", "you idiot"], conversation: &other)[1].moderation == nil)
    }

    @Test func aFrustratedCustomerIsOfferedAHuman() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turns = chat(engine, ["hello", "xqzv plmk wrtz", "THIS IS USELESS!!!", "yes"], conversation: &conversation)
        // A fallback alone: not yet. Then a shouted complaint crosses the threshold.
        let offered = try #require(turns.firstIndex { $0.offeredHuman })
        #expect(offered == 2)
        #expect(turns[1].decision == .fallback && turns[1].frustration < 0.6)
        #expect(turns[offered].messages.last?.text == "I'm sorry this is not going well. Would you like me to connect you with a human colleague?")
        #expect(turns[offered].messages.last?.quickReplies.map(\.title) == ["Yes", "No"])
        #expect(turns[offered].frustration >= 0.6)
        #expect(turns.filter(\.offeredHuman).count == 1)  // once per conversation
        // "yes" hands over, with the reason.
        #expect(turns[3].decision == .handoff(reason: "frustration", answered: nil))
        #expect(conversation.state == .handedOff)
        // A calm conversation is not.
        var calm = engine.startConversation(id: "c2")
        let calmTurns = chat(engine, ["hello", "can I get a refund", "thanks, how do I cancel"], conversation: &calm)
        #expect(!calmTurns.contains { $0.offeredHuman })
        #expect(calmTurns.allSatisfy { $0.frustration < 0.6 })
    }

    @Test func personalDataIsMaskedInWhatIsKeptButUnderstoodAsWritten() throws {
        let engine = try engine()
        var conversation = engine.startConversation(id: "c1")
        let turn = chat(engine, ["refund please, my card 4111 1111 1111 1111, mail ada@example.com"], conversation: &conversation)[0]
        #expect(turn.storedText == "refund please, my card [card], mail [email]")
        #expect(Set(turn.personalData) == [.card, .email])
        #expect(conversation.recentMessages == ["refund please, my card [card], mail [email]"])
        #expect(turn.decision.answeredIntent?.intent == "refund")
        // An invalid card number (Luhn) is not a card.
        let other = chat(engine, ["order 4111 1111 1111 1112"], conversation: &conversation)[0]
        #expect(!other.personalData.contains(.card))

        let keeping = try self.engine("privacy: {mask_personal_data: false}")
        var kept = keeping.startConversation(id: "c2")
        let plain = chat(keeping, ["mail ada@example.com"], conversation: &kept)[0]
        #expect(kept.recentMessages == ["mail ada@example.com"])
        #expect(plain.personalData.isEmpty)
    }

    @Test func theVerdictPolicyCountsBorderlineAndWarnings() {
        var trust = TrustState()
        let settings = ModerationSettings()
        let borderline = [ModerationHit(category: .profanity, severity: .borderline, term: "damn")]
        let first = TrustPolicy.verdict(hits: borderline, settings: settings, trust: &trust)
        #expect(first?.action == ModerationAction.none)
        #expect(trust.borderline == 1 && !trust.moderated)
        let second = TrustPolicy.verdict(hits: borderline, settings: settings, trust: &trust)
        #expect(second?.action == .calm)
        // The strongest action wins; self-harm care before anything else.
        let mixed = [ModerationHit(category: .insult, severity: .clear, term: "idiot"),
                     ModerationHit(category: .selfHarm, severity: .severe, term: "kill myself")]
        #expect(TrustPolicy.verdict(hits: mixed, settings: settings, trust: &trust)?.action == .care)
        // Warnings: two, then the end.
        var fresh = TrustState()
        let insult = [ModerationHit(category: .insult, severity: .clear, term: "idiot")]
        let actions = (0..<3).compactMap { _ in TrustPolicy.verdict(hits: insult, settings: settings, trust: &fresh)?.action }
        #expect(actions == [.warn, .warn, .end])
        #expect(fresh.ended)
        // A human has the conversation: no action, but hiding still reported.
        var handed = TrustState()
        let verdict = TrustPolicy.verdict(hits: insult, settings: settings, trust: &handed, humanHasIt: true)
        #expect(verdict?.action == ModerationAction.none)
        #expect(verdict?.hide == true)
        #expect(TrustPolicy.verdict(hits: [], settings: settings, trust: &handed) == nil)
    }

    @Test func theBotsOwnDomainsAreAllowed() throws {
        var bot = try loadEngine(try writeTestBot()).engine.bot
        bot.variables["site"] = "https://www.kestrel.example/help"
        bot.moderation.allowedDomains = ["partner.example"]
        #expect(TrustPolicy.ownDomains(of: bot) == ["kestrel.example", "partner.example"])
    }
}
