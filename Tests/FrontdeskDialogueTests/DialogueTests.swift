import FrontdeskCore
import Testing

@testable import FrontdeskDialogue

@Suite struct DialogueTests {
    let thresholds = Thresholds(confidence: 0.5, ambiguity: 0.15)

    func ranking(_ pairs: (IntentName, Double)...) -> [IntentScore] {
        pairs.map { IntentScore(intent: $0.0, confidence: $0.1) }
    }

    @Test func answersAConfidentIntent() {
        let r = ranking(("refund", 0.8), ("cancel", 0.1), ("greet", 0.1))
        #expect(Dialogue.decide(r, thresholds: thresholds) == .answer(r[0]))
    }

    @Test func fallsBackBelowTheThreshold() {
        let r = ranking(("refund", 0.3), ("cancel", 0.1), ("greet", 0.05))
        #expect(Dialogue.decide(r, thresholds: thresholds) == .fallback)
        #expect(Dialogue.decide([], thresholds: thresholds) == .fallback)
    }

    @Test func asksWhenTheTwoBestAreClose() {
        // Both above the threshold's share, less than the margin apart.
        let r = ranking(("refund", 0.45), ("cancel", 0.40), ("greet", 0.15))
        #expect(Dialogue.decide(r, thresholds: thresholds) == .clarify(r[0], r[1]))
        // Close, but together too weak: fallback.
        let weak = ranking(("refund", 0.2), ("cancel", 0.18), ("greet", 0.1))
        #expect(Dialogue.decide(weak, thresholds: thresholds) == .fallback)
        // Confident and far apart: answer.
        let clear = ranking(("refund", 0.7), ("cancel", 0.2))
        #expect(Dialogue.decide(clear, thresholds: thresholds) == .answer(clear[0]))
    }

    @Test func waitsForThePickAfterAsking() {
        let r = ranking(("refund", 0.45), ("cancel", 0.40))
        let (decision, state) = Dialogue.step(.idle, Reading(ranking: r), thresholds: thresholds)
        #expect(decision == .clarify(r[0], r[1]))
        #expect(state == .awaitingChoice(options: ["refund", "cancel"]))

        let (picked, after) = Dialogue.step(state, Reading(ranking: r, choice: .intent("cancel")), thresholds: thresholds)
        #expect(picked == .answer(IntentScore(intent: "cancel", confidence: 1)))
        #expect(after == .idle)

        let (neither, afterNeither) = Dialogue.step(state, Reading(ranking: r, choice: .neither), thresholds: thresholds)
        #expect(neither == .rephrase)
        #expect(afterNeither == .idle)
    }

    @Test func treatsAnotherMessageWhileWaitingAsNew() {
        let state = DialogueState.awaitingChoice(options: ["refund", "cancel"])
        let r = ranking(("vpn", 0.9), ("refund", 0.05))
        let (decision, next) = Dialogue.step(state, Reading(ranking: r), thresholds: thresholds)
        #expect(decision == .answer(r[0]))
        #expect(next == .idle)
    }

    @Test func neitherOutsideAQuestionIsAnOrdinaryMessage() {
        let r = ranking(("refund", 0.9))
        #expect(Dialogue.step(.idle, Reading(ranking: r, choice: .neither), thresholds: thresholds).0 == .answer(r[0]))
    }
}

@Suite struct KnowledgeDialogueTests {
    let answer = KnowledgeAnswer(hit: KnowledgeHit(article: "a1", title: "T", url: nil, language: .english, score: 0.8), passage: "P")

    @Test func anArticleAnswersWhatNoIntentDoes() {
        let reading = Reading(ranking: [IntentScore(intent: "x", confidence: 0.1)], knowledge: answer)
        let (decision, next) = Dialogue.step(.idle, reading, thresholds: Thresholds())
        #expect(decision == .knowledge(answer))
        #expect(next == .idle)
        // Without an article: the fallback.
        #expect(Dialogue.step(.idle, Reading(ranking: [IntentScore(intent: "x", confidence: 0.1)]), thresholds: Thresholds()).0 == .fallback)
    }

    @Test func aConfidentIntentKeepsItsAnswerUnlessTheArticleOverrides() {
        let ranking = [IntentScore(intent: "x", confidence: 0.55)]
        #expect(Dialogue.step(.idle, Reading(ranking: ranking, knowledge: answer), thresholds: Thresholds()).0 == .answer(ranking[0]))
        let overriding = Reading(ranking: ranking, knowledge: answer, knowledgeOverridesIntent: true)
        #expect(Dialogue.step(.idle, overriding, thresholds: Thresholds()).0 == .knowledge(answer))
    }

    @Test func anArticleCountsAsUnderstoodForTheHandOffAfterFallbacks() {
        var support = SupportSettings()
        support.afterFallbacks = 2
        let reading = Reading(ranking: [], knowledge: answer)
        // The second "not understood" in a row would hand over; an article answers instead.
        #expect(Dialogue.step(.idle, reading, thresholds: Thresholds(), support: support, fallbacks: 1).0 == .knowledge(answer))
    }
}
