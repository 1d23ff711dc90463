import Foundation
import FrontdeskBotFormat
import FrontdeskCore
import FrontdeskKnowledge
import FrontdeskStore
import FrontdeskUnderstanding
import Logging

/// Loads a bot folder and its trained model, from the model cache when the bot's training
/// data did not change.
public enum EngineLoader {
    public struct Result: Sendable {
        public let engine: Engine
        public let warnings: [Diagnostic]
        /// Languages whose model was trained now (the others came from the cache).
        public let trained: [LanguageCode]
        public let cached: [LanguageCode]
        /// What importing the bot's article folder changed (`nil`: the bot has none).
        public let articles: KnowledgeBase.ImportReport?
    }

    public static func load(
        botDirectory: String, store: Store, variations: VariationChooser,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) throws(FrontdeskError) -> Result {
        let loaded = try BotLoader.load(directory: botDirectory)
        let bot = loaded.bot
        var models: [LanguageCode: IntentModel] = [:]
        var trained: [LanguageCode] = []
        var cached: [LanguageCode] = []
        if bot.intentModel.embeddings, bot.languages.contains(.english), let error = EmbeddingTable.loadError {
            logger.warning("the English intent model is trained without embeddings", metadata: ["reason": "\(error.message)"])
        }
        for language in bot.languages {
            let examples = bot.trainingExamples(for: language)
            guard !examples.isEmpty else { continue }
            let languageOptions = trainingOptions(for: language, bot: bot)
            // A bot that sets its own confidence threshold keeps the raw confidences it was set
            // for; otherwise the model is calibrated and chooses the threshold.
            let folds = bot.thresholds.automatic ? calibrationFolds : 0
            let key = cacheKey(language: language, examples: examples, options: languageOptions, calibrationFolds: folds)
            if let data = store.cachedModel(key: key), let model = try? IntentModel(decoding: data) {
                models[language] = model
                cached.append(language)
                continue
            }
            let start = ContinuousClock.now
            let model = IntentModel.trainCalibrated(
                examples: examples, language: language, options: languageOptions, folds: folds,
                outOfScope: examples.contains { $0.intent == .outOfScope } ? .outOfScope : nil)
            logger.info("trained the intent model", metadata: [
                "language": "\(language)", "examples": "\(examples.count)",
                "seconds": "\((ContinuousClock.now - start).seconds)", "embeddings": "\(model.usesEmbeddings)",
            ])
            store.cacheModel(model.encoded(), key: key, at: now())
            models[language] = model
            trained.append(language)
        }
        let model = BotModel(models: models, detector: BotModel.detector(for: bot),
                             entities: EntityExtractor(definitions: bot.entities, languages: bot.languages))
        // The bot's articles are imported when their files changed; articles imported with
        // `frontdesk kb import` are in the same knowledge base.
        var ranking = RankingOptions()
        ranking.maxPassageCharacters = bot.knowledge.maxPassageCharacters
        let knowledge = KnowledgeBase(store: store, options: ranking, defaultLanguage: bot.defaultLanguage, logger: logger)
        let articlesPath = (botDirectory.hasSuffix("/") ? botDirectory : botDirectory + "/") + bot.knowledge.articles
        let articles: KnowledgeBase.ImportReport?
        do {
            articles = try knowledge.importFolderIfChanged(articlesPath, now: now())
        } catch {
            throw FrontdeskError(.invalidBot, "the articles in \(articlesPath) have errors: \(error.message)", diagnostics: error.diagnostics)
        }
        let engine = Engine(bot: bot, model: model, variations: variations, clock: now, knowledge: knowledge)
        return Result(engine: engine, warnings: loaded.warnings, trained: trained, cached: cached, articles: articles)
    }

    /// The options a language's model is trained with, from the bot's `intent_model` settings
    /// (`TrainingOptions.bot`). The options are part of the cache key.
    static func trainingOptions(for language: LanguageCode, bot: Bot) -> TrainingOptions {
        TrainingOptions.bot(language: language, settings: bot.intentModel)
    }

    /// Folds of the cross-validation that calibrates each model.
    static let calibrationFolds = 3

    /// Changes whenever the trained model would: the model encoding, the training options,
    /// the language and every example with its intent.
    static func cacheKey(
        language: LanguageCode, examples: [(text: String, intent: IntentName)], options: TrainingOptions, calibrationFolds: Int
    ) -> String {
        "intent-model/\(language)/"
            + StableHasher.hexDigest(
                ["encoding \(IntentModel.encodingVersion)", options.fingerprint, "calibration \(calibrationFolds)", language.rawValue]
                    + examples.flatMap { [$0.intent.rawValue, $0.text] })
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
