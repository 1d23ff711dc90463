import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskKnowledge
import FrontdeskStore
import Logging

/// A query with the articles that answer it.
struct KnowledgeQuery {
    let text: String
    let relevant: Set<String>
    let line: Int
}

/// Reads `{"text": ..., "article": "id"}` (or `"article": ["id", ...]`) lines.
func readKnowledgeQueries(_ path: String) throws(FrontdeskError) -> [KnowledgeQuery] {
    guard let data = FileManager.default.contents(atPath: path) else { throw FrontdeskError(.io, "\(path): cannot read the file") }
    var queries: [KnowledgeQuery] = []
    var diagnostics: [Diagnostic] = []
    for (offset, line) in String(decoding: data, as: UTF8.self).sourceLines.enumerated() where !line.allSatisfy(\.isWhitespace) {
        let number = offset + 1
        func fail(_ message: String, column: Int = 1) {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: number, column: column), message,
                                          sourceLine: line.count <= 300 ? line : nil))
        }
        let value: JSONValue
        do { value = try JSONParser.parse(Array(line.utf8)) } catch { fail("invalid JSON: \(error.message)", column: error.column); continue }
        guard case .string(let text)? = value["text"] else { fail("expected {\"text\": ..., \"article\": ...} with a text"); continue }
        let relevant: [String]
        switch value["article"] {
        case .string(let id)?: relevant = [id]
        case .number(let id)?: relevant = [id]
        case .array(let items)?: relevant = items.compactMap(\.stringValue)
        default: fail("expected an \"article\": the id of the article that answers the query (or a list of ids)"); continue
        }
        queries.append(KnowledgeQuery(text: text, relevant: Set(relevant), line: number))
    }
    if !diagnostics.isEmpty { throw FrontdeskError(.invalidData, "\(path): \(diagnostics.count) bad lines", diagnostics: diagnostics) }
    if queries.isEmpty { throw FrontdeskError(.invalidData, "\(path): no queries") }
    return queries
}

/// Retrieval quality and speed over a set of queries.
struct RetrievalReport {
    var queries = 0
    var atOne = 0
    var atThree = 0
    var reciprocalRanks = 0.0
    var latencies: [Double] = []
    /// The query of each latency, in the same order.
    var texts: [String] = []
    /// (best score, whether the best is relevant) per query, for the threshold table.
    var best: [(score: Double, relevant: Bool)] = []
    var misses: [(query: KnowledgeQuery, got: [KnowledgeHit])] = []

    var pAt1: Double { queries == 0 ? 0 : Double(atOne) / Double(queries) }
    var recallAt3: Double { queries == 0 ? 0 : Double(atThree) / Double(queries) }
    var mrrAt10: Double { queries == 0 ? 0 : reciprocalRanks / Double(queries) }
    var msPerQuery: Double { latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count) }
    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func run(_ queries: [KnowledgeQuery], knowledge: KnowledgeBase, language: LanguageCode?) -> RetrievalReport {
        run(queries) { text in
            knowledge.search(text, language: language ?? detectLanguage(text), scope: .all, limit: 10)
        }
    }

    /// The baseline: a plain FTS5 `MATCH` of the raw words (scores are not comparable; 0).
    static func run(_ queries: [KnowledgeQuery], baseline: PlainFullTextIndex) -> RetrievalReport {
        run(queries) { text in
            let ids = baseline.search(text, limit: 10)
            return KnowledgeResult(candidates: ids.map { KnowledgeHit(article: $0, title: "", url: nil, language: nil, score: 0) }, best: nil)
        }
    }

    static func run(_ queries: [KnowledgeQuery], search: (String) -> KnowledgeResult) -> RetrievalReport {
        var report = RetrievalReport()
        for query in queries {
            let start = ContinuousClock.now
            let result = search(query.text)
            report.latencies.append((ContinuousClock.now - start).seconds * 1000)
            report.texts.append(query.text)
            let ids = result.candidates.map(\.article)
            report.queries += 1
            if let first = ids.first, query.relevant.contains(first) { report.atOne += 1 } else { report.misses.append((query, result.candidates)) }
            if ids.prefix(3).contains(where: query.relevant.contains) { report.atThree += 1 }
            if let rank = ids.firstIndex(where: query.relevant.contains) { report.reciprocalRanks += 1 / Double(rank + 1) }
            report.best.append((result.candidates.first?.score ?? 0, ids.first.map(query.relevant.contains) ?? false))
        }
        return report
    }

    /// At each threshold: the share of queries answered and how often the answer is right.
    func thresholdTable(_ thresholds: [Double]) -> [(threshold: Double, answered: Double, precision: Double)] {
        thresholds.map { t in
            let answered = best.filter { $0.score >= t }
            let right = answered.filter(\.relevant).count
            return (t, Double(answered.count) / Double(max(1, best.count)), answered.isEmpty ? 0 : Double(right) / Double(answered.count))
        }
    }
}

