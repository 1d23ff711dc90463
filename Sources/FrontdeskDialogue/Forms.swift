import Foundation
import FrontdeskCore

/// A form in progress.
public struct FormState: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Equatable, Codable {
        /// Waiting for the answer to the pending slot's question.
        case asking
        /// Waiting for yes or no to "is that right?".
        case confirming
        /// Waiting for yes or no to "do you want to stop?".
        case confirmingCancel
    }

    public let form: String
    public var values: [SlotName: SlotValue]
    /// The slot asked for (`nil` while confirming).
    public var pending: SlotName?
    /// Invalid answers to the pending question so far.
    public var attempts: Int
    public var phase: Phase

    public init(form: String, values: [SlotName: SlotValue] = [:], pending: SlotName? = nil, attempts: Int = 0, phase: Phase = .asking) {
        self.form = form
        self.values = values
        self.pending = pending
        self.attempts = attempts
        self.phase = phase
    }
}

/// What a turn inside a form does.
public struct FormTurn: Sendable, Equatable {
    public enum Next: Sendable, Equatable {
        /// Ask for this slot (again, after an invalid answer, when `reprompt`).
        case ask(SlotName, reprompt: Bool)
        /// "Is that right?"
        case confirm
        /// "Do you want to stop?"
        case confirmCancel
        /// All slots filled (and confirmed): the form's event is emitted.
        case completed
        /// The customer stopped the form.
        case cancelled
        /// Too many invalid answers: the bot offers a human.
        case gaveUp
        /// The customer did not confirm: start again from the first question.
        case restart(SlotName)
    }

    public let form: String
    /// Another question answered first (a digression).
    public var answered: IntentScore?
    public var next: Next
    /// The slot values after this turn.
    public var values: [SlotName: SlotValue]
}

/// The forms and slots of a bot, for the dialogue.
public struct FormCatalog: Sendable {
    public let forms: [FormDefinition]
    public let slots: [SlotName: SlotDefinition]
    private let patterns: [SlotName: PatternBox]

    struct PatternBox: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
        let regex: NSRegularExpression
    }

    public init(forms: [FormDefinition], slots: [SlotDefinition]) {
        self.forms = forms
        self.slots = Dictionary(slots.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var patterns: [SlotName: PatternBox] = [:]
        for slot in slots {
            if let pattern = slot.pattern, let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$", options: [.caseInsensitive]) {
                patterns[slot.name] = PatternBox(regex: regex)
            }
        }
        self.patterns = patterns
    }

    public static let empty = FormCatalog(forms: [], slots: [])

    public func form(named name: String) -> FormDefinition? { forms.first { $0.name == name } }
    public func form(triggeredBy intent: IntentName) -> FormDefinition? { forms.first { $0.triggers.contains(intent) } }

    enum Fill: Equatable {
        case none
        case valid(SlotValue)
        case invalid
    }

    /// The value for `slot` in this message: from its entity (or the built-in entity of its
    /// type), from yes/no, from the allowed values, or, for a text slot without an entity when
    /// it was `asked` for, the whole message; then validated. Asked for and nothing usable:
    /// `.invalid`; not asked for: `.none`.
    func fill(_ slot: SlotDefinition, _ reading: Reading, asked wholeText: Bool) -> Fill {
        let candidates = reading.entities.filter { accepts(slot, $0) }
        var value: SlotValue?
        switch slot.kind {
        case .list:
            let items = candidates.map { Self.text(of: $0.value) }
            if !items.isEmpty { value = .list(items) }
        case .boolean:
            if let yes = reading.yesNo { value = .boolean(yes) }
        case .choice:
            if let entity = candidates.first {
                value = .text(Self.text(of: entity.value))
            } else if wholeText || !slot.values.isEmpty {
                let text = reading.text
                let matches = slot.values.filter { text.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
                if matches.count == 1 { value = .text(matches[0]) } else if wholeText, !text.isEmpty { return .invalid }
            }
        case .number:
            if let entity = candidates.first {
                switch entity.value {
                case .number(let n), .money(let n, _): value = .number(n)
                default: break
                }
            }
        case .datetime:
            if let entity = candidates.first, case .datetime(let date, let granularity) = entity.value {
                value = .datetime(date, granularity: granularity)
            }
        case .text:
            if let entity = candidates.first {
                value = .text(Self.text(of: entity.value))
            } else if slot.entity == nil, wholeText {
                let text = reading.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { value = .text(text) }
            }
        }
        guard let value else {
            // An answer to the question that holds nothing usable.
            return wholeText ? .invalid : .none
        }
        return isValid(value, for: slot) ? .valid(value) : .invalid
    }

    /// Whether `entity` can fill `slot`: one of its entities, or the built-in one of its type.
    func accepts(_ slot: SlotDefinition, _ entity: Entity) -> Bool {
        if !slot.entities.isEmpty { return slot.entities.contains(entity.name) }
        switch slot.kind {
        case .number: return entity.name == .number || entity.name == .money
        case .datetime: return entity.name == .datetime
        default: return false
        }
    }

    /// Whether two slots are filled from the same entities (then one message cannot tell them apart).
    func sameSource(_ a: SlotDefinition, _ b: SlotDefinition) -> Bool {
        if a.entities.isEmpty && b.entities.isEmpty { return a.kind == b.kind }
        return !Set(a.entities).isDisjoint(with: b.entities)
    }

    func isValid(_ value: SlotValue, for slot: SlotDefinition) -> Bool {
        switch value {
        case .number(let n):
            if let minimum = slot.minimum, n < minimum { return false }
            if let maximum = slot.maximum, n > maximum { return false }
        case .text(let text):
            if slot.kind == .choice, !slot.values.contains(where: { $0.compare(text, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }) {
                return false
            }
            if let regex = patterns[slot.name]?.regex,
               regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                return false
            }
        default:
            break
        }
        return true
    }

    static func text(of value: EntityValue) -> String {
        switch value {
        case .text(let text), .phone(let text): return text
        default: return value.formatted(in: TimeZone(identifier: "UTC")!)
        }
    }
}

