import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskBotFormat

/// `moderation:`, `frustration:` and `privacy:` in bot.yaml, and the disclosure that cannot be
/// switched off.
@Suite struct TrustSettingsTests {
    @Test func defaultsWithoutSettings() throws {
        let bot = try BotLoader.load(directory: try makeBot(["bot.yaml": settings, "greet.yaml": greetIntent])).bot
        #expect(bot.moderation == ModerationSettings())
        #expect(bot.moderation.action(for: .selfHarm) == .care)
        #expect(bot.frustration.offerHumanAt == 0.6)
        #expect(bot.privacy == PrivacySettings(maskPersonalData: true, retentionDays: nil))
        // The built-in replies exist in both languages.
        #expect(bot.builtinReplies.botQuestion[.german]?.isEmpty == false)
        #expect(bot.builtinReplies.selfHarm[.english]?.isEmpty == false)
    }

    @Test func readsTheSettings() throws {
        let yaml = settings + """

            moderation:
              insult: end
              profanity: warn
              hide: [spam, hate]
              allowed_domains: [Example.com]
              warnings_before_end: 1
            frustration: {offer_human_at: 0.8}
            privacy: {mask_personal_data: false, retention_days: 30}
            """
        let bot = try BotLoader.load(directory: try makeBot(["bot.yaml": yaml, "greet.yaml": greetIntent])).bot
        #expect(bot.moderation.action(for: .insult) == .end)
        #expect(bot.moderation.action(for: .profanity) == .warn)
        #expect(bot.moderation.action(for: .threat) == .escalate)  // not set: the default
        #expect(bot.moderation.hide == [.spam, .hate])
        #expect(bot.moderation.allowedDomains == ["example.com"])
        #expect(bot.moderation.warningsBeforeEnd == 1)
        #expect(bot.frustration.offerHumanAt == 0.8)
        #expect(bot.privacy == PrivacySettings(maskPersonalData: false, retentionDays: 30))
    }

    @Test func reportsBadSettingsWithTheirPlace() throws {
        let yaml = settings + """

            moderation:
              insult: ban
              hide: [spamm]
            privacy: {retention_days: 1.5}
            """
        #expect(try problems(["bot.yaml": yaml, "greet.yaml": greetIntent]) == [
            """
            bot/bot.yaml:7:11: error: 'ban' is not a moderation action (use one of: calm, warn, escalate, end, care)
              insult: ban
                      ^
            """,
            """
            bot/bot.yaml:8:10: error: 'spamm' is not a moderation category (use any of: insult, profanity, hate, threat, sexual_harassment, self_harm, spam)
              hide: [spamm]
                     ^
            """,
            """
            bot/bot.yaml:9:27: error: 'retention_days' must be a whole number of days
            privacy: {retention_days: 1.5}
                                      ^
            """,
        ])
    }

    @Test func theDisclosureCannotBeSwitchedOff() throws {
        let yaml = settings + "\ndisclosure: false\n"
        #expect(try problems(["bot.yaml": yaml, "greet.yaml": greetIntent]) == [
            """
            bot/bot.yaml:6:13: error: the disclosure cannot be switched off: the first reply of every conversation says that the customer talks to a bot (change its wording under replies: disclosure)
            disclosure: false
                        ^
            """,
        ])
    }
}
