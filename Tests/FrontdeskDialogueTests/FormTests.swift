import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskDialogue

/// A refund form: an order number (entity, pattern) and a free-text reason, with a confirmation.
let catalog = FormCatalog(
    forms: [FormDefinition(name: "refund", triggers: ["refund"],
                           steps: [.init(slot: "order_number", ask: [:]), .init(slot: "reason", ask: [:])], maxAttempts: 2,
                           confirm: ["en": [try! ReplyTemplate(parsing: "ok?")]], done: [:], event: "create_ticket")],
    slots: [
        SlotDefinition(name: "order_number", kind: .text, entities: ["order_number"], pattern: "KS-\\d{6,8}"),
        SlotDefinition(name: "reason", kind: .text),
    ])
let thresholds = Thresholds(confidence: 0.5, ambiguity: 0.1)

func reading(_ text: String, intent: IntentName = "other", confidence: Double = 0.1, orderNumber: String? = nil,
             yesNo: Bool? = nil, cancel: Bool = false) -> Reading {
    let entities = orderNumber.map { [Entity(name: "order_number", value: .text($0), text: $0, span: 0..<$0.unicodeScalars.count, extractor: "pattern")] } ?? []
    return Reading(ranking: [IntentScore(intent: intent, confidence: confidence), IntentScore(intent: "zzz", confidence: 0.01)],
                   text: text, entities: entities, yesNo: yesNo, isCancel: cancel, isQuestion: text.hasSuffix("?"))
}

func next(_ decision: Decision) -> FormTurn.Next? {
    if case .form(let turn) = decision { return turn.next }
    return nil
}

@Suite struct FormTransitionTests {
    @Test func aHappyPathEndsWithTheEvent() {
        var (decision, state) = Dialogue.step(.idle, reading("I want a refund", intent: "refund", confidence: 0.9), thresholds: thresholds, forms: catalog)
        #expect(decision == .form(FormTurn(form: "refund", answered: IntentScore(intent: "refund", confidence: 0.9), next: .ask("order_number", reprompt: false), values: [:])))
        (decision, state) = Dialogue.step(state, reading("KS-1234567", orderNumber: "KS-1234567"), thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .ask("reason", reprompt: false))
        (decision, state) = Dialogue.step(state, reading("charged twice"), thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .confirm)
        #expect(state == .form(FormState(form: "refund", values: ["order_number": .text("KS-1234567"), "reason": .text("charged twice")], phase: .confirming)))
        (decision, state) = Dialogue.step(state, reading("yes", yesNo: true), thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .completed)
        #expect(state == .idle)
    }

    @Test func slotsInTheFirstMessageAreNotAskedFor() {
        let (decision, _) = Dialogue.step(.idle, reading("refund KS-1234567", intent: "refund", confidence: 0.9, orderNumber: "KS-1234567"),
                                          thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .ask("reason", reprompt: false))
    }

    @Test func anInvalidAnswerIsAskedAgainThenTheBotGivesUp() {
        let asking = DialogueState.form(FormState(form: "refund", pending: "order_number"))
        let (first, afterFirst) = Dialogue.step(asking, reading("123"), thresholds: thresholds, forms: catalog)
        #expect(next(first) == .ask("order_number", reprompt: true))
        // A value of the entity that fails the slot's pattern is invalid too.
        let (second, afterSecond) = Dialogue.step(afterFirst, reading("KS-12", orderNumber: "KS-12"), thresholds: thresholds, forms: catalog)
        #expect(next(second) == .gaveUp)
        #expect(afterSecond == .idle)
    }

