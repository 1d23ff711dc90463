import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import Logging
import Testing

@testable import FrontdeskTesting

/// `frontdesk validate` reports a bot that hides being one: a reply claiming to be human, or a
/// disclosure that does not say it is a bot.
@Suite struct HonestyTests {
    func bot(disclosure: String, greeting: String) throws -> Bot {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-honesty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            version: 1
            name: Testbot
            languages: [en]
            replies:
              disclosure: {en: ["\(disclosure)"]}
            """.write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
        try """
            version: 1
            intents:
              - name: greet
                examples: {en: [hello, hi, hey there, good morning, hi bot]}
                replies: {en: ["\(greeting)"]}
            """.write(toFile: "\(dir)/intents.yaml", atomically: true, encoding: .utf8)
        return try EngineLoader.load(botDirectory: dir, store: Store(inMemory: Logger(label: "test")), variations: .first,
                                     logger: Logger(label: "test")).engine.bot
    }

    @Test func anHonestBotHasNoErrors() throws {
        let honest = try bot(disclosure: "Hi, I'm {bot_name}, an automated assistant.", greeting: "Hello! A human colleague is there on request.")
        #expect(BotValidator.honesty(of: honest).isEmpty)
    }

    @Test func aReplyClaimingToBeHumanIsAnError() throws {
        let liar = try bot(disclosure: "Hi, I'm {bot_name}, a bot.", greeting: "Hello! I'm a real person, not a bot.")
        let errors = BotValidator.honesty(of: liar)
        #expect(errors.count == 1)
        #expect(errors.first?.severity == .error)
        #expect(errors.first?.message == "intent 'greet' claims that the bot is a human: customers must always know they are talking to a bot")
        #expect(errors.first?.location.line == 5)
    }

    @Test func aDisclosureThatDoesNotSayBotIsAnError() throws {
        let vague = try bot(disclosure: "Hi, I'm Anna from the support team.", greeting: "Hello!")
        let messages = BotValidator.honesty(of: vague).map(\.message)
        #expect(messages == ["the 'en' disclosure does not say that the customer talks to a bot (say \"bot\" or \"automated assistant\")"])
    }

    @Test func theCheckRunsWithTheOtherValidations() throws {
        let engine = try EngineLoader.load(botDirectory: try writeBot(greeting: "Keine Sorge, ich bin ein echter Mensch."), store: Store(inMemory: Logger(label: "test")),
                                           variations: .first, logger: Logger(label: "test")).engine
        #expect(BotValidator.check(engine).contains { $0.severity == .error && $0.message.contains("claims that the bot is a human") })
    }

    func writeBot(greeting: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-honesty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "version: 1\nname: Testbot\nlanguages: [de]\n".write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
        try """
            version: 1
            intents:
              - name: greet
                examples: {de: [hallo, guten tag, servus, moin, guten morgen]}
                replies: {de: ["\(greeting)"]}
            """.write(toFile: "\(dir)/intents.yaml", atomically: true, encoding: .utf8)
        return dir
    }
}