extension Dialogue {
    /// A form starts: the trigger intent's reply is given, slots are filled from the message,
    /// then the first missing one is asked.
    static func start(_ form: FormDefinition, trigger: IntentScore, _ reading: Reading, catalog: FormCatalog) -> (Decision, DialogueState) {
        var state = FormState(form: form.name)
        // Slots that take the same kind of entity ("from Windows to Mac") are filled in order,
        // and only when the message names as many of them as there are slots.
        var groups: [[SlotDefinition]] = []
        for step in form.steps {
            guard let slot = catalog.slots[step.slot], !slot.entities.isEmpty || slot.kind == .number || slot.kind == .datetime else { continue }
            if let index = groups.firstIndex(where: { catalog.sameSource($0[0], slot) }) {
                groups[index].append(slot)
            } else {
                groups.append([slot])
            }
        }
        for group in groups {
            if group.count == 1 {
                if case .valid(let value) = catalog.fill(group[0], reading, asked: false) { state.values[group[0].name] = value }
                continue
            }
            let candidates = reading.entities.filter { catalog.accepts(group[0], $0) }
            guard candidates.count >= group.count else { continue }
            for (slot, entity) in zip(group, candidates) {
                let one = Reading(ranking: reading.ranking, text: entity.text, entities: [entity])
                if case .valid(let value) = catalog.fill(slot, one, asked: false) { state.values[slot.name] = value }
            }
        }
        return advance(form, state, answered: trigger)
    }

    /// The next question, or the confirmation, or the completion.
    static func advance(_ form: FormDefinition, _ state: FormState, answered: IntentScore?, reprompt: Bool = false) -> (Decision, DialogueState) {
        var state = state
        if let missing = form.steps.first(where: { state.values[$0.slot] == nil }) {
            if state.pending != missing.slot { state.attempts = 0 }
            state.pending = missing.slot
            state.phase = .asking
            return (.form(FormTurn(form: form.name, answered: answered, next: .ask(missing.slot, reprompt: reprompt), values: state.values)), .form(state))
        }
        if !form.confirm.isEmpty {
            state.pending = nil
            state.phase = .confirming
            return (.form(FormTurn(form: form.name, answered: answered, next: .confirm, values: state.values)), .form(state))
        }
        return (.form(FormTurn(form: form.name, answered: answered, next: .completed, values: state.values)), .idle)
    }

