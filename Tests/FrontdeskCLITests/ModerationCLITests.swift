import Foundation
import Testing

/// `frontdesk moderation`, end to end.
@Suite struct ModerationCLITests {
    func write(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-moderation-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func checkShowsTheVerdictSentimentAndMasking() throws {
        let result = try CLI.run(["moderation", "check", "you are such an 1d10t, mail me at ada@example.com"])
        #expect(result.status == 0)
        #expect(result.lines.first?.hasPrefix("moderation: insult clear") == true)
        #expect(result.lines.contains("stored as: you are such an 1d10t, mail me at [email] (masked: email)"))
        let clean = try CLI.run(["moderation", "check", "I live in Scunthorpe"])
        #expect(clean.lines.first == "moderation: nothing flagged")
    }

    @Test func evalPrintsPrecisionAndRecallPerCategory() throws {
        let path = try write([
            #"{"text": "you idiot", "label": "insult"}"#,
            #"{"text": "du Vollidiot", "label": "insult"}"#,
            #"{"text": "I will kill you", "label": "threat"}"#,
            #"{"text": "where is my parcel", "label": "none"}"#,
            #"{"text": "I live in Scunthorpe", "label": "NOT"}"#,
            #"{"text": "what a lovely day", "label": "OFF"}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLI.run(["moderation", "eval", "--data", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["messages"] as? Int == 6)
        let any = try #require(object["any"] as? [String: Any])
        // Flagged: the two insults and the threat, all offensive; the "OFF" message is missed.
        #expect(any["precision"] as? Double == 1)
        #expect(any["recall"] as? Double == 0.75)
        #expect(any["support"] as? Int == 4)
        let categories = try #require(object["categories"] as? [String: [String: Any]])
        #expect(categories["insult"]?["recall"] as? Double == 1)
        #expect(categories["threat"]?["support"] as? Int == 1)
    }

    @Test func badLinesAndUnknownLabelsAreErrorsWithTheirPlace() throws {
        let path = try write([#"{"text": "hi", "label": "none"}"#, "not json", #"{"label": "none"}"#])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLI.run(["moderation", "eval", "--data", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):2:1: error: "))
        #expect(result.stderr.contains("\(path):3:1: error: missing string field \"text\""))
        let labels = try write([#"{"text": "hi", "label": "meh"}"#])
        defer { try? FileManager.default.removeItem(atPath: labels) }
        let unknown = try CLI.run(["moderation", "eval", "--data", labels])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: \(labels): unknown labels: \"meh\" (1×); use a category, offensive, or none\n")
    }
}