extension KnowledgeCommand {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Measure retrieval on queries with known answers: P@1, Recall@3, MRR@10 and time per query.",
            discussion: """
                Queries are JSON Lines: {"text": "...", "article": "id"} per line ("article" may \
                be a list of ids). Each query is searched as the bot searches a customer's message.
                """)

        @Option(name: .long, help: ArgumentHelp("The queries (JSON Lines).", valueName: "file"))
        var queries: String

        @Option(name: .long, help: ArgumentHelp("The queries' language (default: the articles' when they all have one, else detected per query: English or German).", valueName: "code"))
        var language: String?

        @Option(name: .long, help: ArgumentHelp("Write the queries whose best article is wrong here (JSON Lines).", valueName: "file"))
        var errors: String?

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Also list the N slowest queries with their times (on stderr).", valueName: "n"))
        var slowest = 0

        @Flag(name: .long, help: "Measure the baseline instead: a plain FTS5 MATCH of the query's words on the raw title and body, ranked by BM25.")
        var baseline = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let language, !LanguageCode.isKnown(language) { throw ValidationError("--language must be a language code such as en or de") }
        }

        func run() throws {
            let loaded: [KnowledgeQuery]
            do { loaded = try readKnowledgeQueries(queries) } catch { report(error); throw ExitCode(2) }
            let (db, knowledge) = try store.open()
            let result: RetrievalReport
            if baseline {
                do {
                    let index = try PlainFullTextIndex(articles: try db.knowledgeArticles().map(\.article))
                    result = RetrievalReport.run(loaded, baseline: index)
                } catch {
                    report(error)
                    throw ExitCode(2)
                }
            } else {
                // The first search loads the word list (once per process): not part of a query's time.
                _ = knowledge.search("warm up", language: .english, scope: .all, limit: 1)
                result = RetrievalReport.run(loaded, knowledge: knowledge, language: language.map { LanguageCode($0) } ?? onlyLanguage(db))
            }
            if let errors { try writeMisses(result, to: errors) }
            printReport(result, json: json, extra: [:], thresholds: !baseline)
            for (ms, text) in zip(result.latencies, result.texts).sorted(by: { $0.0 > $1.0 }).prefix(slowest) {
                printError(String(format: "%8.3f ms  ", ms) + text)
            }
        }
    }

    struct Benchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Import articles plus synthetic distractors into a fresh database, then time retrieval on queries.",
            discussion: """
                The synthetic articles are made of the texts of --filler files (JSON Lines with \
                "text" and optionally "intent"; texts of one intent make one article: a title, \
                alternative questions and a body), with a fixed seed. Without --filler they are \
                made of the real articles' sentences. Reports the import time, P@1 among them, and \
                the latency percentiles of retrieval.
                """)

        @Option(name: .long, help: ArgumentHelp("The real articles (a folder, .md, .csv or .jsonl).", valueName: "path"))
        var articles: String

        @OptionGroup var read: ReadOptions

        @Option(name: .long, help: ArgumentHelp("Queries with known answers (JSON Lines).", valueName: "file"))
        var queries: String

        @Option(name: .long, help: ArgumentHelp("How many articles the store holds in all (real plus synthetic).", valueName: "n"))
        var total = 10_000

        @Option(name: .long, help: ArgumentHelp("Texts for the synthetic articles (JSON Lines with \"text\", optionally \"intent\"; repeatable).", valueName: "file"))
        var filler: [String] = []

        @Option(name: .long, help: ArgumentHelp("The SQLite file to create (default: a temporary one, deleted afterwards).", valueName: "file"))
        var db: String?

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            logging.bootstrap()
            let logger = Logger(label: "frontdesk.kb.bench")
            let options = try read.options()
            let real: [Article]
            let loadedQueries: [KnowledgeQuery]
            do {
                real = try ArticleReader.read(path: articles, options: options)
                loadedQueries = try readKnowledgeQueries(queries)
            } catch {
                report(error)
                throw ExitCode(2)
            }
            var texts: [(text: String, group: String)] = []
            for file in filler {
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("error: \(file): cannot read the file")
                    throw ExitCode(2)
                }
                for (number, line) in String(decoding: data, as: UTF8.self).sourceLines.enumerated() where !line.isEmpty {
                    guard let value = try? JSONParser.parse(Array(line.utf8)), case .string(let text)? = value["text"] else {
                        printError("\(file):\(number + 1): error: expected {\"text\": ...}")
                        throw ExitCode(2)
                    }
                    texts.append((text, value["intent"]?.stringValue ?? "line \(number / 20)"))
                }
            }
            let count = max(0, total - real.count)
            let all = real + (texts.isEmpty ? Self.synthetic(count: count, from: real) : Self.synthetic(count: count, texts: texts, language: real.first?.language))
            let path = db ?? NSTemporaryDirectory() + "frontdesk-kb-bench-\(ProcessInfo.processInfo.processIdentifier).sqlite"
            defer {
                if db == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            }
            let store: Store
            do { store = try Store(path: path, logger: logger) } catch { report(error); throw ExitCode(2) }
            let knowledge = KnowledgeBase(store: store, logger: logger)
            let start = ContinuousClock.now
            do { _ = try knowledge.importArticles(all, source: "bench", prune: false) } catch { report(error); throw ExitCode(2) }
            let importSeconds = (ContinuousClock.now - start).seconds
            // The first search loads the word list; it is timed apart.
            let warmStart = ContinuousClock.now
            _ = knowledge.search("warm up", language: options.language ?? .english, scope: .all, limit: 1)
            let warmUp = (ContinuousClock.now - warmStart).seconds * 1000
            let result = RetrievalReport.run(loadedQueries, knowledge: knowledge, language: options.language)
            printReport(result, json: json, extra: [
                "articles": .int(all.count), "import_seconds": .rounded(importSeconds, digits: 3),
                "first_search_ms": .rounded(warmUp, digits: 2),
            ])
        }

        /// Articles made of texts grouped by intent: a title, three alternative questions, and a
        /// body of eight texts of the intent and four of others (a fixed seed).
        static func synthetic(count: Int, texts: [(text: String, group: String)], language: LanguageCode?) -> [Article] {
            guard !texts.isEmpty else { return [] }
            let groups = Dictionary(grouping: texts, by: \.group).values.map { $0.map(\.text) }.sorted { $0[0] < $1[0] }
            var random = SplitMix(seed: 42)
            func pick(_ list: [String]) -> String { list[random.next(list.count)] }
            return (0..<count).map { i in
                let group = groups[i % groups.count]
                let first = pick(group)
                let title = first.prefix(1).uppercased() + first.dropFirst()
                let questions = (0..<3).map { _ in pick(group) }
                var sentences = (0..<8).map { _ in pick(group) } + (0..<4).map { _ in texts[random.next(texts.count)].text }
                sentences = sentences.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." }
                let body = sentences[0..<4].joined(separator: " ") + "\n\n## Details\n\n" + sentences[4...].joined(separator: " ")
                return Article(id: String(format: "synthetic-%05d", i), title: String(title), body: body, language: language, questions: questions)
            }
        }

        /// Articles made of the real ones' sentences, shuffled with a fixed seed.
        static func synthetic(count: Int, from real: [Article]) -> [Article] {
            guard count > 0, !real.isEmpty else { return [] }
            var sentences: [String] = []
            for article in real {
                for part in article.body.split(whereSeparator: { $0 == "." || $0 == "\n" || $0 == "?" || $0 == "!" }) {
                    let sentence = part.trimmingCharacters(in: .whitespaces)
                    if sentence.split(separator: " ").count >= 4 { sentences.append(sentence + ".") }
                }
            }
            let titles = real.map(\.title) + real.flatMap(\.questions)
            guard !sentences.isEmpty else { return [] }
            var random = SplitMix(seed: 42)
            return (0..<count).map { i in
                let titleWords = titles[random.next(titles.count)].split(separator: " ")
                let otherWords = titles[random.next(titles.count)].split(separator: " ")
                let title = (titleWords.prefix(max(1, titleWords.count / 2)) + otherWords.suffix(max(1, otherWords.count / 2))).joined(separator: " ")
                let body = (0..<(4 + random.next(8))).map { _ in sentences[random.next(sentences.count)] }.joined(separator: " ")
                let questions = (0..<2).map { _ in titles[random.next(titles.count)] }
                return Article(id: String(format: "synthetic-%05d", i), title: title, body: body, language: real[0].language, questions: questions)
            }
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}

