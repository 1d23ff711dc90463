import Foundation
import FrontdeskCore
import FrontdeskUnderstanding
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
                "data.jsonl:2:1: error: not valid JSON (expected {\"text\": \"...\", \"intent\": \"...\"})",
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

        // An automatic threshold is the one the model chose when it was calibrated.
        let automatic = Evaluation.run(train: train, test: test, language: .english, oosLabel: "oos", threshold: nil, calibrationFolds: 3)
        let chosen = IntentModel.trainCalibrated(
            examples: train.map { ($0.text, $0.intent) }, language: .english, folds: 3, outOfScope: "oos").calibration.threshold
        #expect(chosen != nil)
        #expect(automatic.threshold == chosen)
    }
}

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The report's numbers, folds, the HTML page and the errors file, on small fixtures whose
/// figures are computed by hand.
@Suite struct EvaluationReportTests {
    /// Three intents, ten messages. Per intent (tp, predicted, support): a (2, 3, 4), b (2, 5, 3),
    /// c (1, 1, 3); one message predicted as no intent.
    static let predictions: [Prediction] = [
        ("a1", "a", "a", 0.95), ("a2", "a", "a", 0.85), ("a3", "a", "b", 0.45), ("a4", "a", nil, 0.05),
        ("b1", "b", "b", 0.75), ("b2", "b", "a", 0.55), ("b3", "b", "b", 0.92),
        ("c1", "c", "c", 0.65), ("c2", "c", "b", 0.35), ("c3", "c", "b", 0.25),
    ].map { (text: String, expected: String, predicted: String?, confidence: Double) in
        Prediction(text: text, expected: IntentName(expected), predicted: predicted.map { IntentName($0) }, confidence: confidence)
    }

