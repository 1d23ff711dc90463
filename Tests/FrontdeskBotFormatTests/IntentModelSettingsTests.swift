import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskBotFormat

/// `intent_model:` in bot.yaml.
@Suite struct IntentModelSettingsTests {
    @Test func offByDefault() throws {
        let bot = try BotLoader.load(directory: try makeBot(["bot.yaml": settings, "greet.yaml": greetIntent])).bot
        #expect(bot.intentModel == IntentModelSettings())
        #expect(!bot.intentModel.embeddings)
        #expect(!bot.intentModel.namesAsExamples)
    }

    @Test func readsNamesAsExamples() throws {
        let yaml = settings + "\nintent_model: {names_as_examples: true}\n"
        let loaded = try BotLoader.load(directory: try makeBot(["bot.yaml": yaml, "greet.yaml": greetIntent]))
        #expect(loaded.bot.intentModel == IntentModelSettings(embeddings: false, namesAsExamples: true))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func readsEmbeddings() throws {
        let yaml = settings + "\nintent_model: {embeddings: true}\n"
        let loaded = try BotLoader.load(directory: try makeBot(["bot.yaml": yaml, "greet.yaml": greetIntent]))
        #expect(loaded.bot.intentModel.embeddings)
        #expect(loaded.warnings.isEmpty)  // the bot speaks English: nothing to warn about
    }

    @Test func warnsWhenNoModelIsEnglish() throws {
        let yaml = settings.replacingOccurrences(of: "languages: [en, de]", with: "languages: [de]") + "\nintent_model: {embeddings: true}\n"
        let intent = """
            version: 1
            intents:
              - name: greet
                examples:
                  de: [hallo, guten tag]
                replies:
                  de: ["Hallo!"]
            """
        let dir = try makeBot(["bot.yaml": yaml, "greet.yaml": intent])
        let loaded = try BotLoader.load(directory: dir)
        #expect(loaded.bot.intentModel.embeddings)
        #expect(loaded.warnings.map { $0.rendered.replacingOccurrences(of: dir, with: "bot") } == [
            """
            bot/bot.yaml:6:28: warning: the embeddings are English: only an English model uses them, and this bot has none
            intent_model: {embeddings: true}
                                       ^
            """,
        ])
    }

    @Test func reportsBadSettingsWithTheirPlace() throws {
        let yaml = settings + """

            intent_model:
              embeddings: yes please
              epochs: 3
              names_as_examples: 1
            """
        #expect(try problems(["bot.yaml": yaml, "greet.yaml": greetIntent]) == [
            """
            bot/bot.yaml:7:15: error: 'embeddings' must be true or false
              embeddings: yes please
                          ^
            """,
            """
            bot/bot.yaml:8:3: error: unknown key 'epochs' in 'intent_model' (expected 'embeddings', 'names_as_examples')
              epochs: 3
              ^
            """,
            """
            bot/bot.yaml:9:22: error: 'names_as_examples' must be true or false
              names_as_examples: 1
                                 ^
            """,
        ])
    }
}
