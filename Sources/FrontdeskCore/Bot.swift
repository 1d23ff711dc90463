import Foundation

/// A bot as loaded from its folder: settings and intents. Immutable.
public struct Bot: Sendable {
    public var name: String
    /// Declared languages; the first is the default.
    public var languages: [LanguageCode]
    public var thresholds: Thresholds
    /// Trainer constants usable as `{placeholders}` in replies.
    public var variables: [String: String]
    public var builtinReplies: BuiltinReplies
    public var intents: [Intent]
    /// Entities the bot declares (the built-in ones are always there).
    public var entities: [EntityDefinition]
    /// The bot's time zone: dates such as "tomorrow" are resolved in it.
    public var timeZone: TimeZone
    public var slots: [SlotDefinition]
    public var forms: [FormDefinition]
    public var support: SupportSettings
    /// The knowledge base: where the articles are and when an answer is good enough.
    public var knowledge: KnowledgeSettings = KnowledgeSettings()
    /// What the bot does about abusive messages and spam.
    public var moderation: ModerationSettings = ModerationSettings()
    /// When the bot offers a human to a frustrated customer.
    public var frustration: FrustrationSettings = FrustrationSettings()
    /// Masking of personal data and how long conversations are kept.
    public var privacy: PrivacySettings = PrivacySettings()
    /// How the intent models are trained.
    public var intentModel: IntentModelSettings = IntentModelSettings()

    public init(
        name: String, languages: [LanguageCode], thresholds: Thresholds = Thresholds(),
        variables: [String: String] = [:], builtinReplies: BuiltinReplies, intents: [Intent],
        entities: [EntityDefinition] = [], timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        slots: [SlotDefinition] = [], forms: [FormDefinition] = [], support: SupportSettings = SupportSettings()
    ) {
        self.name = name
        self.languages = languages
        self.thresholds = thresholds
        self.variables = variables
        self.builtinReplies = builtinReplies
        self.intents = intents
        self.entities = entities
        self.timeZone = timeZone
        self.slots = slots
        self.forms = forms
        self.support = support
    }

    public var defaultLanguage: LanguageCode { languages.first ?? .english }

    public func intent(named name: IntentName) -> Intent? {
        intents.first { $0.name == name }
    }

    /// Training examples of one language, in file order.
    public func trainingExamples(for language: LanguageCode) -> [(text: String, intent: IntentName)] {
        intents.flatMap { intent in
            (intent.examples[language] ?? []).map { (text: $0.text, intent: intent.name) }
        }
    }

    public static let builtinPlaceholders: Set<String> = ["bot_name", "user_name"]
    /// Built-in placeholders that may have no value in a conversation; replies must give a
    /// default for them (`{user_name|there}`).
    public static let optionalPlaceholders: Set<String> = ["user_name"]
}

public struct Thresholds: Sendable, Hashable {
    /// Below this confidence the bot gives its fallback reply.
    public var confidence: Double
    /// When the two best intents are closer than this, the bot asks "did you mean A or B?".
    public var ambiguity: Double
    /// The confidence threshold is the one chosen by cross-validating the bot's examples
    /// (per language), and `confidence` only applies when a model could not be calibrated.
    public var automatic: Bool
    public init(confidence: Double = 0.45, ambiguity: Double = 0.12, automatic: Bool = false) {
        self.confidence = confidence
        self.ambiguity = ambiguity
        self.automatic = automatic
    }

    /// These thresholds with `calibrated` as the confidence threshold when it is automatic.
    public func resolved(calibrated: Double?) -> Thresholds {
        guard automatic, let calibrated else { return self }
        var copy = self
        copy.confidence = calibrated
        return copy
    }
}

/// Reply variations per language; one is chosen per turn.
public typealias Variations = [LanguageCode: [ReplyTemplate]]

