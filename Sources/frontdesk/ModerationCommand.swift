import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskSafety

struct ModerationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderation",
        abstract: "Check moderation on labelled or ordinary messages.",
        subcommands: [ModerationEval.self, ModerationBench.self, ModerationCheck.self])
}

/// Reads `{"text": ..., "label": ...}` lines (label optional); every bad line is reported
/// as `file:line:column: error: ...` and the whole read fails.
func readTextLines(_ path: String, needLabel: Bool) throws(FrontdeskError) -> [(text: String, label: String?)] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FrontdeskError(.io, "\(path): cannot read the file")
    }
    var rows: [(text: String, label: String?)] = []
    var diagnostics: [Diagnostic] = []
    var number = 0
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        number += 1
        func fail(_ message: String, column: Int = 1) {
            if diagnostics.count < 20 { diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: number, column: column), message)) }
        }
        let bytes = line.last == UInt8(ascii: "\r") ? Array(line.dropLast()) : Array(line)
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
        guard String(validating: bytes, as: UTF8.self) != nil else { fail("the line is not valid UTF-8"); continue }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { fail(error.message, column: error.column); continue }
        guard case .object(let object) = value else { fail("expected a JSON object with \"text\""); continue }
        guard let text = object["text"]?.stringValue else { fail("missing string field \"text\""); continue }
        let label = object["label"]?.stringValue ?? object["intent"]?.stringValue
        if needLabel, label == nil { fail("missing string field \"label\""); continue }
        rows.append((text, label))
    }
    if !diagnostics.isEmpty {
        throw FrontdeskError(.invalidData, "\(path) has bad lines", diagnostics: diagnostics)
    }
    return rows
}

struct ModerationEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Precision and recall of moderation per category on labelled messages.",
        discussion: """
            Reads JSON Lines {"text": ..., "label": ...}. A label is a category (insult, \
            profanity, hate, threat, sexual_harassment, self_harm, spam), a generic offensive \
            label (offensive, OFF, OFFENSE, abusive, toxic), or a clean one (none, NOT, OTHER, \
            clean). A message counts as flagged when moderation finds a clear or severe hit \
            (a single borderline word leads to nothing in a conversation either).
            """)

    @Option(name: .long, help: ArgumentHelp("The labelled messages (JSON Lines).", valueName: "file"))
    var data: String

    @Flag(name: .long, help: "Count borderline hits as flagged too.")
    var includeBorderline = false

    @Option(name: .long, help: ArgumentHelp("Print up to this many false alarms and misses.", valueName: "n"))
    var show: Int = 0

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let rows: [(text: String, label: String?)]
        do { rows = try readTextLines(data, needLabel: true) } catch { report(error); throw ExitCode(2) }
        var examples: [ModerationEvaluation.Example] = []
        var unknown: [String: Int] = [:]
        for row in rows {
            guard let label = ModerationEvaluation.Label(row.label ?? "") else { unknown[row.label ?? "", default: 0] += 1; continue }
            examples.append(.init(text: row.text, label: label))
        }
        if !unknown.isEmpty {
            printError("error: \(data): unknown labels: \(unknown.sorted { $0.key < $1.key }.map { "\"\($0.key)\" (\($0.value)×)" }.joined(separator: ", ")); use a category, offensive, or none")
            throw ExitCode(2)
        }
        let result = ModerationEvaluation.run(examples, moderator: .builtin, minimum: includeBorderline ? .borderline : .clear)
        func number(_ value: Double?) -> JSONValue { value.map { .rounded($0, digits: 4) } ?? .null }
        func scoreJSON(_ s: ModerationEvaluation.Score) -> JSONValue {
            ["precision": number(s.precision), "recall": number(s.recall), "f1": number(s.f1), "support": .int(s.support),
             "flagged": .int(s.truePositives + s.falsePositives)]
        }
        if json {
            var categories: [String: JSONValue] = [:]
            for (category, score) in result.categories { categories[category.rawValue] = scoreJSON(score) }
            let object: JSONValue = ["messages": .int(result.messages), "any": scoreJSON(result.any), "categories": .object(JSONObject(sorted: categories))]
            output(object.serialized)
            return
        }
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.1f %%", $0 * 100) } ?? "     -  " }
        output("\(result.messages) messages")
        output("category           precision    recall        F1  support  flagged")
        func row(_ name: String, _ s: ModerationEvaluation.Score) {
            output(name.padding(toLength: 17, withPad: " ", startingAt: 0) + "  " + percent(s.precision) + "  " + percent(s.recall) + "  "
                   + percent(s.f1) + String(format: "  %7d  %7d", s.support, s.truePositives + s.falsePositives))
        }
        row("any (offensive)", result.any)
        for category in ModerationCategory.allCases {
            if let score = result.categories[category] { row(category.rawValue, score) }
        }
        if show > 0 {
            output("\nfalse alarms (labelled fine, flagged):")
            for alarm in result.falseAlarms.prefix(show) { output("  [\(alarm.categories.map(\.rawValue).joined(separator: ","))] \(alarm.text)") }
            output("\nmisses (labelled offensive, not flagged):")
            for miss in result.misses.prefix(show) { output("  \(miss)") }
        }
    }
}

