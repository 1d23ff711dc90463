import FrontdeskCore

/// Where a conversation stands between two messages.
public enum DialogueState: Sendable, Equatable {
    /// Nothing pending.
    case idle
    /// The bot asked "did you mean A or B?" and waits for the pick.
    case awaitingChoice(options: [IntentName])
    /// A form is running.
    case form(FormState)
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

    public enum Choice: Sendable, Equatable {
        case intent(IntentName)
        case neither
    }

    public init(ranking: [IntentScore], choice: Choice? = nil, text: String = "", entities: [Entity] = [],
                yesNo: Bool? = nil, isCancel: Bool = false, isQuestion: Bool = false) {
        self.ranking = ranking
        self.choice = choice
        self.text = text
        self.entities = entities
        self.yesNo = yesNo
        self.isCancel = isCancel
        self.isQuestion = isQuestion
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
    /// The customer picked neither option: ask them to rephrase.
    case rephrase
    /// A step of a form: a question, a confirmation, the completion, ...
    case form(FormTurn)
}

/// The pure dialogue transition: given the state and what was understood, the decision and
/// the next state. No I/O, no clock, no randomness.
public enum Dialogue {
    public static func step(_ state: DialogueState, _ reading: Reading, thresholds: Thresholds,
                            forms catalog: FormCatalog = .empty) -> (Decision, DialogueState) {
        if case .form(let formState) = state {
            return stepInForm(formState, reading, thresholds: thresholds, catalog: catalog)
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
        if case .answer(let score) = decision, let form = catalog.form(triggeredBy: score.intent) {
            return start(form, trigger: score, reading, catalog: catalog)
        }
        return (decision, nextState(after: decision))
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
