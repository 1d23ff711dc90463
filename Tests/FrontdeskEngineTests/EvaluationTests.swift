import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskEngine

@Suite struct EvaluationTests {
    @Test func readsJSONLines() throws {
        let data = Data("""
            {"text": "hello", "intent": "greet"}

            {"text": "refund please", "intent": "refund", "extra": 1}
            """.utf8)
        #expect(try LabeledData.parseJSONLines(data, path: "d.jsonl") == [
            LabeledExample(text: "hello", intent: "greet"), LabeledExample(text: "refund please", intent: "refund"),
        ])
    }

    @Test func reportsEveryBadLineWithItsNumber() {
        var bytes = Array("""
            {"text": "ok", "intent": "a"}
            not json
            [1, 2]
            {"intent": "a"}
            {"text": 5, "intent": "a"}
            {"text": "x", "intent": ""}

            """.utf8)
        bytes += [0x7B, 0xFF, 0x7D, 0x0A]
        do {
            _ = try LabeledData.parseJSONLines(Data(bytes), path: "data.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidData)
            #expect(error.diagnostics.map(\.description) == [
                "data.jsonl:2:1: error: not valid JSON",
                "data.jsonl:3:1: error: expected a JSON object like {\"text\": \"...\", \"intent\": \"...\"}",
                "data.jsonl:4:1: error: missing \"text\"",
                "data.jsonl:5:1: error: \"text\" must be a string",
                "data.jsonl:6:1: error: \"intent\" must be a non-empty string",
                "data.jsonl:7:1: error: the line is not valid UTF-8",
            ])
        }
    }

    @Test func computesMacroF1() {
        // Label a: tp 1, fn 1 -> F1 2/3; label b: tp 1, fp 1 -> F1 2/3.
        let f1 = Evaluation.macroF1(gold: ["a", "a", "b"], predicted: ["a", "b", "b"])
        #expect(abs(f1 - 2.0 / 3.0) < 1e-9)
        #expect(Evaluation.macroF1(gold: ["a", "b"], predicted: ["a", "b"]) == 1)
    }

    @Test func scoresInScopeAccuracyAndOutOfScopeRecall() {
        let train = [
            ("refund please", "refund"), ("I want a refund", "refund"), ("money back", "refund"), ("refund my order", "refund"),
            ("cancel my plan", "cancel"), ("I want to cancel", "cancel"), ("stop subscription", "cancel"), ("cancel it", "cancel"),
            ("what is the weather", "oos"), ("tell me a joke", "oos"), ("who won the game", "oos"), ("play some music", "oos"),
        ].map { LabeledExample(text: $0.0, intent: IntentName($0.1)) }
        let test = [("refund", "refund"), ("cancel please", "cancel"), ("sing a song for me", "oos"), ("joke please", "oos")]
            .map { LabeledExample(text: $0.0, intent: IntentName($0.1)) }
        let report = Evaluation.run(train: train, test: test, language: .english, oosLabel: "oos", threshold: 0.0)
        #expect(report.trainExamples == 12)
        #expect(report.testExamples == 4)
        #expect(report.intents == 3)
        #expect(report.inScopeAccuracy == 1)
        #expect(report.oosRecall.map { (0...1).contains($0) } == true)
        #expect(report.msPerMessage > 0)

        // A threshold of 1 sends everything to out-of-scope.
        let strict = Evaluation.run(train: train, test: test, language: .english, oosLabel: "oos", threshold: 1.0)
        #expect(strict.inScopeAccuracy == 0)
        #expect(strict.oosRecall == 1)

        let noOOS = Evaluation.run(train: train, test: test, language: .english, oosLabel: nil, threshold: 0)
        #expect(noOOS.inScopeAccuracy == nil)
        #expect(noOOS.oosRecall == nil)
    }
}
