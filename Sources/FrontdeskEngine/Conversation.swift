import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskSafety

/// One conversation with one customer.
public struct Conversation: Sendable, Equatable, Codable {
    public let id: String
    /// The language replies are given in.
    public var language: LanguageCode
    /// Whether the caller fixed the language (then it is not detected from messages).
    public var languageIsFixed: Bool
    /// The number of messages the customer has sent so far.
    public var turn: Int
    public var state: DialogueState
    /// The customer's name when the channel knows it; fills `{user_name}`.
    public var userName: String?
    /// When the customer last wrote (the message's timestamp).
    public var lastMessageAt: Date?
    /// Open contexts: follow-up intents that require one are understood while it lasts.
    public var contexts: [OpenContext] = []
    /// Fallbacks in a row (reset by any other answer).
    public var consecutiveFallbacks = 0
    /// The intents answered so far (the last 20), for a hand-off summary.
    public var intents: [IntentName] = []
    /// How many answered intents are kept: a long conversation's state stays small.
    static let intentLimit = 20
    /// The customer's last few messages, for a hand-off summary.
    public var recentMessages: [String] = []
    static let recentLimit = 5
    /// Moderation, spam and frustration so far; `nil` until something is noted (and in states
    /// stored before it existed).
    public var trust: TrustState?

    private enum CodingKeys: String, CodingKey {
        case id, language, languageIsFixed = "language_is_fixed", turn, state, userName = "user_name"
        case lastMessageAt = "last_message_at", contexts, consecutiveFallbacks = "consecutive_fallbacks", intents
        case recentMessages = "recent_messages", trust
    }

    public init(id: String, language: LanguageCode, languageIsFixed: Bool = false, userName: String? = nil) {
        self.id = id
        self.language = language
        self.languageIsFixed = languageIsFixed
        self.turn = 0
        self.state = .idle
        self.userName = userName
    }
}

/// What a conversation remembers for trust and safety. No customer text: digests only.
public struct TrustState: Sendable, Equatable, Codable {
    /// Warnings given so far.
    public var warnings = 0
    /// Borderline flags so far: the first alone leads to nothing.
    public var borderline = 0
    /// Whether a moderation action was taken (then "you misunderstood me" reaches a human).
    public var moderated = false
    /// The bot ended the conversation: it stays silent until it times out or is reset.
    public var ended = false
    /// A human was offered and the answer is awaited ("yes" hands over for this reason:
    /// `frustration` or `self_harm`).
    public var humanOffer: String?
    public var spam = SpamHistory()
    public var frustration = Frustration.State()

    private enum CodingKeys: String, CodingKey {
        case warnings, borderline, moderated, ended, humanOffer = "human_offer", spam, frustration
    }

    public init() {}
}

/// A context opened by an intent's answer, with what is left of its lifespan.
public struct OpenContext: Sendable, Equatable, Codable {
    public let name: String
    private enum CodingKeys: String, CodingKey { case name, turnsLeft = "turns_left", expires }
    /// Customer messages it still lasts.
    public var turnsLeft: Int
    /// It closes at this time at the latest.
    public let expires: Date

    public init(name: String, turnsLeft: Int, expires: Date) {
        self.name = name
        self.turnsLeft = turnsLeft
        self.expires = expires
    }
}

/// What the customer sent.
public struct UserMessage: Sendable, Equatable {
    public var text: String
    /// The payload of a quick reply the customer tapped, if any (`intent:NAME`).
    public var payload: String?
    /// The language, when the channel knows it; otherwise it is detected.
    public var language: LanguageCode?
    /// When the customer sent it (from the channel, or the injected clock).
    public var timestamp: Date?

    public init(text: String, payload: String? = nil, language: LanguageCode? = nil, timestamp: Date? = nil) {
        self.text = text
        self.payload = payload
        self.language = language
        self.timestamp = timestamp
    }
}

