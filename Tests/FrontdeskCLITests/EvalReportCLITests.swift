import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `frontdesk eval` with cross-validation and its report files, end to end on small fixtures
/// (`Fixtures/eval/cv.jsonl`: three intents of six messages, one named `q&a <about>`;
/// `Fixtures/eval/bot`: two intents in English and German).
@Suite struct EvalReportCLITests {
    static let summaryKeys: Set<String> = ["accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "train_seconds", "ms_per_message"]

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func crossValidatesAFileAndWritesTheReports() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("report.html"), errors = folder.appendingPathComponent("errors.jsonl")
        let result = try CLI.run(["eval", "--cv", "3", "--data", "eval/cv.jsonl", "--json", "--html", html.path, "--errors", errors.path],
                                 in: CLI.fixtures)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: Self.summaryKeys))
        #expect(Set(object.keys).isSuperset(of: ["per_intent", "macro", "micro", "confused_pairs", "confidence", "folds", "seed"]))
        #expect(object["folds"] as? Int == 3)
        #expect(object["seed"] as? Int == 42)
        #expect(object["test_examples"] as? Int == 18)
        #expect(object["in_scope_accuracy"] is NSNull)
        let perIntent = try #require(object["per_intent"] as? [[String: Any]])
        #expect(perIntent.compactMap { $0["intent"] as? String } == ["q&a <about>", "refund", "vpn"])
        #expect(perIntent.compactMap { $0["support"] as? Int } == [6, 6, 6])
        for row in perIntent { #expect(Set(row.keys).isSuperset(of: ["intent", "precision", "recall", "f1", "support"])) }
        let confidence = try #require(object["confidence"] as? [String: Any])
        let right = try #require(confidence["correct"] as? [Int]), wrong = try #require(confidence["wrong"] as? [Int])
        #expect(right.count == 10 && wrong.count == 10)
        let rightCount: Int = right.reduce(0, +), wrongCount: Int = wrong.reduce(0, +)
        #expect(rightCount + wrongCount == 18)

        // The errors file: one JSON object per misclassified message.
        let lines = try String(contentsOf: errors, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == wrongCount)
        for line in lines {
            let error = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(error.keys) == ["text", "expected", "predicted", "confidence"])
        }

        // The HTML page exists, is well-formed and has the escaped intent name.
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("q&amp;a &lt;about&gt;"))
        #expect(!page.contains("q&a <about>"))
        #if canImport(FoundationXML)
        let document = try XMLDocument(xmlString: page, options: [])
        #expect(document.rootElement()?.name == "html")
        let cells = try document.nodes(forXPath: "//table[@id='per-intent']/tbody/tr/td[1]").map { $0.stringValue ?? "" }
        #expect(cells == ["q&a <about>", "refund", "vpn"])
        #endif
    }

    @Test func theSameSeedGivesTheSameReport() throws {
        func run(_ seed: String) throws -> [String: Any] {
            let result = try CLI.run(["eval", "--cv", "3", "--data", "eval/cv.jsonl", "--json", "--seed", seed], in: CLI.fixtures)
            #expect(result.status == 0)
            var object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            object["train_seconds"] = nil
            object["ms_per_message"] = nil
            object["ms_p99"] = nil
            return object
        }
        #expect(NSDictionary(dictionary: try run("7")) == NSDictionary(dictionary: try run("7")))
    }

    @Test func crossValidatesABotInEachOfItsLanguages() throws {
        let result = try CLI.run(["eval", "--cv", "3", "--bot", "eval/bot"], in: CLI.fixtures)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("cross-validation: 3 stratified folds, seed 42, 16 examples, 2 intents"))
        #expect(result.stdout.contains("per intent") || result.stdout.contains("precision  recall"))
        #expect(result.stdout.contains("most confused pairs"))
        #expect(result.stdout.contains("confidence of the best intent"))

        let german = try CLI.run(["eval", "--cv", "3", "--bot", "eval/bot", "--lang", "de", "--json"], in: CLI.fixtures)
        #expect(german.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(german.stdout.utf8)) as? [String: Any])
        #expect(object["test_examples"] as? Int == 6)

        let unknown = try CLI.run(["eval", "--cv", "3", "--bot", "eval/bot", "--lang", "fr"], in: CLI.fixtures)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("does not speak fr"))
    }

    @Test func trainTestModeWritesTheReportsToo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = folder.appendingPathComponent("r.html"), errors = folder.appendingPathComponent("e.jsonl")
        let result = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--oos-label", "oos",
                                  "--html", html.path, "--errors", errors.path], in: CLI.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("train: 12 examples, 3 intents"))
        #expect(result.stdout.contains("in-scope accuracy: 100.0 %"))
        #expect(FileManager.default.fileExists(atPath: html.path))
        #expect(try String(contentsOf: errors, encoding: .utf8) == "")  // nothing misclassified
    }

    @Test func badCombinationsOfOptionsAreRefused() throws {
        for arguments in [
            ["eval", "--cv", "3"],
            ["eval", "--cv", "3", "--data", "eval/cv.jsonl", "--bot", "eval/bot"],
            ["eval", "--cv", "1", "--data", "eval/cv.jsonl"],
            ["eval", "--data", "eval/cv.jsonl"],
            ["eval", "--cv", "3", "--data", "eval/cv.jsonl", "--train", "eval/train.jsonl"],
            ["eval", "--train", "eval/train.jsonl"],
        ] {
            let result = try CLI.run(arguments, in: CLI.fixtures)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
        let tooFew = try CLI.run(["eval", "--cv", "50", "--data", "eval/cv.jsonl"], in: CLI.fixtures)
        #expect(tooFew.status == 2)
        #expect(tooFew.stderr.contains("50 folds need at least 50 examples"))
        let bad = try CLI.run(["eval", "--cv", "2", "--data", "eval/bad.jsonl"], in: CLI.fixtures)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("eval/bad.jsonl:2:1: error: not valid JSON"))
    }
}