/// The replies the engine itself gives.
public struct BuiltinReplies: Sendable {
    /// First message of every conversation: says the customer talks to an automated assistant.
    public var disclosure: Variations
    /// When no intent is confident enough.
    public var fallback: Variations
    /// "Did you mean {option_1} or {option_2}?"
    public var didYouMean: Variations
    /// When the customer picked neither option.
    public var rephrase: Variations
    /// Before a question asked again after an invalid answer (when the form has no `reprompt`).
    public var formInvalid: Variations = [:]
    /// "Do you want to stop?" while a form runs.
    public var formCancelConfirm: Variations = [:]
    /// The form was stopped.
    public var formCancelled: Variations = [:]
    /// Too many invalid answers: offer a human.
    public var formGaveUp: Variations = [:]
    /// The customer did not confirm: the questions start again.
    public var formRestart: Variations = [:]
    /// A human takes over (within support hours), when no hand-off intent reply is given.
    public var handoff: Variations = [:]
    /// Out of support hours: when people are back (`{next_open}`); the callback form follows.
    public var handoffClosed: Variations = [:]
    /// The bot has the conversation again after a human handed it back.
    public var handedBack: Variations = [:]
    /// A knowledge answer: `{answer}` (the passage) and `{source}` (title and link), or
    /// `{title}` and `{url}`.
    public var knowledgeAnswer: Variations = [:]
    /// The truthful answer to "are you a bot?".
    public var botQuestion: Variations = [:]
    /// A calm reply to a rude message; the conversation goes on.
    public var moderationCalm: Variations = [:]
    /// A warning after an abusive message.
    public var moderationWarn: Variations = [:]
    /// The bot ends the conversation (serious or repeated abuse).
    public var moderationEnd: Variations = [:]
    /// A human takes over because of what was written (a threat).
    public var moderationEscalate: Variations = [:]
    /// A caring reply with help resources, to a customer who mentions self-harm.
    public var selfHarm: Variations = [:]
    /// The customer says they were misunderstood: a human will look at it.
    public var appeal: Variations = [:]
    /// The customer seems frustrated: the bot offers a human.
    public var frustrationOffer: Variations = [:]

    public init(disclosure: Variations, fallback: Variations, didYouMean: Variations, rephrase: Variations) {
        self.disclosure = disclosure
        self.fallback = fallback
        self.didYouMean = didYouMean
        self.rephrase = rephrase
    }
}

/// A context an intent opens: follow-up intents that require it are understood for a few turns
/// and minutes.
public struct ContextSpec: Sendable, Hashable {
    public let name: String
    public let turns: Int
    public let minutes: Double
    public init(name: String, turns: Int = 2, minutes: Double = 10) {
        self.name = name
        self.turns = turns
        self.minutes = minutes
    }
}

public struct Intent: Sendable {
    public struct Example: Sendable, Hashable {
        /// The example without annotation brackets.
        public let text: String
        public let location: SourceLocation?
        /// Entities marked in the example (`[12345](order_number)`).
        public let annotations: [Annotation]
        public init(_ text: String, location: SourceLocation? = nil, annotations: [Annotation] = []) {
            self.text = text
            self.location = location
            self.annotations = annotations
        }
    }

    public let name: IntentName
    /// Short labels per language, shown as quick replies in "did you mean".
    public var titles: [LanguageCode: String]
    /// The context this intent's answer opens, for follow-up intents.
    public var setsContext: ContextSpec?
    /// Only understood while this context is open (a follow-up: "yes", "no", "the second one").
    public var requiresContext: String?
    public var examples: [LanguageCode: [Example]]
    public var replies: Variations
    /// Answered from the knowledge base (the message is searched within this scope); the
    /// replies, if any, are given when no article is good enough.
    public var knowledge: KnowledgeScope?
    public let location: SourceLocation?

    public init(
        name: IntentName, titles: [LanguageCode: String] = [:], examples: [LanguageCode: [Example]],
        replies: Variations, location: SourceLocation? = nil
    ) {
        self.name = name
        self.titles = titles
        self.examples = examples
        self.replies = replies
        self.location = location
    }

    /// The title in `language`, else in any language, else the name made readable.
    public func title(in language: LanguageCode, fallback: LanguageCode) -> String {
        titles[language] ?? titles[fallback]
            ?? name.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}

extension BuiltinReplies {
    /// Every built-in reply by the name it has under `replies:` in bot.yaml and in
    /// transcripts' `bot one of:` lines.
    public static let names = [
        "disclosure", "fallback", "did_you_mean", "rephrase", "form_invalid", "form_cancel_confirm",
        "form_cancelled", "form_gave_up", "form_restart", "handoff", "handoff_closed", "handed_back", "knowledge_answer",
        "bot_question", "moderation_calm", "moderation_warn", "moderation_end", "moderation_escalate", "self_harm", "appeal",
        "frustration_offer",
    ]