/// A button offered with a message; tapping it sends `payload` (typing `title` works too).
public struct QuickReply: Sendable, Equatable, Codable {
    public let title: String
    public let payload: String
    public init(title: String, payload: String) {
        self.title = title
        self.payload = payload
    }
}

/// One message of the bot.
public struct BotMessage: Sendable, Equatable {
    public let text: String
    public let quickReplies: [QuickReply]
    public init(text: String, quickReplies: [QuickReply] = []) {
        self.text = text
        self.quickReplies = quickReplies
    }
}

/// The bot's answer to one message, with what led to it.
public struct Turn: Sendable, Equatable {
    public let messages: [BotMessage]
    public let decision: Decision
    /// All intents, best first.
    public let ranking: [IntentScore]
    /// The entities found in the message.
    public let entities: [Entity]
    /// The slot values of the running (or just completed) form after this turn.
    public let slots: [SlotName: SlotValue]
    /// What the integrator can act on: a completed form's event with its values.
    public let events: [DialogueEvent]
    /// The language of the reply.
    public let language: LanguageCode
    /// The detected language of the message, if detection ran.
    public let detectedLanguage: LanguageCode?
    /// The knowledge answer the reply quotes, if any.
    public let knowledge: KnowledgeAnswer?
    /// The articles the knowledge base considered, best first (empty when it was not asked).
    public let knowledgeCandidates: [KnowledgeHit]
    /// What moderation made of the message; `nil` when nothing was flagged.
    public var moderation: ModerationVerdict?
    /// The message's sentiment, -1 (very negative) to 1 (very positive).
    public var sentiment: Double = 0
    /// The conversation's frustration after the message, 0 to 1.
    public var frustration: Double = 0
    /// Whether this turn offered the customer a human because they seemed frustrated.
    public var offeredHuman = false
    /// The message as it may be stored and logged: personal data masked (when the bot masks).
    public var storedText: String = ""
    /// The kinds of personal data found in the message.
    public var personalData: [PersonalDataKind] = []

    public init(messages: [BotMessage], decision: Decision, ranking: [IntentScore] = [], entities: [Entity] = [],
                slots: [SlotName: SlotValue] = [:], events: [DialogueEvent] = [], language: LanguageCode, detectedLanguage: LanguageCode? = nil,
                knowledge: KnowledgeAnswer? = nil, knowledgeCandidates: [KnowledgeHit] = []) {
        self.knowledge = knowledge
        self.knowledgeCandidates = knowledgeCandidates
        self.messages = messages
        self.decision = decision
        self.ranking = ranking
        self.entities = entities
        self.slots = slots
        self.events = events
        self.language = language
        self.detectedLanguage = detectedLanguage
    }
}

/// Chooses one of a reply's variations. Injected so that tests and transcripts are
/// deterministic: `.seeded` depends only on the seed, the turn and the message's position in
/// the turn, never on earlier calls, so replaying a conversation with the same seed gives
/// the same replies.
public struct VariationChooser: Sendable {
    private let pick: @Sendable (_ count: Int, _ turn: Int, _ slot: Int) -> Int
    /// The seed, for a seeded chooser.
    public let seed: UInt64?

    public init(seed: UInt64? = nil, _ pick: @escaping @Sendable (_ count: Int, _ turn: Int, _ slot: Int) -> Int) {
        self.seed = seed
        self.pick = pick
    }

    public func choose(among count: Int, turn: Int, slot: Int) -> Int {
        guard count > 1 else { return 0 }
        return min(max(0, pick(count, turn, slot)), count - 1)
    }

    public static func seeded(_ seed: UInt64) -> VariationChooser {
        VariationChooser(seed: seed) { count, turn, slot in
            var hasher = StableHasher(seed: StableHasher.offsetBasis ^ seed)
            hasher.combine(turn)
            hasher.combine(slot)
            return Int(hasher.value % UInt64(count))
        }
    }

    /// Always the first variation.
    public static let first = VariationChooser { _, _, _ in 0 }
}