struct ModerationBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "How many ordinary messages are flagged, and the time moderation, sentiment and masking add per message.",
        discussion: """
            Reads JSON Lines with a "text" field (any other field is ignored), for example the \
            intent datasets, whose customer messages are not abusive. Prints how many are \
            flagged (clear or severe; borderline counted apart), with examples, and the time \
            per message of moderation, sentiment and masking together (each message timed on \
            its own, after a warm-up). Build with -c release to measure what users get.
            """)

    @Argument(help: ArgumentHelp("JSON Lines files of messages.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Print up to this many flagged messages.", valueName: "n"))
    var show: Int = 10

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        var texts: [String] = []
        for file in files {
            do { texts += try readTextLines(file, needLabel: false).map(\.text) } catch { report(error); throw ExitCode(2) }
        }
        guard !texts.isEmpty else { printError("error: no messages"); throw ExitCode(2) }
        let moderator = Moderator.builtin
        let sentiment = SentimentAnalyzer.builtin
        var flagged: [(String, [ModerationHit])] = []
        var borderline = 0
        var byCategory: [ModerationCategory: Int] = [:]
        for text in texts.prefix(200) { _ = moderator.assess(text); _ = sentiment.score(text); _ = PersonalData.mask(text) }  // warm-up
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(texts.count)
        var sink = 0.0
        for text in texts {
            let start = clock.now
            let hits = moderator.assess(text)
            sink += sentiment.score(text)
            sink += Double(PersonalData.mask(text).found.count)
            times.append((clock.now - start).seconds * 1_000_000)
            let serious = hits.filter { $0.severity >= .clear }
            if !serious.isEmpty {
                flagged.append((text, serious))
                for hit in serious { byCategory[hit.category, default: 0] += 1 }
            } else if !hits.isEmpty {
                borderline += 1
            }
        }
        times.sort()
        func percentile(_ p: Double) -> Double { times[min(times.count - 1, Int((Double(times.count) * p).rounded(.up)) - 1)] }
        let mean = times.reduce(0, +) / Double(times.count)
        let rate = Double(flagged.count) / Double(texts.count)
        if json {
            var categories: [String: JSONValue] = [:]
            for (category, count) in byCategory { categories[category.rawValue] = .int(count) }
            output(JSONValue.object(JSONObject(sorted: [
                "messages": .int(texts.count), "flagged": .int(flagged.count), "flagged_rate": .rounded(rate, digits: 6),
                "borderline": .int(borderline), "categories": .object(JSONObject(sorted: categories)),
                "us_mean": .rounded(mean, digits: 2), "us_p50": .rounded(percentile(0.5), digits: 2), "us_p99": .rounded(percentile(0.99), digits: 2),
                "checksum": .rounded(sink, digits: 1),
            ])).serialized)
            return
        }
        output("\(texts.count) messages: \(flagged.count) flagged (\(String(format: "%.3f", rate * 100)) %), \(borderline) borderline only (no action)")
        if !byCategory.isEmpty {
            output("by category: " + byCategory.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        output(String(format: "moderation + sentiment + masking per message: mean %.1f µs, p50 %.1f µs, p99 %.1f µs", mean, percentile(0.5), percentile(0.99)))
        for (text, hits) in flagged.prefix(show) {
            output("  [\(hits.map { "\($0.category.rawValue) \($0.severity.rawValue): \($0.term)" }.joined(separator: "; "))] \(text)")
        }
    }
}

struct ModerationCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Show what moderation, sentiment and masking make of one message.")

    @Argument(help: "The message.")
    var text: String

    func run() throws {
        let hits = Moderator.builtin.assess(text)
        if hits.isEmpty { output("moderation: nothing flagged") }
        for hit in hits { output("moderation: \(hit.category.rawValue) \(hit.severity.rawValue) (list entry: \(hit.term))") }
        output(String(format: "sentiment: %+.2f", SentimentAnalyzer.builtin.score(text)))
        let masked = PersonalData.mask(text)
        output("stored as: \(masked.text)" + (masked.found.isEmpty ? "" : " (masked: \(masked.found.map(\.rawValue).joined(separator: ", ")))"))
        if BotQuestion.isAsking(text) { output("asks whether the bot is a bot: yes") }
    }
}
