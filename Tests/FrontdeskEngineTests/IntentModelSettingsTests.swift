import Foundation
import FrontdeskCore
import FrontdeskUnderstanding
import Testing

@testable import FrontdeskEngine

/// `intent_model: {embeddings: true}` reaches the training options of the English model only.
@Suite struct IntentModelSettingsLoaderTests {
    @Test func embeddingsOnlyForTheEnglishModel() throws {
        let dir = try writeTestBot()
        let yaml = try String(contentsOfFile: "\(dir)/bot.yaml", encoding: .utf8)
        try (yaml + "\nintent_model: {embeddings: true}\n").write(toFile: "\(dir)/bot.yaml", atomically: true, encoding: .utf8)
        let loaded = try loadEngine(dir)
        let bot = loaded.engine.bot
        #expect(bot.intentModel.embeddings)
        #expect(loaded.warnings.isEmpty)

        let base = TrainingOptions()
        let english = EngineLoader.trainingOptions(for: .english, bot: bot)
        #expect(english.embeddingWeight == 1.41)
        #expect(english.l2 == 1e-5)
        #expect(english.fingerprint != base.fingerprint)  // a different cache key
        #expect(EngineLoader.trainingOptions(for: .german, bot: bot) == base)
        var off = bot
        off.intentModel.embeddings = false
        #expect(EngineLoader.trainingOptions(for: .english, bot: off) == base)

        // Without the table (a damaged installation) the English model is trained without it.
        let hasTable = EmbeddingTable.shared != nil
        #expect(loaded.engine.model.models[.english]?.usesEmbeddings == hasTable)
        #expect(loaded.engine.model.models[.german]?.usesEmbeddings == false)
        // The English model still answers.
        #expect(loaded.engine.model.models[.english]?.classify("can I get a refund please").first?.intent == "refund")
    }

    @Test func offByDefault() throws {
        let loaded = try loadEngine(try writeTestBot())
        #expect(!loaded.engine.bot.intentModel.embeddings)
        #expect(loaded.engine.model.models[.english]?.usesEmbeddings == false)
    }
}
