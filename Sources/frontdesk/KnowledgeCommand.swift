import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskKnowledge
import FrontdeskStore
import FrontdeskUnderstanding
import Logging

struct KnowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "The knowledge base: import help articles, list, show, search, remove and evaluate them.",
        discussion: """
            Articles live in the SQLite file. The bot's own articles (its 'articles' folder) are \
            imported whenever the bot loads and they changed; `kb import` adds others, such as a \
            help-centre export. See docs/knowledge-base.md.
            """,
        subcommands: [Import.self, List.self, Show.self, Search.self, Remove.self, Evaluate.self, Benchmark.self])

    /// Options of every kb subcommand.
    struct StoreOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The SQLite file; created with its folder on first use.", valueName: "file"))
        var db: String = ".frontdesk/frontdesk.sqlite"

        @OptionGroup var logging: LoggingOptions

        /// For tuning: ranking parameters as NAME=VALUE (see docs/knowledge-base.md).
        @Option(name: .long, help: .hidden)
        var ranking: [String] = []

        func rankingOptions() throws -> RankingOptions {
            var options = RankingOptions()
            for item in ranking {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Double(parts[1]) else { throw ValidationError("--ranking takes NAME=NUMBER, not '\(item)'") }
                switch parts[0] {
                case "title": options.columnWeights.title = value
                case "questions": options.columnWeights.questions = value
                case "body": options.columnWeights.body = value
                case "bm25": options.bm25Weight = value
                case "question": options.questionWeight = value
                case "coverage": options.coverageWeight = value
                case "proximity": options.proximityWeight = value
                case "candidates": options.candidates = Int(value)
                case "typos": options.typoTolerance = value != 0
                case "synonyms": options.synonyms = value != 0
                case "other": options.otherWordWeight = value
                case "frequent": options.frequentShare = value
                case "frequentMin": options.frequentMinimum = Int(value)
                default: throw ValidationError("unknown ranking parameter '\(parts[0])'")
                }
            }
            return options
        }

        func open() throws -> (Store, KnowledgeBase) {
            logging.bootstrap()
            let logger = Logger(label: "frontdesk.kb")
            let options = try rankingOptions()
            do {
                let store = try Store(path: db, logger: logger)
                return (store, KnowledgeBase(store: store, options: options, logger: logger))
            } catch {
                report(error)
                throw ExitCode(2)
            }
        }
    }

    /// Options for reading articles: the default language and renamed fields.
    struct ReadOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The language of articles that do not name one (default: any language).", valueName: "code"))
        var language: String?

        @Option(name: .customLong("map"), help: ArgumentHelp(
            "Read an article field from another key or column, as FIELD=KEY (repeatable; for example --map title=question).",
            valueName: "field=key"))
        var mappings: [String] = []

        @Flag(name: .long, help: "Lines (or records) with the same id are one article: their bodies are joined.")
        var merge = false

        func options() throws -> ArticleReader.Options {
            var names: [String: String] = [:]
            for mapping in mappings {
                let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ArticleReader.fields.contains(parts[0]), !parts[1].isEmpty else {
                    throw ValidationError("--map takes FIELD=KEY with FIELD one of \(ArticleReader.fields.joined(separator: ", ")), not '\(mapping)'")
                }
                names[parts[0]] = parts[1]
            }
            if let language, !LanguageCode.isKnown(language) {
                throw ValidationError("--language must be a language code such as en or de, not '\(language)'")
            }
            return ArticleReader.Options(language: language.map { LanguageCode($0) }, fieldNames: names, mergeRepeatedIDs: merge)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import articles from a folder of Markdown files, a .md, .csv or .jsonl file.",
            discussion: """
                Re-importing is idempotent: changed articles are updated, unchanged ones left \
                alone. With --prune, articles imported earlier from the same path and missing now \
                are removed. Nothing is changed when any article has an error.
                """)

        @Argument(help: ArgumentHelp("A folder of Markdown articles, or a .md, .csv or .jsonl file.", valueName: "path"))
        var path: String

        @Flag(name: .long, help: "Remove articles imported earlier from this path that are no longer in it.")
        var prune = false

        @OptionGroup var read: ReadOptions
        @OptionGroup var store: StoreOptions

        func run() throws {
            let options = try read.options()
            let (_, knowledge) = try store.open()
            let start = ContinuousClock.now
            do {
                let articles = try ArticleReader.read(path: path, options: options)
                let report = try knowledge.importArticles(articles, source: KnowledgeBase.sourceName(path), prune: prune,
                                                          fingerprint: ArticleReader.fingerprint(of: path))
                let seconds = (ContinuousClock.now - start).seconds
                output("\(path): \(articles.count) article\(articles.count == 1 ? "" : "s"): \(report.summary) (\(String(format: "%.2f", seconds)) s)")
                for (label, ids) in [("added", report.added), ("updated", report.updated), ("removed", report.removed)] where !ids.isEmpty {
                    output("  \(label): " + (ids.count > 12 ? ids.prefix(12).joined(separator: ", ") + ", … (\(ids.count))" : ids.joined(separator: ", ")))
                }
            } catch {
                report(error)
                printError("nothing was imported")
                throw ExitCode(2)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the articles: id, language, updated date and title.")

        @Flag(name: .long, help: "One JSON object per line instead of a table.")
        var json = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            let (db, _) = try store.open()
            let articles: [StoredArticle]
            do { articles = try db.knowledgeArticles() } catch { report(error); throw ExitCode(2) }
            if json {
                for stored in articles { output(articleJSON(stored, body: false).serialized) }
                return
            }
            guard !articles.isEmpty else {
                output("no articles (import some with: frontdesk kb import PATH)")
                return
            }
            let width = min(40, articles.map(\.article.id.count).max() ?? 2)
            for stored in articles {
                let a = stored.article
                output("\(a.id.padding(toLength: max(width, a.id.count), withPad: " ", startingAt: 0))  \(a.language?.rawValue ?? "--")  \(a.updated ?? "          ")  \(a.title)")
            }
            output("\(articles.count) article\(articles.count == 1 ? "" : "s")")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one article: its fields, alternative questions and body.")

        @Argument(help: "The article's id.")
        var id: String

        @Flag(name: .long, help: "One JSON object instead of text.")
        var json = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            let (db, _) = try store.open()
            let found: StoredArticle?
            do { found = try db.knowledgeArticle(id: id) } catch { report(error); throw ExitCode(2) }
            guard let stored = found else {
                printError("error: no article '\(id)' (frontdesk kb list shows them)")
                throw ExitCode(1)
            }
            if json {
                output(articleJSON(stored, body: true).serialized)
                return
            }
            let a = stored.article
            output("id:        \(a.id)")
            output("title:     \(a.title)")
            output("language:  \(a.language?.rawValue ?? "any")")
            if let url = a.url { output("url:       \(url)") }
            if let updated = a.updated { output("updated:   \(updated)") }
            if !a.tags.isEmpty { output("tags:      \(a.tags.joined(separator: ", "))") }
            output("source:    \(stored.source)")
            if !a.questions.isEmpty {
                output("questions:")
                for q in a.questions { output("  - \(q)") }
            }
            output("")
            output(a.body)
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the articles as the bot does: ranked, with scores and the matching passage.")

        @Argument(parsing: .remaining, help: "The query, as a customer would write it.")
        var query: [String]

        @Option(name: .long, help: ArgumentHelp("The query's language (default: the articles' when they all have one, else detected: English or German).", valueName: "code"))
        var language: String?

        @Option(name: .long, help: ArgumentHelp("How many articles to show.", valueName: "n"))
        var limit = 5

        @Option(name: .long, help: ArgumentHelp("The score from which the bot answers (for marking results).", valueName: "x"))
        var threshold = KnowledgeSettings().threshold

        @Flag(name: .long, help: "One JSON object instead of text.")
        var json = false

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard !query.joined().isEmpty else { throw ValidationError("give a query, for example: frontdesk kb search how do I install on a second laptop") }
            if let language, !LanguageCode.isKnown(language) { throw ValidationError("--language must be a language code such as en or de") }
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100") }
        }

        func run() throws {
            let (db, knowledge) = try store.open()
            let text = query.joined(separator: " ")
            let language = self.language.map { LanguageCode($0) } ?? onlyLanguage(db) ?? detectLanguage(text)
            let start = ContinuousClock.now
            let found = knowledge.rank(text, language: language, limit: limit)
            let elapsed = (ContinuousClock.now - start).seconds * 1000
            let results = found.ranked.map { ranked in (ranked, knowledge.passage(of: ranked.hit.article, for: found.query) ?? "") }
            if json {
                let items: [JSONValue] = results.map { ranked, passage in
                    let hit = ranked.hit
                    return .object(JSONObject(sorted: [
                        "article": .string(hit.article), "title": .string(hit.title), "url": hit.url.map(JSONValue.string) ?? .null,
                        "score": .rounded(hit.score, digits: 3), "passage": .string(passage), "answers": .bool(hit.score >= threshold),
                    ]))
                }
                output(JSONValue.object(JSONObject(sorted: [
                    "query": .string(text), "language": .string(language.rawValue), "results": .array(items),
                    "ms": .rounded(elapsed, digits: 3),
                ])).serialized)
                return
            }
            guard !results.isEmpty else {
                output("no article matches (language \(language); words searched: \(found.query.terms.map(\.stem).joined(separator: " ")))")
                return
            }
            for (index, (ranked, passage)) in results.enumerated() {
                let hit = ranked.hit
                let verdict = hit.score >= threshold ? "answers" : "below the threshold \(threshold)"
                output("\(index + 1). \(hit.article)  score \(String(format: "%.3f", hit.score)) (\(verdict))")
                output("   \(hit.title)" + (hit.url.map { " – \($0)" } ?? ""))
                output("   similarity to title/questions \(String(format: "%.2f", ranked.questionSimilarity)), coverage \(String(format: "%.2f", ranked.coverage)), proximity \(String(format: "%.2f", ranked.proximity)), bm25 \(String(format: "%.2f", ranked.bm25))")
                for line in passage.split(separator: "\n") { output("   | \(line)") }
            }
            output("(\(language), \(String(format: "%.2f", elapsed)) ms)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove one article.")

        @Argument(help: "The article's id.")
        var id: String

        @OptionGroup var store: StoreOptions

        func run() throws {
            let (db, _) = try store.open()
            let removed: Bool
            let source: String?
            do {
                source = try db.knowledgeArticle(id: id)?.source
                removed = try db.removeKnowledgeArticle(id: id)
            } catch {
                report(error)
                throw ExitCode(2)
            }
            guard removed else {
                printError("error: no article '\(id)' (frontdesk kb list shows them)")
                throw ExitCode(1)
            }
            output("removed \(id)")
            if let source, FileManager.default.fileExists(atPath: source) {
                printError("note: it was imported from \(source); it comes back when that is imported again (delete it there to remove it for good)")
            }
        }
    }
}

/// English or German, whichever the message looks more like (English when unsure).
func detectLanguage(_ text: String) -> LanguageCode {
    englishOrGerman.detect(text)?.language ?? .english
}

/// Made once: building a detector reads its word lists.
let englishOrGerman = LanguageDetector(samples: [.english: [], .german: []])

/// The language of every article when they all have the same one (then queries need no
/// detection).
func onlyLanguage(_ store: Store) -> LanguageCode? {
    guard let languages = try? store.knowledgeLanguages(), languages.count == 1, let only = languages.first else { return nil }
    return only
}

func articleJSON(_ stored: StoredArticle, body: Bool) -> JSONValue {
    let a = stored.article
    var object: [String: JSONValue] = [
        "id": .string(a.id), "title": .string(a.title), "language": a.language.map { .string($0.rawValue) } ?? .null,
        "url": a.url.map(JSONValue.string) ?? .null, "updated": a.updated.map(JSONValue.string) ?? .null,
        "tags": .array(a.tags.map(JSONValue.string)), "questions": .array(a.questions.map(JSONValue.string)),
        "source": .string(stored.source),
    ]
    if body { object["body"] = .string(a.body) }
    return .object(JSONObject(sorted: object))
}