    /// One message while a form runs.
    static func stepInForm(_ state: FormState, _ reading: Reading, thresholds: Thresholds, catalog: FormCatalog) -> (Decision, DialogueState) {
        guard let form = catalog.form(named: state.form) else { return (.fallback, .idle) }
        var state = state
        func turn(_ next: FormTurn.Next, answered: IntentScore? = nil) -> Decision {
            .form(FormTurn(form: form.name, answered: answered, next: next, values: state.values))
        }
        // A confident answer to another question, which is not this form's own trigger.
        let decision = decide(reading.ranking, thresholds: thresholds)
        let digression: IntentScore? = {
            guard case .answer(let score) = decision, !form.triggers.contains(score.intent) else { return nil }
            return score
        }()
        // The form's own trigger again ("I want a refund" while it runs): just go on.
        let repeatsTrigger: Bool = {
            if case .answer(let score) = decision { return form.triggers.contains(score.intent) }
            return false
        }()

        switch state.phase {
        case .confirmingCancel:
            if reading.yesNo == true { return (turn(.cancelled), .idle) }
            if reading.yesNo == false {
                state.phase = state.pending == nil ? .confirming : .asking
                return resume(form, state)
            }
            return (turn(.confirmCancel), .form(state))
        case _ where reading.isCancel:
            state.phase = .confirmingCancel
            return (turn(.confirmCancel), .form(state))
        case .confirming:
            let corrected = corrections(form, &state, reading, catalog: catalog, excluding: nil)
            if reading.yesNo == true, !corrected { return (turn(.completed), .idle) }
            if corrected { return advance(form, state, answered: nil) }
            if reading.yesNo == false, let first = form.steps.first {
                state.values = [:]
                state.pending = first.slot
                state.attempts = 0
                state.phase = .asking
                return (turn(.restart(first.slot)), .form(state))
            }
            return advance(form, state, answered: digression)
        case .asking:
            guard let pending = state.pending, let slot = catalog.slots[pending] else { return advance(form, state, answered: nil) }
            // Another question meanwhile ("does it run on Windows 11?") is answered, not taken
            // as the answer.
            if let digression, reading.isQuestion { return advance(form, state, answered: digression) }
            if slot.kind == .text, slot.entity == nil {
                // A free-text answer, unless the customer corrects an earlier answer. (A reason
                // often sounds like the request itself: "I never used it" is one.)
                if corrections(form, &state, reading, catalog: catalog, excluding: pending) { return advance(form, state, answered: nil) }
            }
            switch catalog.fill(slot, reading, asked: true) {
            case .valid(let value):
                state.values[pending] = value
                _ = corrections(form, &state, reading, catalog: catalog, excluding: pending)
                return advance(form, state, answered: nil)
            case .invalid, .none:
                // "Actually the order is 5678": a correction of an earlier answer.
                if corrections(form, &state, reading, catalog: catalog, excluding: pending) {
                    return advance(form, state, answered: nil)
                }
                if let digression { return advance(form, state, answered: digression) }
                if repeatsTrigger { return advance(form, state, answered: nil) }
                return invalidAnswer(form, state)
            }
        }
    }

    static func invalidAnswer(_ form: FormDefinition, _ state: FormState) -> (Decision, DialogueState) {
        var state = state
        state.attempts += 1
        if state.attempts >= form.maxAttempts {
            return (.form(FormTurn(form: form.name, answered: nil, next: .gaveUp, values: state.values)), .idle)
        }
        return advance(form, state, answered: nil, reprompt: true)
    }

    static func resume(_ form: FormDefinition, _ state: FormState) -> (Decision, DialogueState) {
        advance(form, state, answered: nil)
    }

    /// Updates filled slots whose entity appears in the message with another value.
    static func corrections(_ form: FormDefinition, _ state: inout FormState, _ reading: Reading, catalog: FormCatalog, excluding: SlotName?) -> Bool {
        var changed = false
        for step in form.steps where step.slot != excluding && state.values[step.slot] != nil {
            guard let slot = catalog.slots[step.slot], !slot.entities.isEmpty || slot.kind == .number || slot.kind == .datetime else { continue }
            // A value that could belong to another slot of the form is no clear correction.
            let others = form.steps.compactMap { catalog.slots[$0.slot] }.filter { $0.name != slot.name }
            if others.contains(where: { catalog.sameSource($0, slot) }) { continue }
            if case .valid(let value) = catalog.fill(slot, reading, asked: false), value != state.values[step.slot] {
                state.values[step.slot] = value
                changed = true
            }
        }
        return changed
    }
}