    @Test func anotherQuestionIsAnsweredThenThePendingOneAskedAgain() {
        let asking = DialogueState.form(FormState(form: "refund", values: ["order_number": .text("KS-1234567")], pending: "reason"))
        let (decision, state) = Dialogue.step(asking, reading("how long does a refund take?", intent: "refund_time", confidence: 0.9),
                                              thresholds: thresholds, forms: catalog)
        #expect(decision == .form(FormTurn(form: "refund", answered: IntentScore(intent: "refund_time", confidence: 0.9),
                                           next: .ask("reason", reprompt: false), values: ["order_number": .text("KS-1234567")])))
        #expect(state == asking)
        // Not a question: the free-text slot takes the answer, even if an intent matches it.
        let (answered, _) = Dialogue.step(asking, reading("it was charged twice", intent: "double_charge", confidence: 0.9),
                                          thresholds: thresholds, forms: catalog)
        #expect(next(answered) == .confirm)
    }

    @Test func aCorrectionReplacesAnEarlierAnswer() {
        let asking = DialogueState.form(FormState(form: "refund", values: ["order_number": .text("KS-1234567")], pending: "reason"))
        // While the reason is asked for, an order number is a correction, not a reason.
        let (decision, state) = Dialogue.step(asking, reading("actually it is KS-7654321", orderNumber: "KS-7654321"), thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .ask("reason", reprompt: false))
        guard case .form(let form) = state else { Issue.record("the form should go on"); return }
        #expect(form.values["order_number"] == .text("KS-7654321"))
    }

    @Test func stoppingAsksFirst() {
        let asking = DialogueState.form(FormState(form: "refund", pending: "order_number"))
        let (ask, confirming) = Dialogue.step(asking, reading("never mind", cancel: true), thresholds: thresholds, forms: catalog)
        #expect(next(ask) == .confirmCancel)
        let (no, resumed) = Dialogue.step(confirming, reading("no", yesNo: false), thresholds: thresholds, forms: catalog)
        #expect(next(no) == .ask("order_number", reprompt: false))
        #expect(resumed == asking)
        let (yes, stopped) = Dialogue.step(confirming, reading("yes", yesNo: true), thresholds: thresholds, forms: catalog)
        #expect(next(yes) == .cancelled)
        #expect(stopped == .idle)
    }

    @Test func noAtTheConfirmationStartsAgain() {
        let confirming = DialogueState.form(FormState(form: "refund", values: ["order_number": .text("KS-1234567"), "reason": .text("x")], phase: .confirming))
        let (decision, state) = Dialogue.step(confirming, reading("no", yesNo: false), thresholds: thresholds, forms: catalog)
        #expect(next(decision) == .restart("order_number"))
        #expect(state == .form(FormState(form: "refund", pending: "order_number")))
        // "No, the order is ..." corrects and confirms again.
        let (corrected, after) = Dialogue.step(confirming, reading("no, it's KS-7654321", orderNumber: "KS-7654321", yesNo: false), thresholds: thresholds, forms: catalog)
        #expect(next(corrected) == .confirm)
        #expect(after == .form(FormState(form: "refund", values: ["order_number": .text("KS-7654321"), "reason": .text("x")], phase: .confirming)))
    }

    @Test func slotTypesAreValidated() {
        let slots = FormCatalog(forms: [], slots: [])
        let number = SlotDefinition(name: "n", kind: .number, minimum: 1, maximum: 10)
        let choice = SlotDefinition(name: "c", kind: .choice, values: ["Windows", "macOS"])
        func numberReading(_ n: Double) -> Reading {
            Reading(ranking: [], text: "\(n)", entities: [Entity(name: .number, value: .number(n), text: "\(n)", span: 0..<1, extractor: "builtin.number")])
        }
        #expect(slots.fill(number, numberReading(3), asked: true) == .valid(.number(3)))
        #expect(slots.fill(number, numberReading(11), asked: true) == .invalid)
        #expect(slots.fill(number, Reading(ranking: [], text: "three"), asked: true) == .invalid)
        #expect(slots.fill(choice, Reading(ranking: [], text: "on my macos laptop"), asked: true) == .valid(.text("macOS")))
        #expect(slots.fill(choice, Reading(ranking: [], text: "linux"), asked: true) == .invalid)
        let flag = SlotDefinition(name: "b", kind: .boolean)
        #expect(slots.fill(flag, Reading(ranking: [], text: "ja", yesNo: true), asked: true) == .valid(.boolean(true)))
        #expect(slots.fill(flag, Reading(ranking: [], text: "maybe"), asked: false) == .none)
    }
}
