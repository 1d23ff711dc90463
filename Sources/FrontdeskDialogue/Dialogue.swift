import Foundation
import FrontdeskCore

/// Where a conversation stands between two messages.
public enum DialogueState: Sendable, Equatable {
    /// Nothing pending.
    case idle
    /// The bot asked "did you mean A or B?" and waits for the pick.
    case awaitingChoice(options: [IntentName])
    /// A form is running.
    case form(FormState)
    /// A human has the conversation; the bot stays silent until it is handed back.
    case handedOff
}

/// What understanding made of one customer message.
public struct Reading: Sendable, Equatable {
    /// Intents ranked best first.
    public var ranking: [IntentScore]
    /// The customer's answer to a pending "did you mean", or a tapped quick reply.
    public var choice: Choice?
    /// The message's text (a free-text answer to a form's question).
    public var text: String
    public var entities: [Entity]
    /// `true` for yes, `false` for no, `nil` for neither.
    public var yesNo: Bool?
    /// "stop", "never mind", "abbrechen".
    public var isCancel: Bool
    /// The message asks something ("how long does a refund take?").
    public var isQuestion: Bool
    /// The knowledge base's answer to the message, when it has one good enough (looked up
    /// only when no intent would answer, or only weakly).
    public var knowledge: KnowledgeAnswer?
    /// The article is a better answer than the (weakly understood) best intent.
    public var knowledgeOverridesIntent: Bool

    public enum Choice: Sendable, Equatable {
        case intent(IntentName)
        case neither
    }

    public init(ranking: [IntentScore], choice: Choice? = nil, text: String = "", entities: [Entity] = [],
                yesNo: Bool? = nil, isCancel: Bool = false, isQuestion: Bool = false, knowledge: KnowledgeAnswer? = nil,
                knowledgeOverridesIntent: Bool = false) {
        self.ranking = ranking
        self.choice = choice
        self.text = text
        self.entities = entities
        self.yesNo = yesNo
        self.isCancel = isCancel
        self.isQuestion = isQuestion
        self.knowledge = knowledge
        self.knowledgeOverridesIntent = knowledgeOverridesIntent
    }
}

/// What the bot decided to do with a message.
public enum Decision: Sendable, Equatable {
    /// Answer with this intent's reply.
    case answer(IntentScore)
    /// Ask "did you mean A or B?".
    case clarify(IntentScore, IntentScore)
    /// Nothing confident enough: the fallback reply.
    case fallback
    /// No intent, but a knowledge article answers: its passage, with its source.
    case knowledge(KnowledgeAnswer)
    /// The customer picked neither option: ask them to rephrase.
    case rephrase
    /// A step of a form: a question, a confirmation, the completion, ...
    case form(FormTurn)
    /// A human takes over (within support hours). `answered`: the hand-off intent, whose reply
    /// tells the customer. `reason`: `requested`, `fallbacks`, `form_failed`, `moderation`,
    /// `appeal`, `frustration` or `self_harm`.
    case handoff(reason: String, answered: IntentScore?)
    /// Out of support hours: when people are back, and the callback form's first question.
    case handoffClosed(nextOpen: Date?, reason: String, callback: FormTurn?)
    /// A human has the conversation: no reply.
    case silent
    /// The human gave the conversation back to the bot.
    case handedBack
    /// "Are you a bot?" answered truthfully, whatever the bot's intents say.
    case disclosure
    /// A flagged message was acted on instead of answered: a warning, the end of the
    /// conversation, or a caring reply (self-harm).
    case moderated(ModerationAction)
}

extension Decision {
    /// The intent whose reply the turn gave: a plain answer, the hand-off intent, or the
    /// trigger or digression answered within a form.
    public var answeredIntent: IntentScore? {
        switch self {
        case .answer(let score): return score
        case .handoff(_, let answered): return answered
        case .form(let turn): return turn.answered
        default: return nil
        }
    }
}

