import FrontdeskCore

/// Everything the engine needs to understand messages for one bot: a trained intent model
/// per language and a language detector. Immutable.
public struct BotModel: Sendable {
    public let models: [LanguageCode: IntentModel]
    public let detector: LanguageDetector
    public let entities: EntityExtractor

    public init(models: [LanguageCode: IntentModel], detector: LanguageDetector, entities: EntityExtractor) {
        self.models = models
        self.detector = detector
        self.entities = entities
    }

    /// A language detector trained on the bot's own examples.
    public static func detector(for bot: Bot) -> LanguageDetector {
        LanguageDetector(samples: Dictionary(uniqueKeysWithValues: bot.languages.map { language in
            (language, bot.trainingExamples(for: language).map(\.text))
        }))
    }
}