func writeMisses(_ report: RetrievalReport, to path: String) throws {
    let lines = report.misses.map { miss in
        JSONValue.object(JSONObject(sorted: [
            "text": .string(miss.query.text), "line": .int(miss.query.line),
            "expected": .array(miss.query.relevant.sorted().map(JSONValue.string)),
            "got": .array(miss.got.prefix(3).map { .object(JSONObject(sorted: ["article": .string($0.article), "score": .rounded($0.score, digits: 3)])) }),
        ])).serialized
    }
    do {
        try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        printError("error: \(path): cannot write: \(error.localizedDescription)")
        throw ExitCode(2)
    }
}

func printReport(_ report: RetrievalReport, json: Bool, extra: [String: JSONValue], thresholds: Bool = true) {
    if json {
        var object: [String: JSONValue] = [
            "queries": .int(report.queries), "p_at_1": .rounded(report.pAt1), "recall_at_3": .rounded(report.recallAt3),
            "mrr_at_10": .rounded(report.mrrAt10), "ms_per_query": .rounded(report.msPerQuery, digits: 3),
            "p50_ms": .rounded(report.percentile(0.5), digits: 3), "p95_ms": .rounded(report.percentile(0.95), digits: 3),
            "p99_ms": .rounded(report.percentile(0.99), digits: 3),
        ]
        object.merge(extra) { a, _ in a }
        output(JSONValue.object(JSONObject(sorted: object)).serialized)
        return
    }
    if let articles = extra["articles"]?.intValue, let seconds = extra["import_seconds"]?.doubleValue {
        output("import:    \(articles) articles in \(String(format: "%.2f", seconds)) s")
    }
    output("queries:   \(report.queries)")
    output("P@1:       \(String(format: "%.3f", report.pAt1))")
    output("Recall@3:  \(String(format: "%.3f", report.recallAt3))")
    output("MRR@10:    \(String(format: "%.3f", report.mrrAt10))")
    output("time:      \(String(format: "%.3f", report.msPerQuery)) ms per query (p50 \(String(format: "%.2f", report.percentile(0.5))), p95 \(String(format: "%.2f", report.percentile(0.95))), p99 \(String(format: "%.2f", report.percentile(0.99))) ms)")
    guard thresholds else { return }
    output("by threshold (share of queries answered, share of those answered right):")
    for row in report.thresholdTable([0.3, 0.4, 0.5, 0.6, 0.7]) {
        output("  \(String(format: "%.2f", row.threshold))  answered \(String(format: "%5.1f", row.answered * 100)) %  right \(String(format: "%5.1f", row.precision * 100)) %")
    }
}
