import FrontdeskCore
import Testing

@testable import FrontdeskSafety

/// `frontdesk moderation eval`'s numbers against hand-computed ones, with a tiny list.
@Suite struct ModerationEvaluationTests {
    let moderator: Moderator = {
        let list = try! ModerationList.parse("""
            insult clear idiot
            profanity clear fuck*
            profanity borderline damn
            """, source: "test.txt")
        return Moderator(lists: [list])
    }()

    @Test func labelsAreReadAsDatasetsWriteThem() {
        #expect(ModerationEvaluation.Label("insult") == .category(.insult))
        #expect(ModerationEvaluation.Label("OFF") == .offensive)
        #expect(ModerationEvaluation.Label("OTHER") == ModerationEvaluation.Label.none)
        #expect(ModerationEvaluation.Label("self-harm") == .category(.selfHarm))
        #expect(ModerationEvaluation.Label("weird") == nil)
    }

    @Test func precisionAndRecallPerCategoryAndOverall() {
        let examples: [ModerationEvaluation.Example] = [
            .init(text: "you idiot", label: .category(.insult)),            // insult: TP
            .init(text: "you fool", label: .category(.insult)),             // insult: FN (not in the list)
            .init(text: "what the fuck", label: .category(.profanity)),     // profanity: TP
            .init(text: "idiot proof setup guide", label: .none),           // insult: FP
            .init(text: "damn, my card", label: .none),                     // borderline only: not flagged
            .init(text: "fucking idiots", label: .offensive),               // any: TP, no category scored
            .init(text: "where is my order", label: .none),                 // nothing
        ]
        let report = ModerationEvaluation.run(examples, moderator: moderator)
        #expect(report.messages == 7)
        // Overall: flagged = 4 (idiot, fuck, idiot proof, fucking idiots); offensive = 4 (two insults, profanity, offensive).
        #expect(report.any == ModerationEvaluation.Score(truePositives: 3, falsePositives: 1, falseNegatives: 1))
        #expect(report.any.precision == 0.75)
        #expect(report.any.recall == 0.75)
        #expect(report.categories[.insult] == ModerationEvaluation.Score(truePositives: 1, falsePositives: 1, falseNegatives: 1))
        #expect(report.categories[.profanity] == ModerationEvaluation.Score(truePositives: 1, falsePositives: 0, falseNegatives: 0))
        #expect(report.categories[.profanity]?.f1 == 1)
        #expect(report.falseAlarms.map(\.text) == ["idiot proof setup guide"])
        #expect(report.misses == ["you fool"])
        // Counting borderline hits too flags the "damn" message.
        let loose = ModerationEvaluation.run(examples, moderator: moderator, minimum: .borderline)
        #expect(loose.any.falsePositives == 2)
    }
}