    static func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) < 1e-12 }

    @Test func computesPerIntentMetricsByHand() throws {
        let report = ClassificationReport(Self.predictions)
        #expect(report.accuracy == 0.5)
        #expect(report.noIntent == 1)
        #expect(report.perIntent.map(\.intent) == ["a", "b", "c"])
        #expect(report.perIntent.map(\.support) == [4, 3, 3])
        #expect(report.perIntent.map(\.predicted) == [3, 5, 1])
        #expect(report.perIntent.map(\.correct) == [2, 2, 1])
        #expect(report.perIntent.map(\.errors) == [3, 4, 2])
        let expected: [(p: Double, r: Double, f: Double)] = [(2.0 / 3, 1.0 / 2, 4.0 / 7), (2.0 / 5, 2.0 / 3, 1.0 / 2), (1, 1.0 / 3, 1.0 / 2)]
        for (row, want) in zip(report.perIntent, expected) {
            #expect(Self.close(row.precision, want.p), "precision of \(row.intent)")
            #expect(Self.close(row.recall, want.r), "recall of \(row.intent)")
            #expect(Self.close(row.f1, want.f), "F1 of \(row.intent)")
        }
        #expect(Self.close(report.macro.precision, 31.0 / 45))
        #expect(Self.close(report.macro.recall, 1.0 / 2))
        #expect(Self.close(report.macro.f1, 11.0 / 21))
        // Micro: 5 right of the 9 messages given an intent, of the 10 messages.
        #expect(Self.close(report.micro.precision, 5.0 / 9))
        #expect(Self.close(report.micro.recall, 1.0 / 2))
        #expect(Self.close(report.micro.f1, 10.0 / 19))
    }

    @Test func listsConfusedPairsMostFrequentFirst() {
        let pairs = ClassificationReport(Self.predictions).confusions
        #expect(pairs.map { "\($0.expected)→\(ClassificationReport.display($0.predicted)):\($0.count)" } == [
            "c→b:2", "a→(no intent):1", "a→b:1", "b→a:1",
        ])
        #expect(pairs[0].examples == ["c2", "c3"])
        #expect(pairs[1].examples == ["a4"])
    }

    @Test func keepsAtMostThreeExamplesPerPair() {
        let many = (1...5).map { Prediction(text: "m\($0)", expected: "x", predicted: "y", confidence: 0.5) }
        let pair = ClassificationReport(many).confusions.first
        #expect(pair?.count == 5)
        #expect(pair?.examples == ["m1", "m2", "m3"])
    }

    @Test func histogramsConfidenceInBinsOfATenth() {
        let report = ClassificationReport(Self.predictions)
        #expect(report.correctConfidence == [0, 0, 0, 0, 0, 0, 1, 1, 1, 2])
        #expect(report.wrongConfidence == [1, 0, 1, 1, 1, 1, 0, 0, 0, 0])
        #expect([0, 0.0999, 0.1, 0.3, 0.7, 0.9999, 1].map(ClassificationReport.bin(of:)) == [0, 0, 1, 3, 7, 9, 9])
        #expect(ClassificationReport.binLabel(0) == "0.0–0.1")
        #expect(ClassificationReport.binLabel(9) == "0.9–1.0")
    }

    @Test func theSummaryKeepsTheOutOfScopeSemantics() {
        let report = EvaluationReport(
            predictions: Self.predictions, trainExamples: 30, intents: 3, oosLabel: "c", threshold: 0.15,
            trainSeconds: 1, testSeconds: 0.01, folds: nil, seed: nil)
        #expect(report.accuracy == 0.5)
        #expect(Self.close(report.macroF1, 11.0 / 21))
        #expect(Self.close(report.inScopeAccuracy ?? -1, 4.0 / 7))  // a and b: 4 of 7 right
        #expect(Self.close(report.oosRecall ?? -1, 1.0 / 3))
        #expect(Self.close(report.msPerMessage, 1))
        let noOOS = EvaluationReport(
            predictions: Self.predictions, trainExamples: 30, intents: 3, oosLabel: nil, threshold: 0.15,
            trainSeconds: 1, testSeconds: 0.01, folds: 3, seed: 7)
        #expect(noOOS.inScopeAccuracy == nil && noOOS.oosRecall == nil)
    }

    @Test func theJSONHasTheSummaryKeysAndTheDetails() throws {
        let report = EvaluationReport(
            predictions: Self.predictions, trainExamples: 30, intents: 3, oosLabel: nil, threshold: 0.15,
            trainSeconds: 1, testSeconds: 0.01, folds: 3, seed: 7)
        let text = report.json(pairs: 2).serialized
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "train_seconds", "ms_per_message"]))
        #expect(Set(object.keys).isSuperset(of: ["per_intent", "macro", "micro", "confused_pairs", "confidence", "folds", "seed", "mode"]))
        #expect(text.hasPrefix("{\"accuracy\":0.5,"))
        #expect(text.contains("\"in_scope_accuracy\":null"))
        #expect(object["mode"] as? String == "cross_validation")
        let perIntent = try #require(object["per_intent"] as? [[String: Any]])
        #expect(perIntent.map { $0["intent"] as? String } == ["a", "b", "c"])
        #expect(perIntent.map { $0["support"] as? Int } == [4, 3, 3])
        #expect((perIntent[0]["precision"] as? Double).map { abs($0 - 0.6667) < 1e-9 } == true)
        let pairs = try #require(object["confused_pairs"] as? [[String: Any]])
        #expect(pairs.count == 2)
        #expect(pairs[0]["count"] as? Int == 2)
        #expect(pairs[1]["predicted"] is NSNull)
        let confidence = try #require(object["confidence"] as? [String: Any])
        #expect(confidence["correct"] as? [Int] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 2])
        #expect(confidence["wrong"] as? [Int] == [1, 0, 1, 1, 1, 1, 0, 0, 0, 0])
        #expect((confidence["bins"] as? [Double])?.count == 11)
    }

    @Test func writesTheErrorsAsJSONLinesInKeyOrder() throws {
        let report = EvaluationReport(
            predictions: Self.predictions, trainExamples: 30, intents: 3, oosLabel: nil, threshold: 0.15,
            trainSeconds: 1, testSeconds: 0.01, folds: nil, seed: nil)
        let lines = report.errorLines.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == #"{"text":"a3","expected":"a","predicted":"b","confidence":0.45}"#)
        #expect(lines[1] == #"{"text":"a4","expected":"a","predicted":null,"confidence":0.05}"#)
        #expect(report.errorLines.hasSuffix("\n"))
    }

    @Test func stratifiedFoldsKeepTheProportions() {
        let counts = ["a": 10, "b": 7, "c": 3, "d": 1, "e": 6]
        var labels: [IntentName] = []
        // Interleaved, so that folds cannot come from the input order.
        for round in 0..<10 { for (label, n) in counts.sorted(by: { $0.key < $1.key }) where round < n { labels.append(IntentName(label)) } }
        let k = 3
        let folds = Evaluation.stratifiedFolds(labels: labels, folds: k, seed: 42)
        #expect(folds.count == labels.count)
        #expect(folds.allSatisfy { (0..<k).contains($0) })  // each example in exactly one test fold
        for (label, n) in counts {
            for fold in 0..<k {
                let inFold = zip(labels, folds).filter { $0.0.rawValue == label && $0.1 == fold }.count
                #expect(inFold == n / k || inFold == (n + k - 1) / k, "\(label) in fold \(fold): \(inFold) of \(n)")
            }
        }
        let sizes = (0..<k).map { fold in folds.filter { $0 == fold }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(Evaluation.stratifiedFolds(labels: labels, folds: k, seed: 42) == folds)  // deterministic
        #expect(Evaluation.stratifiedFolds(labels: labels, folds: k, seed: 43) != folds)
    }

    @Test func crossValidationTestsEveryExampleOnce() {
        let data = [
            ("refund please", "refund"), ("I want a refund", "refund"), ("money back", "refund"), ("refund my order", "refund"),
            ("refund the charge", "refund"), ("give me a refund", "refund"),
            ("cancel my plan", "cancel"), ("I want to cancel", "cancel"), ("stop subscription", "cancel"), ("cancel it", "cancel"),
            ("cancel my subscription", "cancel"), ("end my plan", "cancel"),
        ].map { LabeledExample(text: $0.0, intent: IntentName($0.1)) }
        let german = [("Geld zurück", "refund"), ("Erstattung bitte", "refund"), ("kündigen", "cancel"), ("Abo kündigen", "cancel")]
            .map { LabeledExample(text: $0.0, intent: IntentName($0.1)) }
        let report = Evaluation.crossValidate(
            sets: [(.english, data), (.german, german)], folds: 2, seed: 1, oosLabel: nil, threshold: 0)
        #expect(report.testExamples == 16)
        #expect(report.folds == 2 && report.seed == 1)
        #expect(report.predictions.map(\.text) == (data + german).map(\.text))
        #expect(report.predictions.map(\.expected) == (data + german).map(\.intent))
        #expect(report.intents == 2)
        #expect(report.details.perIntent.map(\.support) == [8, 8])
        let again = Evaluation.crossValidate(
            sets: [(.english, data), (.german, german)], folds: 2, seed: 1, oosLabel: nil, threshold: 0)
        #expect(again.predictions == report.predictions)
    }

    // MARK: - HTML

    static let hostile: [Prediction] = [
        Prediction(text: "is <b>bold</b> & \"quoted\" 'ok'?", expected: "q&a <faq>", predicted: "<script>alert(1)</script>", confidence: 0.4),
        Prediction(text: "fine", expected: "q&a <faq>", predicted: "q&a <faq>", confidence: 0.9),
        Prediction(text: "bell \u{7} here", expected: "<script>alert(1)</script>", predicted: nil, confidence: 0.05),
        Prediction(text: "r&d", expected: "<script>alert(1)</script>", predicted: "<script>alert(1)</script>", confidence: 0.8),
    ]

    static func page(_ predictions: [Prediction] = hostile, limit: Int = EvaluationHTML.defaultHeatMapLimit) -> String {
        let report = EvaluationReport(
            predictions: predictions, trainExamples: 10, intents: 2, oosLabel: nil, threshold: 0.15,
            trainSeconds: 0.5, testSeconds: 0.001, folds: 3, seed: 42)
        return EvaluationHTML.render(report, title: "Eval of <bot> & co", subtitle: "data \"x\".jsonl", heatMapLimit: limit)
    }

    @Test func escapesText() {
        #expect(EvaluationHTML.escape(#"<a href="x">R&D's</a>"#) == "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;")
        #expect(EvaluationHTML.escape("a\u{0}b\u{7}c\td") == "a\u{FFFD}b\u{FFFD}c\td")
    }

    @Test func thePageIsSelfContainedAndEscapesEverything() {
        let html = Self.page()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>Eval of &lt;bot&gt; &amp; co</title>"))
        #expect(html.contains("q&amp;a &lt;faq&gt;"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("is &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;ok&#39;?"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<b>bold"))
        #expect(!html.contains("\u{7}"))
        // Nothing is fetched: no external scripts, styles, fonts or images.
        for forbidden in ["src=", "href=", "@import", "url(", "https://"] { #expect(!html.contains(forbidden), "\(forbidden)") }
        // The only URL is the SVG namespace.
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://") == false)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)  // heat map and two histograms
        #expect(html.contains("<table id=\"per-intent\" class=\"sortable\">"))
        #expect(html.contains("addEventListener(\"click\""))
    }

    @Test func thePageIsWellFormed() throws {
        let html = Self.page()
        #expect(TagChecker.check(html) == nil)
        #if canImport(FoundationXML)
        let document = try XMLDocument(xmlString: html, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "html")
        let headers = try root.nodes(forXPath: "//table[@id='per-intent']/thead/tr/th")
        #expect(headers.map { $0.stringValue ?? "" } == ["Intent", "Precision", "Recall", "F1", "Support", "Predicted", "Errors"])
        let rows = try root.nodes(forXPath: "//table[@id='per-intent']/tbody/tr/td[1]")
        #expect(rows.map { $0.stringValue ?? "" } == ["<script>alert(1)</script>", "q&a <faq>"])
        let messages = try root.nodes(forXPath: "//section[@id='pairs']//li")
        // Pairs of equal counts by expected intent: "<script>…" sorts before "q&a <faq>".
        #expect(messages.map { $0.stringValue ?? "" } == ["bell \u{FFFD} here", "is <b>bold</b> & \"quoted\" 'ok'?"])
        #expect(try root.nodes(forXPath: "//*[local-name()='svg']").count == 3)
        #endif
    }

    @Test func theHeatMapShowsTheMostConfusedIntentsWhenThereAreMany() throws {
        // 40 intents: intent i (i < 10) is confused i + 1 times with "sink"; the others are always right.
        var predictions: [Prediction] = []
        for i in 0..<40 {
            let name = IntentName(String(format: "intent%02d", i))
            predictions.append(Prediction(text: "ok \(i)", expected: name, predicted: name, confidence: 0.9))
            if i < 10 {
                for j in 0...i { predictions.append(Prediction(text: "bad \(i) \(j)", expected: name, predicted: "sink", confidence: 0.3)) }
            }
        }
        let details = ClassificationReport(predictions)
        let (shown, truncated) = EvaluationHTML.heatMapIntents(details, limit: 5)
        #expect(truncated)
        #expect(shown == ["intent06", "intent07", "intent08", "intent09", "sink"])
        let html = Self.page(predictions, limit: 30)
        #expect(html.contains("41 intents: showing the 30 with the most errors only"))
        #expect(TagChecker.check(html) == nil)
        let few = EvaluationHTML.heatMapIntents(ClassificationReport(Self.hostile), limit: 30)
        #expect(!few.truncated && few.intents.count == 2)
    }
}

/// A small checker of XHTML-compatible markup: every start tag closed in order (or
/// self-closed), attribute values quoted, only predefined or numeric entities, and no raw
/// `<` or `&` anywhere (including inside <script> and <style>). Returns the first problem.
enum TagChecker {
    static func check(_ text: String) -> String? {
        var stack: [String] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == ":" }
        while i < chars.count {
            let c = chars[i]
            if c == "&" {
                var j = i + 1
                while j < chars.count, chars[j] != ";", j - i < 10 { j += 1 }
                guard j < chars.count, chars[j] == ";" else { return "bare & at \(i)" }
                let entity = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                guard ["amp", "lt", "gt", "quot", "apos"].contains(entity) || entity.hasPrefix("#") else { return "unknown entity &\(entity);" }
                i = j + 1
                continue
            }
            guard c == "<" else { i += 1; continue }
            guard let end = chars[i...].firstIndex(of: ">") else { return "unclosed tag at \(i)" }
            let tag = String(String.UnicodeScalarView(chars[(i + 1)..<end]))
            i = end + 1
            if tag.hasPrefix("!DOCTYPE") { continue }
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                guard stack.last == name else { return "</\(name)> closes <\(stack.last ?? "nothing")>" }
                stack.removeLast()
                continue
            }
            let name = String(String.UnicodeScalarView(tag.unicodeScalars.prefix(while: isNameChar)))
            guard !name.isEmpty else { return "raw < at \(i)" }
            // Attributes: name="value" pairs only.
            let attributes = tag.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
            let body = attributes.hasSuffix("/") ? String(attributes.dropLast()) : attributes
            let pattern = #"^(\s*[A-Za-z_:][-A-Za-z0-9_:.]*="[^"<]*")*\s*$"#
            guard body.range(of: pattern, options: .regularExpression) != nil else { return "bad attributes in <\(name)>: \(body)" }
            if !attributes.hasSuffix("/") { stack.append(name) }
        }
        return stack.isEmpty ? nil : "unclosed <\(stack.joined(separator: "> <"))>"
    }
}
