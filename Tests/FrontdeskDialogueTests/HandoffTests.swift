import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskDialogue

let berlin = TimeZone(identifier: "Europe/Berlin")!

/// Monday to Friday 08:00-18:00 in Berlin; 2026-12-25 is a holiday.
let hours = SupportHours(ranges: Dictionary(uniqueKeysWithValues: (2...6).map { ($0, [480..<1080]) }),
                         holidays: [SupportHours.Day(year: 2026, month: 12, day: 25)], timeZone: berlin)

func berlinTime(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = berlin
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

@Suite struct SupportHoursTests {
    @Test func knowsWhenSupportIsOpen() {
        #expect(hours.isOpen(at: berlinTime(2026, 11, 30, 8, 0)))  // Monday 08:00
        #expect(hours.isOpen(at: berlinTime(2026, 11, 30, 17, 59)))
        #expect(!hours.isOpen(at: berlinTime(2026, 11, 30, 18, 0)))
        #expect(!hours.isOpen(at: berlinTime(2026, 11, 29, 10, 0)))  // Sunday
        #expect(!hours.isOpen(at: berlinTime(2026, 12, 25, 10, 0)))  // holiday (a Friday)
    }

    @Test func findsTheNextOpening() {
        // Sunday 02:00 -> Monday 08:00.
        #expect(hours.nextOpening(after: berlinTime(2026, 11, 29, 2, 0)) == berlinTime(2026, 11, 30, 8, 0))
        // Thursday 24 December 19:00 -> Friday is a holiday -> Monday 28 December 08:00.
        #expect(hours.nextOpening(after: berlinTime(2026, 12, 24, 19, 0)) == berlinTime(2026, 12, 28, 8, 0))
        // Monday 07:30 -> the same day.
        #expect(hours.nextOpening(after: berlinTime(2026, 11, 30, 7, 30)) == berlinTime(2026, 11, 30, 8, 0))
        #expect(SupportHours(ranges: [:], timeZone: berlin).nextOpening(after: berlinTime(2026, 11, 30, 7, 30)) == nil)
    }
}

@Suite struct HandoffTransitionTests {
    let callback = FormDefinition(name: "callback", triggers: [], steps: [.init(slot: "contact", ask: [:])], done: [:], event: "create_ticket")
    var catalog: FormCatalog { FormCatalog(forms: [callback], slots: [SlotDefinition(name: "contact", kind: .text)]) }
    let support = SupportSettings(handoffIntent: "human", afterFallbacks: 3, callbackForm: "callback", hours: hours)
    let thresholds = Thresholds(confidence: 0.5, ambiguity: 0.1)

    func ask(_ intent: IntentName, _ confidence: Double = 0.9) -> Reading {
        Reading(ranking: [IntentScore(intent: intent, confidence: confidence), IntentScore(intent: "other", confidence: 0.01)], text: "x")
    }

    @Test func withinHoursAHumanTakesOverAndTheBotFallsSilent() {
        let monday = berlinTime(2026, 11, 30, 10)
        let (decision, state) = Dialogue.step(.idle, ask("human"), thresholds: thresholds, forms: catalog, support: support, now: monday)
        #expect(decision == .handoff(reason: "requested", answered: IntentScore(intent: "human", confidence: 0.9)))
        #expect(state == .handedOff)
        let (silent, still) = Dialogue.step(state, ask("refund"), thresholds: thresholds, forms: catalog, support: support, now: monday)
        #expect(silent == .silent)
        #expect(still == .handedOff)
    }

    @Test func outOfHoursTheCallbackFormStarts() {
        let sunday = berlinTime(2026, 11, 29, 2)
        let (decision, state) = Dialogue.step(.idle, ask("human"), thresholds: thresholds, forms: catalog, support: support, now: sunday)
        #expect(decision == .handoffClosed(nextOpen: berlinTime(2026, 11, 30, 8), reason: "requested",
                                           callback: FormTurn(form: "callback", answered: nil, next: .ask("contact", reprompt: false), values: [:])))
        #expect(state == .form(FormState(form: "callback", pending: "contact")))
    }

    @Test func repeatedFallbacksHandOver() {
        let monday = berlinTime(2026, 11, 30, 10)
        let unclear = ask("refund", 0.1)
        #expect(Dialogue.step(.idle, unclear, thresholds: thresholds, forms: catalog, support: support, now: monday, fallbacks: 1).0 == .fallback)
        #expect(Dialogue.step(.idle, unclear, thresholds: thresholds, forms: catalog, support: support, now: monday, fallbacks: 2).0
                == .handoff(reason: "fallbacks", answered: nil))
    }

    @Test func aFailedFormHandsOver() {
        let form = FormDefinition(name: "order", triggers: ["order"], steps: [.init(slot: "n", ask: [:])], maxAttempts: 1, done: [:])
        let catalog = FormCatalog(forms: [form], slots: [SlotDefinition(name: "n", kind: .number)])
        let (decision, _) = Dialogue.step(.form(FormState(form: "order", pending: "n")), ask("other", 0.1), thresholds: thresholds,
                                          forms: catalog, support: SupportSettings(handoffIntent: "human"), now: berlinTime(2026, 11, 30, 10))
        #expect(decision == .handoff(reason: "form_failed", answered: nil))
    }

    @Test func replayingTheSameReadingsRebuildsTheSameState() {
        // The transition is pure: the state after a conversation is a fold of its readings.
        let monday = berlinTime(2026, 11, 30, 10)
        let readings = [ask("greet"), ask("refund", 0.1), ask("refund", 0.1), ask("human")]
        func replay() -> [DialogueState] {
            var state = DialogueState.idle
            var fallbacks = 0
            var states: [DialogueState] = []
            for reading in readings {
                let (decision, next) = Dialogue.step(state, reading, thresholds: thresholds, forms: catalog, support: support, now: monday, fallbacks: fallbacks)
                fallbacks = decision == .fallback ? fallbacks + 1 : 0
                state = next
                states.append(state)
            }
            return states
        }
        #expect(replay() == replay())
        #expect(replay().last == .handedOff)
    }
}