/// The pure dialogue transition: given the state and what was understood, the decision and
/// the next state. No I/O, no clock, no randomness.
public enum Dialogue {
    public static func step(_ state: DialogueState, _ reading: Reading, thresholds: Thresholds,
                            forms catalog: FormCatalog = .empty, support: SupportSettings = SupportSettings(),
                            now: Date = Date(timeIntervalSince1970: 0), fallbacks: Int = 0) -> (Decision, DialogueState) {
        func handOff(_ reason: String, answered: IntentScore?, failedForm: String? = nil) -> (Decision, DialogueState) {
            Dialogue.handOff(reason, answered: answered, failedForm: failedForm, forms: catalog, support: support, now: now)
        }
        switch state {
        case .handedOff:
            return (.silent, .handedOff)
        case .form(let formState):
            let (decision, next) = stepInForm(formState, reading, thresholds: thresholds, catalog: catalog)
            if case .form(let turn) = decision, turn.next == .gaveUp, support.handoffIntent != nil || support.hours != nil,
               formState.form != support.callbackForm {
                return handOff("form_failed", answered: nil, failedForm: formState.form)
            }
            if case .form(let turn) = decision, let answered = turn.answered, answered.intent == support.handoffIntent {
                return handOff("requested", answered: answered)
            }
            return (decision, next)
        default:
            break
        }
        var decision: Decision
        switch reading.choice {
        case .intent(let name)?:
            // A picked option or a tapped quick reply: the customer said which intent, so it
            // is answered with full confidence.
            decision = .answer(IntentScore(intent: name, confidence: 1))
        case .neither? where state != .idle:
            return (.rephrase, .idle)
        default:
            decision = decide(reading.ranking, thresholds: thresholds)
        }
        // What no intent answers (or only weakly), an article may.
        if let answer = reading.knowledge {
            if decision == .fallback { return (.knowledge(answer), .idle) }
            switch decision {
            case .answer, .clarify: if reading.knowledgeOverridesIntent { return (.knowledge(answer), .idle) }
            default: break
            }
        }
        if case .answer(let score) = decision, score.intent == support.handoffIntent {
            return handOff("requested", answered: score)
        }
        if decision == .fallback, support.afterFallbacks > 0, fallbacks + 1 >= support.afterFallbacks {
            return handOff("fallbacks", answered: nil)
        }
        if case .answer(let score) = decision, let form = catalog.form(triggeredBy: score.intent) {
            return start(form, trigger: score, reading, catalog: catalog)
        }
        return (decision, nextState(after: decision))
    }

    /// A human takes over: within support hours the conversation is handed off; out of hours
    /// the customer learns when people are back, and the callback form (if any, and if it is
    /// not the form that just failed) starts.
    public static func handOff(_ reason: String, answered: IntentScore?, failedForm: String? = nil, forms catalog: FormCatalog,
                               support: SupportSettings, now: Date) -> (Decision, DialogueState) {
        if let hours = support.hours, !hours.isOpen(at: now) {
            let nextOpen = hours.nextOpening(after: now)
            if let name = support.callbackForm, name != failedForm, let callback = catalog.form(named: name),
               case (.form(let turn), let next) = advance(callback, FormState(form: name), answered: nil) {
                return (.handoffClosed(nextOpen: nextOpen, reason: reason, callback: turn), next)
            }
            return (.handoffClosed(nextOpen: nextOpen, reason: reason, callback: nil), .idle)
        }
        return (.handoff(reason: reason, answered: answered), .handedOff)
    }

    /// Fallback below the confidence threshold; "did you mean" when the two best are closer
    /// than the ambiguity margin, together clear the threshold and stand out from the rest
    /// (the second at least 1.5 times the third: a flat ranking means "not understood");
    /// else the best intent.
    public static func decide(_ ranking: [IntentScore], thresholds: Thresholds) -> Decision {
        guard let best = ranking.first else { return .fallback }
        if ranking.count > 1 {
            let second = ranking[1]
            let third = ranking.count > 2 ? ranking[2].confidence : 0
            let close = best.confidence - second.confidence < thresholds.ambiguity
            if close, best.confidence + second.confidence >= thresholds.confidence,
               second.confidence >= thresholds.confidence / 3, second.confidence >= 1.5 * third
            {
                return .clarify(best, second)
            }
        }
        return best.confidence >= thresholds.confidence ? .answer(best) : .fallback
    }

    static func nextState(after decision: Decision) -> DialogueState {
        if case .clarify(let a, let b) = decision { return .awaitingChoice(options: [a.intent, b.intent]) }
        return .idle
    }
}

/// Stored as `{"kind": "idle"}`, `{"kind": "awaiting_choice", "options": [...]}`,
/// `{"kind": "form", "form": {...}}` or `{"kind": "handed_off"}`.
extension DialogueState: Codable {
    private enum CodingKeys: String, CodingKey { case kind, options, form }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .idle: try container.encode("idle", forKey: .kind)
        case .awaitingChoice(let options):
            try container.encode("awaiting_choice", forKey: .kind)
            try container.encode(options, forKey: .options)
        case .form(let state):
            try container.encode("form", forKey: .kind)
            try container.encode(state, forKey: .form)
        case .handedOff: try container.encode("handed_off", forKey: .kind)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "idle": self = .idle
        case "awaiting_choice": self = .awaitingChoice(options: try container.decode([IntentName].self, forKey: .options))
        case "form": self = .form(try container.decode(FormState.self, forKey: .form))
        case "handed_off": self = .handedOff
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown dialogue state '\(other)'")
        }
    }
}
