import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskUnderstanding
import FrontdeskSafety

/// The façade that answers one message: language, understanding, the dialogue step and
/// reply rendering. A value; it does no I/O.
public struct Engine: Sendable {
    public let bot: Bot
    public let model: BotModel
    /// How reply variations are chosen; replace it to replay a conversation with a seed.
    public var variations: VariationChooser
    /// The time when a message carries no timestamp (dates such as "tomorrow" are resolved
    /// against the message's time).
    public let clock: @Sendable () -> Date

    /// The bot's forms and slots, prepared for the dialogue.
    public let forms: FormCatalog
    /// The intents by name, looked up on every message.
    let intents: [IntentName: Intent]
    /// The knowledge base; `nil`: the bot answers from its intents only.
    public let knowledge: (any KnowledgeSearching)?
    /// Link domains that are never spam: the bot's own and those it allows.
    let allowedDomains: Set<String>

    public init(bot: Bot, model: BotModel, variations: VariationChooser, clock: @escaping @Sendable () -> Date = { Date() },
                knowledge: (any KnowledgeSearching)? = nil) {
        self.knowledge = knowledge
        self.bot = bot
        self.model = model
        self.variations = variations
        self.clock = clock
        self.forms = FormCatalog(forms: bot.forms, slots: bot.slots)
        self.intents = Dictionary(bot.intents.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.allowedDomains = TrustPolicy.ownDomains(of: bot)
    }

    /// A new conversation; `language` fixes its language, otherwise it starts in the bot's
    /// default language and follows the customer's.
    public func startConversation(id: String, language: LanguageCode? = nil, userName: String? = nil) -> Conversation {
        let fixed = language.flatMap { bot.languages.contains($0) ? $0 : nil }
        return Conversation(id: id, language: fixed ?? bot.defaultLanguage, languageIsFixed: fixed != nil, userName: userName)
    }

    public static let payloadPrefix = "intent:"
    /// Only the beginning of a longer message is analysed: customers' messages are short, and
    /// a pasted log file must not stall the bot.
    public static let analysedLength = 2000

    public func respond(to message: UserMessage, in conversation: inout Conversation) -> Turn {
        // A quick reply that is not an intent (a form's "yes"/"no") is read as its text when the
        // channel sends only the payload.
        var typed = message.text
        if typed.allSatisfy(\.isWhitespace), let payload = message.payload, !payload.hasPrefix(Self.payloadPrefix) { typed = payload }
        let text = String(typed.prefix(Self.analysedLength))
        let now = message.timestamp ?? clock()
        // After a long silence the conversation starts anew (a hand-off stays until handed back).
        let timeout = bot.support.conversationTimeout
        if timeout > 0, let last = conversation.lastMessageAt, now.timeIntervalSince(last) > timeout, conversation.state != .handedOff {
            conversation = startConversation(id: conversation.id, language: conversation.languageIsFixed ? conversation.language : nil,
                                             userName: conversation.userName)
        }
        conversation.lastMessageAt = now
        // Personal data is masked before the message is kept anywhere (the state's recent
        // messages, the stored log); understanding sees the message as written.
        let masked = bot.privacy.maskPersonalData ? PersonalData.mask(text) : (text: text, found: [])
        conversation.recentMessages = Array((conversation.recentMessages + [masked.text]).suffix(Conversation.recentLimit))
        // Trust: the message's sentiment, and moderation (with the conversation's spam history).
        var trust = conversation.trust ?? TrustState()
        let wasEnded = trust.ended
        let wasModerated = trust.moderated
        let sentiment = SentimentAnalyzer.builtin.score(text)
        var verdict: ModerationVerdict?
        if bot.moderation.enabled {
            var hits = Moderator.builtin.assess(text, allowedDomains: allowedDomains)
            if let flood = Moderator.floodCheck(text: text, at: now, history: &trust.spam) {
                if let index = hits.firstIndex(where: { $0.category == .spam }) {
                    if hits[index].severity < flood.severity { hits[index] = flood }
                } else {
                    hits.append(flood)
                }
            }
            verdict = TrustPolicy.verdict(hits: hits, settings: bot.moderation, trust: &trust, humanHasIt: conversation.state == .handedOff)
        }
        // 1. Language.
        var detected: LanguageCode?
        if let language = message.language, bot.languages.contains(language) {
            conversation.language = language
        } else if !conversation.languageIsFixed, let guess = model.detector.detect(text) {
            detected = guess.language
            // A one-word message ("ok", "vpn") sets the language of a new conversation but
            // does not switch that of a running one.
            // An answer to a form's question (a name, an address) needs three words to do so.
            let needed = if case .form = conversation.state { 3 } else { 2 }
            if guess.isConfident, guess.words >= needed || conversation.turn == 0 { conversation.language = guess.language }
        }
        let language = conversation.language

        // 2. Understanding. Follow-up intents count only while their context is open.
        conversation.contexts.removeAll { $0.turnsLeft <= 0 || $0.expires < now }
        let open = Set(conversation.contexts.map(\.name))
        let intentModel = model.models[language] ?? model.models[bot.defaultLanguage] ?? model.models.values.first
        var ranking = restrict(intentModel?.classify(text) ?? [], to: open)
        // Out of scope: when it wins nothing is understood; otherwise it is no candidate.
        if ranking.first?.intent == .outOfScope {
            ranking = []
        } else {
            ranking.removeAll { $0.intent == .outOfScope }
        }
        let thresholds = bot.thresholds.resolved(calibrated: intentModel?.calibration.threshold)
        var choice: Reading.Choice?
        if let payload = message.payload, payload.hasPrefix(Self.payloadPrefix) {
            let name = IntentName(String(payload.dropFirst(Self.payloadPrefix.count)))
            if intents[name] != nil {
                choice = .intent(name)
                ranking = [IntentScore(intent: name, confidence: 1)] + ranking.filter { $0.intent != name }
            }
        }
        if choice == nil, case .awaitingChoice(let options) = conversation.state, let intentModel {
            let titles = options.map { title(of: $0, in: language) }
            switch ChoiceResolver.resolve(text, titles: titles, analyzer: intentModel.analyzer) {
            case .option(let i): choice = .intent(options[i])
            case .neither: choice = .neither
            case nil: break
            }
        }

        let entities = model.entities.extract(text, language: language, now: now, timeZone: bot.timeZone)

        // 3. Knowledge: a message no intent would answer, or only weakly, is looked up in the
        // articles. A weak intent gives way to a strong article, unless it starts a form, hands
        // over or is answered from articles itself.
        var candidates: [KnowledgeHit] = []
        var unmatchedAnswer: KnowledgeAnswer?
        var overrides = false
        let answersFreely = conversation.state == .idle || { if case .awaitingChoice = conversation.state { true } else { false } }()
        if let knowledge, bot.knowledge.answerUnmatched, answersFreely, choice == nil {
            var weakIntent = false
            let provisional = Dialogue.decide(ranking, thresholds: thresholds)
            switch provisional {
            case .answer(let score):
                weakIntent = score.confidence < bot.knowledge.preferBelow && score.intent != bot.support.handoffIntent
                    && forms.form(triggeredBy: score.intent) == nil && intents[score.intent]?.knowledge == nil
            case .clarify(let best, _):
                // "Did you mean A or B?" between two weak intents: a strong article is the better answer.
                weakIntent = best.confidence < bot.knowledge.preferBelow
            default:
                break
            }
            if provisional == .fallback || weakIntent {
                let result = knowledge.search(text, language: language, scope: .all, limit: Self.knowledgeCandidates)
                candidates = result.candidates
                if let best = result.best, best.hit.score >= bot.knowledge.threshold {
                    unmatchedAnswer = best
                    overrides = weakIntent && best.hit.score >= bot.knowledge.preferScore
                }
            }
        }

        // 4. Dialogue.
        let answers = Answers.read(text)
        let reading = Reading(ranking: ranking, choice: choice, text: text, entities: entities,
                              yesNo: answers.yesNo, isCancel: answers.isCancel, isQuestion: answers.isQuestion, knowledge: unmatchedAnswer,
                              knowledgeOverridesIntent: overrides)
        let stateBefore = conversation.state
        var decision: Decision
        var next: DialogueState
        // A human offered last turn (to a frustrated customer, or with a caring reply): "yes" hands over.
        let offered = trust.humanOffer
        trust.humanOffer = nil
        let handedOff = conversation.state == .handedOff
        if !handedOff, wasEnded || wasModerated, Appeal.isAppeal(text) {
            // "You misunderstood me": a human looks at it, also in an ended conversation.
            trust.ended = false
            (decision, next) = Dialogue.handOff("appeal", answered: nil, forms: forms, support: bot.support, now: now)
        } else if !handedOff, wasEnded {
            (decision, next) = (.silent, .idle)
        } else if !handedOff, let action = verdict?.action, [.care, .end, .escalate, .warn].contains(action) {
            switch action {
            case .warn:
                (decision, next) = (.moderated(.warn), conversation.state)
            case .escalate:
                (decision, next) = Dialogue.handOff("moderation", answered: nil, forms: forms, support: bot.support, now: now)
            case .end:
                (decision, next) = (.moderated(.end), .idle)
            default:
                (decision, next) = (.moderated(.care), conversation.state)
                trust.humanOffer = "self_harm"
            }
        } else if !handedOff, let reason = offered, answers.yesNo == true {
            (decision, next) = Dialogue.handOff(reason, answered: nil, forms: forms, support: bot.support, now: now)
        } else if !handedOff, offered != nil, answers.yesNo == false, case .idle = conversation.state {
            (decision, next) = (.rephrase, .idle)
        } else if !handedOff, choice == nil, BotQuestion.isAsking(text) {
            (decision, next) = (.disclosure, conversation.state)
        } else {
            (decision, next) = Dialogue.step(conversation.state, reading, thresholds: thresholds, forms: forms, support: bot.support,
                                             now: now, fallbacks: conversation.consecutiveFallbacks)
        }
        // A rude message with nothing else in it gets the calm word only.
        if let action = verdict?.action, action == .calm, decision == .fallback {
            decision = .moderated(action)
            next = .idle
        }
        // An intent answered from articles: the articles in its scope are searched for what was
        // asked (after a picked option or a tapped button, the message before it). With no
        // article good enough and no replies of its own, the message was not answered after all.
        var intentArticles: (intent: IntentName, result: KnowledgeResult)?
        if case .answer(let score) = decision, let intent = intents[score.intent], let scope = intent.knowledge, let knowledge {
            let asked = choice != nil && conversation.recentMessages.count > 1
                ? conversation.recentMessages[conversation.recentMessages.count - 2] : text
            let result = knowledge.search(asked, language: language, scope: scope, limit: Self.knowledgeCandidates)
            intentArticles = (score.intent, result)
            if (result.best?.hit.score ?? 0) < bot.knowledge.threshold, intent.replies.values.allSatisfy(\.isEmpty) {
                decision = .fallback
                candidates = result.candidates
            }
        }
        conversation.state = next
        conversation.consecutiveFallbacks = decision == .fallback ? conversation.consecutiveFallbacks + 1 : 0
        if let answered = decision.answeredIntent {
            conversation.intents = Array((conversation.intents + [answered.intent]).suffix(Conversation.intentLimit))
        }
        // Contexts age by one message; an answered intent may open one.
        for index in conversation.contexts.indices { conversation.contexts[index].turnsLeft -= 1 }
        if let spec = decision.answeredIntent.flatMap({ intents[$0.intent]?.setsContext }) {
            conversation.contexts.removeAll { $0.name == spec.name }
            conversation.contexts.append(OpenContext(name: spec.name, turnsLeft: spec.turns, expires: now.addingTimeInterval(spec.minutes * 60)))
        }

        // Frustration: this message's signals raise or lower the conversation's level; when it
        // crosses the bot's threshold a human is offered, once per conversation.
        let signals = Frustration.signals(text: text, sentiment: sentiment, fallback: decision == .fallback, state: trust.frustration)
        trust.frustration = Frustration.update(trust.frustration, with: signals, text: text)
        var offerHuman = false
        let offerAt = bot.frustration.offerHumanAt
        if offerAt > 0, trust.frustration.level >= offerAt, !trust.frustration.offeredHuman, next != .handedOff, {
            switch decision {
            case .answer, .clarify, .fallback, .knowledge, .rephrase, .form, .disclosure: return true
            default: return false
            }
        }() {
            offerHuman = true
            trust.frustration.offeredHuman = true
            trust.humanOffer = "frustration"
        }

        // 5. Replies.
        var slotValues: [SlotName: SlotValue] = [:]
        var events: [DialogueEvent] = []
        if case .form(let formTurn) = decision { slotValues = formTurn.values }
        var messages: [BotMessage] = []
        var slot = 0
        func render(_ variations: Variations, extra: [String: String] = [:], quickReplies: [QuickReply] = []) {
            // The conversation's language, else the default language, else any that has some.
            let candidates = [language, bot.defaultLanguage] + bot.languages
            guard let templates = candidates.lazy.compactMap({ variations[$0] }).first(where: { !$0.isEmpty }) else { return }
            let index = self.variations.choose(among: templates.count, turn: conversation.turn, slot: slot)
            slot += 1
            let userName = conversation.userName
            let text = templates[index].render { name in
                extra[name] ?? (name == "bot_name" ? bot.name : name == "user_name" ? userName : bot.variables[name])
                    ?? slotValues[SlotName(name)]?.formatted(in: bot.timeZone, language: language)
            }.trimmingWhitespace
            messages.append(BotMessage(text: text, quickReplies: quickReplies))
        }
        if conversation.turn == 0 {
            render(bot.builtinReplies.disclosure)
        }
        let yesNo = language == .german ? ["Ja", "Nein"] : ["Yes", "No"]
        let yesNoReplies = yesNo.map { QuickReply(title: $0, payload: $0.lowercased()) }
        // A rude message that is still answered: a calm word first. A warning is all the reply.
        if let action = verdict?.action, decision != .silent {
            if action == .calm { render(bot.builtinReplies.moderationCalm) }
            if decision == .moderated(.warn) { render(bot.builtinReplies.moderationWarn) }
        }
        var quoted: KnowledgeAnswer?
        func renderKnowledge(_ answer: KnowledgeAnswer) {
            let hit = answer.hit
            let source = hit.url.map { "\(hit.title) – \($0)" } ?? hit.title
            render(bot.builtinReplies.knowledgeAnswer, extra: ["answer": answer.passage, "source": source, "title": hit.title, "url": hit.url ?? ""])
            quoted = answer
        }
        /// An intent's reply; an intent answered from the knowledge base quotes the best
        /// article in its scope, or gives its replies (else the fallback) when none is good enough.
        func renderIntent(_ score: IntentScore) {
            guard let intent = intents[score.intent] else { return }
            if let scope = intent.knowledge, let knowledge {
                let result = intentArticles?.intent == score.intent ? intentArticles!.result
                    : knowledge.search(text, language: language, scope: scope, limit: Self.knowledgeCandidates)
                candidates = result.candidates
                if let best = result.best, best.hit.score >= bot.knowledge.threshold {
                    renderKnowledge(best)
                    return
                }
                if intent.replies.values.allSatisfy(\.isEmpty) {
                    render(bot.builtinReplies.fallback)
                    return
                }
            }
            render(intent.replies)
        }
        switch decision {
        case .answer(let score):
            renderIntent(score)
        case .knowledge(let answer):
            renderKnowledge(answer)
        case .clarify(let a, let b):
            let titles = [title(of: a.intent, in: language), title(of: b.intent, in: language)]
            render(bot.builtinReplies.didYouMean, extra: ["option_1": titles[0], "option_2": titles[1]],
                   quickReplies: [
                       QuickReply(title: titles[0], payload: Self.payloadPrefix + a.intent.rawValue),
                       QuickReply(title: titles[1], payload: Self.payloadPrefix + b.intent.rawValue),
                   ])
        case .fallback:
            render(bot.builtinReplies.fallback)
        case .disclosure:
            render(bot.builtinReplies.botQuestion)
            // Within a form, its question again.
            if case .form(let state) = conversation.state, let pending = state.pending,
               let step = bot.forms.first(where: { $0.name == state.form })?.steps.first(where: { $0.slot == pending }) {
                render(step.ask)
            }
        case .moderated(let action):
            switch action {
            case .end: render(bot.builtinReplies.moderationEnd)
            case .care: render(bot.builtinReplies.selfHarm, quickReplies: yesNoReplies)
            default: break
            }
        case .rephrase:
            render(bot.builtinReplies.rephrase)
        case .silent, .handedBack:
            break
        case .handoff(let reason, let answered):
            if reason == "appeal" { render(bot.builtinReplies.appeal) }
            if reason == "moderation" { render(bot.builtinReplies.moderationEscalate) }
            if let answered, let replies = intents[answered.intent]?.replies, !replies.isEmpty {
                renderIntent(answered)
            } else if reason != "appeal" && reason != "moderation" {
                render(bot.builtinReplies.handoff)
            }
            var formValues: [SlotName: SlotValue] = [:]
            if case .form(let state) = stateBefore { formValues = state.values }
            events.append(DialogueEvent(name: "handoff", summary: HandoffSummary(
                intents: conversation.intents, slots: formValues, lastMessages: conversation.recentMessages, reason: reason)))
        case .handoffClosed(let nextOpen, let reason, let callback):
            if reason == "appeal" { render(bot.builtinReplies.appeal) }
            render(bot.builtinReplies.handoffClosed, extra: ["next_open": nextOpen.map { Self.describe($0, in: bot.timeZone, language: language) } ?? "-"])
            if let callback, let form = bot.forms.first(where: { $0.name == callback.form }),
               case .ask(let slotName, _) = callback.next {
                render(form.steps.first { $0.slot == slotName }?.ask ?? [:])
            }
        case .form(let formTurn):
            guard let form = bot.forms.first(where: { $0.name == formTurn.form }) else { break }
            if let answered = formTurn.answered {
                renderIntent(answered)
            }
            switch formTurn.next {
            case .ask(let slotName, let reprompt):
                let step = form.steps.first { $0.slot == slotName }
                if reprompt, let reprompt = step?.reprompt, !reprompt.isEmpty {
                    render(reprompt)
                } else {
                    if reprompt { render(bot.builtinReplies.formInvalid) }
                    render(step?.ask ?? [:])
                }
            case .restart(let slotName):
                render(bot.builtinReplies.formRestart)
                render(form.steps.first { $0.slot == slotName }?.ask ?? [:])
            case .confirm:
                render(form.confirm, quickReplies: yesNoReplies)
            case .confirmCancel:
                render(bot.builtinReplies.formCancelConfirm, quickReplies: yesNoReplies)
            case .completed:
                render(form.done)
                events.append(DialogueEvent(name: form.event ?? "form_completed", form: form.name, values: formTurn.values))
            case .cancelled:
                render(bot.builtinReplies.formCancelled)
            case .gaveUp:
                render(bot.builtinReplies.formGaveUp)
            }
        }
        if offerHuman { render(bot.builtinReplies.frustrationOffer, quickReplies: yesNoReplies) }
        conversation.turn += 1
        conversation.trust = trust == TrustState() ? nil : trust
        if case .form(let state) = conversation.state { slotValues = state.values }
        if case .form(let formTurn) = decision, formTurn.next == .cancelled { slotValues = [:] }  // the values were dropped
        var turn = Turn(messages: messages, decision: decision, ranking: ranking, entities: entities, slots: slotValues,
                        events: events, language: language, detectedLanguage: detected, knowledge: quoted, knowledgeCandidates: candidates)
        turn.moderation = verdict
        turn.sentiment = sentiment
        turn.frustration = trust.frustration.level
        turn.offeredHuman = offerHuman
        turn.storedText = masked.text
        turn.personalData = masked.found
        return turn
    }

    /// How many knowledge candidates a turn reports (for `/debug` and the JSON-lines reply).
    public static let knowledgeCandidates = 5

    /// The ranking without follow-up intents whose context is not open. The others keep their
    /// confidences: "yes" out of any context stays unclear rather than becoming "thanks".
    func restrict(_ ranking: [IntentScore], to open: Set<String>) -> [IntentScore] {
        ranking.filter { score in
            guard let required = intents[score.intent]?.requiresContext else { return true }
            return open.contains(required)
        }
    }

    /// A human hands the conversation back: the bot answers again, and says so. `nil` when the
    /// conversation was not with a human.
    public func handBack(_ conversation: inout Conversation) -> Turn? {
        guard conversation.state == .handedOff else { return nil }
        conversation.state = .idle
        conversation.consecutiveFallbacks = 0
        var messages: [BotMessage] = []
        let templates = bot.builtinReplies.handedBack[conversation.language] ?? bot.builtinReplies.handedBack[bot.defaultLanguage] ?? []
        if !templates.isEmpty {
            let index = variations.choose(among: templates.count, turn: conversation.turn, slot: 0)
            messages.append(BotMessage(text: templates[index].render { name in name == "bot_name" ? bot.name : bot.variables[name] }))
        }
        return Turn(messages: messages, decision: .handedBack, ranking: [], entities: [], slots: [:], events: [],
                    language: conversation.language, detectedLanguage: nil)
    }

    /// "Monday, 30 November at 08:00" / "Montag, 30. November um 08:00 Uhr", in the bot's time zone.
    static func describe(_ date: Date, in timeZone: TimeZone, language: LanguageCode) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.weekday, .day, .month, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        let day = c.day ?? 0, month = (c.month ?? 1) - 1, weekday = (c.weekday ?? 1) - 1
        if language == .german {
            let weekdays = ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"]
            let months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
            return "\(weekdays[weekday]), \(day). \(months[month]) um \(time) Uhr"
        }
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(weekdays[weekday]), \(day) \(months[month]) at \(time)"
    }

    func title(of intent: IntentName, in language: LanguageCode) -> String {
        intents[intent]?.title(in: language, fallback: bot.defaultLanguage) ?? intent.rawValue
    }
}