    /// The built-in reply called `name`; `nil` for a name that is not one.
    public subscript(name: String) -> Variations? {
        get {
            switch name {
            case "disclosure": return disclosure
            case "fallback": return fallback
            case "did_you_mean": return didYouMean
            case "rephrase": return rephrase
            case "form_invalid": return formInvalid
            case "form_cancel_confirm": return formCancelConfirm
            case "form_cancelled": return formCancelled
            case "form_gave_up": return formGaveUp
            case "form_restart": return formRestart
            case "handoff": return handoff
            case "handoff_closed": return handoffClosed
            case "handed_back": return handedBack
            case "knowledge_answer": return knowledgeAnswer
            case "bot_question": return botQuestion
            case "moderation_calm": return moderationCalm
            case "moderation_warn": return moderationWarn
            case "moderation_end": return moderationEnd
            case "moderation_escalate": return moderationEscalate
            case "self_harm": return selfHarm
            case "appeal": return appeal
            case "frustration_offer": return frustrationOffer
            default: return nil
            }
        }
        set {
            let value = newValue ?? [:]
            switch name {
            case "disclosure": disclosure = value
            case "fallback": fallback = value
            case "did_you_mean": didYouMean = value
            case "rephrase": rephrase = value
            case "form_invalid": formInvalid = value
            case "form_cancel_confirm": formCancelConfirm = value
            case "form_cancelled": formCancelled = value
            case "form_gave_up": formGaveUp = value
            case "form_restart": formRestart = value
            case "handoff": handoff = value
            case "handoff_closed": handoffClosed = value
            case "handed_back": handedBack = value
            case "knowledge_answer": knowledgeAnswer = value
            case "bot_question": botQuestion = value
            case "moderation_calm": moderationCalm = value
            case "moderation_warn": moderationWarn = value
            case "moderation_end": moderationEnd = value
            case "moderation_escalate": moderationEscalate = value
            case "self_harm": selfHarm = value
            case "appeal": appeal = value
            case "frustration_offer": frustrationOffer = value
            default: break
            }
        }
    }
}

extension String {
    /// Whether this is a name as bot files write them: ASCII letters, digits and `_`, plus any
    /// of `extra` (intent names also allow `-` and `.`).
    public func isIdentifier(allowing extra: Set<Unicode.Scalar> = []) -> Bool {
        !isEmpty && unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || extra.contains($0)) }
    }
}

/// How the bot's intent models are trained (`intent_model:`).
public struct IntentModelSettings: Sendable, Equatable {
    /// The English model adds static word embeddings (English only) to its features: better at
    /// paraphrases, a little slower to train. Off by default: on a small bot without
    /// out-of-scope examples they make it surer of itself on questions it was not made for.
    /// `frontdesk import` turns them on for English data of at least
    /// `IntentModelSettings.embeddingsRecommendedExamples` examples. Models of other languages
    /// are trained without them.
    public var embeddings: Bool
    /// From this many English examples on, `frontdesk import` and `frontdesk eval` of a data
    /// file use the embeddings (measured in docs/benchmarks.md).
    public static let embeddingsRecommendedExamples = 500
    /// Each intent's name, read as words ("card_arrival": "card arrival"), is one more training
    /// example of it (not `out_of_scope`'s). Off by default: a hand-made bot's names are
    /// labels more than phrases (and English in a bot of other languages); `frontdesk import`
    /// turns it on, for datasets whose names say what the intent means.
    public var namesAsExamples: Bool
    public init(embeddings: Bool = false, namesAsExamples: Bool = false) {
        self.embeddings = embeddings
        self.namesAsExamples = namesAsExamples
    }

    /// The settings `frontdesk import` writes for `examples` examples of `language` (and
    /// `frontdesk eval` of a data file trains with): the embeddings for English data of at least
    /// `embeddingsRecommendedExamples` examples (docs/benchmarks.md), the names as examples always
    /// (datasets name their intents after what they mean).
    public static func imported(language: LanguageCode, examples: Int) -> IntentModelSettings {
        IntentModelSettings(embeddings: language == .english && examples >= embeddingsRecommendedExamples, namesAsExamples: true)
    }
}
