import Foundation
import FrontdeskCore
import FrontdeskStore
import FrontdeskUnderstanding
import Logging
import Synchronization

/// The knowledge base in the store: importing articles, and finding the passage that answers
/// a customer's message.
///
/// Articles are indexed with the words analysed the way intent matching analyses messages
/// (folded, tokenised, stemmed in the article's language); a query is built from the message
/// the same way, so customer text never reaches FTS5 as syntax. Retrieval: BM25 over title,
/// alternative questions and body finds candidates; they are re-ranked by how much of the
/// message they cover (weighted by how rare each word is), how close the message is to the
/// title or an alternative question, and how close together the words are in the body.
public final class KnowledgeBase: KnowledgeSearching, Sendable {
    public let store: Store
    public let options: RankingOptions
    let logger: Logger
    /// The language whose analyser indexes articles without a language.
    let defaultLanguage: LanguageCode
    private let analyzers = Mutex<[LanguageCode: Analyzer]>([:])
    private let synonymTables = Mutex<[LanguageCode: [String: [String]]]>([:])

    func synonyms(for analyzer: Analyzer) -> [String: [String]] {
        synonymTables.withLock { cache in
            if let table = cache[analyzer.language] { return table }
            let table = Synonyms.table(for: analyzer.language, stemmer: analyzer.stemmer)
            cache[analyzer.language] = table
            return table
        }
    }
    private let vocabulary = Mutex<Vocabulary?>(nil)

    public init(store: Store, options: RankingOptions = RankingOptions(), defaultLanguage: LanguageCode = .english,
                logger: Logger = Logger(label: "frontdesk.knowledge")) {
        self.store = store
        self.options = options
        self.defaultLanguage = defaultLanguage
        self.logger = logger
    }

    func analyzer(for language: LanguageCode?) -> Analyzer {
        let language = language ?? defaultLanguage
        return analyzers.withLock { cache in
            if let analyzer = cache[language] { return analyzer }
            let analyzer = Analyzer(language: language)
            cache[language] = analyzer
            return analyzer
        }
    }

    // MARK: - Import

    public struct ImportReport: Sendable, Equatable {
        public var added: [String] = []
        public var updated: [String] = []
        public var unchanged: Int = 0
        public var removed: [String] = []
        /// The source had not changed since its last import: nothing was read.
        public var skipped = false

        public var summary: String {
            if skipped { return "unchanged since the last import" }
            return "\(added.count) added, \(updated.count) updated, \(unchanged) unchanged, \(removed.count) removed"
        }
    }

    /// Brings the articles of `source` in line with `articles`: new ones are added, changed
    /// ones replaced, unchanged ones left alone; with `prune`, articles of the same source that
    /// are no longer there are removed. An article with the same id from another source is
    /// replaced (it moves to this source). One transaction: all or nothing.
    public func importArticles(_ articles: [Article], source: String, prune: Bool, fingerprint: String? = nil,
                               now: Date = Date()) throws(FrontdeskError) -> ImportReport {
        var report = ImportReport()
        let existing = try store.knowledgeHashes()
        var upserts: [IndexedArticle] = []
        for article in articles {
            if let stored = existing[article.id] {
                // An unchanged article imported earlier from another source is written again: it
                // moves to this source (and is pruned with it).
                if stored.hash == article.contentHash, stored.source == source {
                    report.unchanged += 1
                    continue
                }
                report.updated.append(article.id)
            } else {
                report.added.append(article.id)
            }
            upserts.append(index(article))
        }
        if prune {
            let present = Set(articles.map(\.id))
            report.removed = existing.filter { $0.value.source == source && !present.contains($0.key) }.map(\.key).sorted()
        }
        try store.applyKnowledge(upserts: upserts, removals: report.removed, source: source, fingerprint: fingerprint, at: now)
        logger.info("imported articles", metadata: [
            "source": "\(source)", "added": "\(report.added.count)", "updated": "\(report.updated.count)",
            "unchanged": "\(report.unchanged)", "removed": "\(report.removed.count)",
        ])
        return report
    }

    /// Imports a bot's article folder when its files changed since the last import (pruning
    /// articles whose files are gone). `nil` when there is no such folder.
    public func importFolderIfChanged(_ path: String, options: ArticleReader.Options = ArticleReader.Options(),
                                      now: Date = Date()) throws(FrontdeskError) -> ImportReport? {
        let source = Self.sourceName(path)
        guard let fingerprint = ArticleReader.fingerprint(of: path) else {
            // The folder is gone: so are its articles (nothing to do when there were none).
            guard try store.knowledgeHashes().contains(where: { $0.value.source == source }) else { return nil }
            return try importArticles([], source: source, prune: true, fingerprint: nil, now: now)
        }
        if try store.knowledgeFingerprint(source: source) == fingerprint {
            var report = ImportReport()
            report.skipped = true
            return report
        }
        let articles = try ArticleReader.read(path: path, options: options)
        return try importArticles(articles, source: source, prune: true, fingerprint: fingerprint, now: now)
    }

    /// The name a path is recorded under: absolute and standardised, so that the same folder
    /// is the same source from any working directory.
    public static func sourceName(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// The words indexed for an article.
    func index(_ article: Article) -> IndexedArticle {
        let analyzer = analyzer(for: article.language)
        let title = analyzer.analyze(article.title).stems.joined(separator: " ")
        // Questions are separated by `|` (not a word for FTS5), so that each can be compared on its own.
        let questions = article.questions.map { analyzer.analyze($0).stems.joined(separator: " ") }.joined(separator: " | ")
        var passages: [StoredPassage] = []
        var body: [String] = []
        var previousHeading: String?
        for passage in MarkdownText.passages(article.body) {
            let terms = analyzer.analyze(passage.words).stems.joined(separator: " ")
            let headingTerms = passage.heading.map { analyzer.analyze($0).stems.joined(separator: " ") } ?? ""
            // A heading is indexed once, not with every part of a long section.
            if passage.heading != previousHeading, !headingTerms.isEmpty { body.append(headingTerms) }
            previousHeading = passage.heading
            body.append(terms)
            passages.append(StoredPassage(heading: passage.heading, text: passage.text, terms: terms, headingTerms: headingTerms))
        }
        return IndexedArticle(article: article, titleTerms: title, questionTerms: questions, bodyTerms: body.joined(separator: " "),
                              passages: passages)
    }

    // MARK: - Search

    /// A candidate with the measures it was ranked by.
    public struct Ranked: Sendable {
        public let hit: KnowledgeHit
        /// BM25 relative to the best candidate's (1 for the best).
        public let bm25: Double
        /// Best similarity of the message to the title or an alternative question.
        public let questionSimilarity: Double
        /// Share of the message's weight found anywhere in the article.
        public let coverage: Double
        /// Share of the message's weight found close together in the body.
        public let proximity: Double
        /// What candidates are ordered by.
        public let rank: Double
    }

    /// Everything `search` considered: the analysed query and the ranked candidates.
    public struct Search: Sendable {
        public let query: Query
        public let ranked: [Ranked]
    }

    public func search(_ text: String, language: LanguageCode, scope: KnowledgeScope, limit: Int) -> KnowledgeResult {
        let found = rank(text, language: language, scope: scope, limit: limit)
        guard let best = found.ranked.first else { return KnowledgeResult(candidates: [], best: nil) }
        let passage = self.passage(of: best.hit.article, for: found.query) ?? ""
        return KnowledgeResult(candidates: found.ranked.map(\.hit), best: KnowledgeAnswer(hit: best.hit, passage: passage))
    }

    /// The candidates for a message, best first, with their measures.
    public func rank(_ text: String, language: LanguageCode, scope: KnowledgeScope = .all, limit: Int = 10) -> Search {
        let vocabulary = currentVocabulary()
        // No articles (a bot without a knowledge base): nothing to look up.
        guard vocabulary.articles > 0 else { return Search(query: Query.empty, ranked: []) }
        let analyzer = analyzer(for: language)
        let query = Query(text, analyzer: analyzer, vocabulary: vocabulary, synonyms: options.synonyms ? synonyms(for: analyzer) : [:],
                          options: options)
        guard !query.terms.isEmpty else { return Search(query: query, ranked: []) }
        let matches: [IndexMatch]
        do {
            matches = try store.knowledgeMatches(terms: query.candidateTerms(vocabulary, options: options), language: language, scope: scope,
                                                 weights: options.columnWeights, limit: options.candidates)
        } catch {
            logger.warning("cannot search the knowledge base", metadata: ["error": "\(error)"])
            return Search(query: query, ranked: [])
        }
        guard !matches.isEmpty else { return Search(query: query, ranked: []) }
        let bestBM25 = matches.map { -$0.bm25 }.max() ?? 1
        let words = query.words
        var ranked: [(match: IndexMatch, measures: Measures, rank: Double)] = matches.map { match in
            let measures = Measures(match, query: query, words: words, vocabulary: vocabulary, otherWordWeight: options.otherWordWeight)
            let bm25 = bestBM25 > 0 ? -match.bm25 / bestBM25 : 0
            let rank = options.bm25Weight * bm25 + measures.score(options)
            return (match, measures, rank)
        }
        ranked.sort { $0.rank != $1.rank ? $0.rank > $1.rank : $0.match.id < $1.match.id }
        let top = ranked.prefix(limit)
        return Search(query: query, ranked: top.map { item in
            let a = item.match
            let hit = KnowledgeHit(article: a.id, title: a.title, url: a.url, language: a.language,
                                   score: (item.measures.score(options) * 1000).rounded() / 1000)
            return Ranked(hit: hit, bm25: bestBM25 > 0 ? -item.match.bm25 / bestBM25 : 0, questionSimilarity: item.measures.questionSimilarity,
                          coverage: item.measures.coverage, proximity: item.measures.proximity, rank: item.rank)
        })
    }

    /// Passages shorter than this are quoted with the next one.
    static let shortPassage = 160

    /// The passage of an article that best answers the query: the one holding most of the
    /// query's weight (a heading counts again), the earlier one on a tie; a short one with
    /// the next.
    public func passage(of articleID: String, for query: Query) -> String? {
        guard let passages = try? store.knowledgePassages(articleID: articleID), !passages.isEmpty else { return nil }
        let words = query.words
        var best = 0
        var bestScore = 0.0
        for (index, passage) in passages.enumerated() {
            var inText = [Double](repeating: 0, count: query.terms.count)
            var inHeading = inText
            words.scan(passage.terms) { _, word, _ in
                if let word { inText[words.term[word]] = max(inText[words.term[word]], words.weight[word]) }
            }
            words.scan(passage.headingTerms) { _, word, _ in
                if let word { inHeading[words.term[word]] = max(inHeading[words.term[word]], words.weight[word]) }
            }
            var score = 0.0
            for t in query.terms.indices { score += query.terms[t].idf * (inText[t] + inHeading[t]) }
            if score > bestScore + 1e-9 {
                best = index
                bestScore = score
            }
        }
        func quoted(_ passage: StoredPassage) -> String {
            passage.heading.map { $0.isEmpty ? passage.text : $0 + "\n" + passage.text } ?? passage.text
        }
        var answer = quoted(passages[best])
        // A short passage (an introduction) says little on its own: the next one follows it.
        if answer.count < Self.shortPassage, best + 1 < passages.count {
            answer += "\n\n" + quoted(passages[best + 1])
        }
        return MarkdownText.shortened(answer, limit: options.maxPassageCharacters)
    }

    /// The vocabulary, reloaded when the articles changed.
    func currentVocabulary() -> Vocabulary {
        let generation = (try? store.knowledgeGeneration()) ?? -1
        if let cached = vocabulary.withLock({ $0 }), cached.generation == generation { return cached }
        let loaded: Vocabulary
        do {
            let (terms, articles) = try store.knowledgeVocabulary()
            loaded = Vocabulary(terms: terms, articles: articles, generation: generation)
        } catch {
            logger.warning("cannot read the knowledge base's words", metadata: ["error": "\(error)"])
            loaded = Vocabulary(terms: [], articles: 0, generation: -1)
        }
        vocabulary.withLock { $0 = loaded }
        return loaded
    }
}

/// How retrieval ranks; the defaults are tuned on the StackFAQ development queries.
public struct RankingOptions: Sendable, Hashable {
    /// BM25 weights of the title, the alternative questions and the body.
    public var columnWeights = ColumnWeights(title: 4, questions: 3, body: 1)
    /// How many BM25 candidates are re-ranked.
    public var candidates = 20
    /// Words in more than this share of the articles (and more than `frequentMinimum`) do not
    /// search for candidates (they still count in re-ranking).
    public var frequentShare = 0.01
    public var frequentMinimum = 100
    /// Weight of the relative BM25 score in the ranking (the rest is the match score).
    public var bm25Weight = 0.1
    /// Weights of the match score's parts (they sum to 1): similarity to the title or an
    /// alternative question, coverage of the message's words, closeness in the body.
    public var questionWeight = 0.7
    public var coverageWeight = 0.2
    public var proximityWeight = 0.1
    /// How much a word of a title or question that is not in the message counts against the
    /// similarity (times its rarity).
    public var otherWordWeight = 0.5
    /// Words not in the index are matched to indexed ones one edit away (two for long words).
    public var typoTolerance = true
    /// Words of the message also find their synonyms (English and German lists).
    public var synonyms = true
    /// Passages are at most this long.
    public var maxPassageCharacters = 700

    public init() {}
}

/// The indexed words with their document frequencies, and an index for typo look-ups.
public struct Vocabulary: Sendable {
    let documentFrequency: [String: Int]
    let articles: Int
    let generation: Int64
    /// The idf of every word by the hash queries scan text with.
    let idfByHash: [UInt64: Double]
    /// Words by first character and length, for finding near misses.
    let buckets: [BucketKey: [[Unicode.Scalar]]]

    struct BucketKey: Hashable {
        let first: Unicode.Scalar
        let length: Int
    }

    init(terms: [(term: String, articles: Int)], articles: Int, generation: Int64) {
        var frequency: [String: Int] = [:]
        frequency.reserveCapacity(terms.count)
        var buckets: [BucketKey: [[Unicode.Scalar]]] = [:]
        for (term, count) in terms where !Store.isMetaToken(term) {
            frequency[term] = count
            let scalars = Array(term.unicodeScalars)
            guard scalars.count >= 3, let first = scalars.first, !first.properties.numericType.map({ _ in true }).isTrue else { continue }
            buckets[BucketKey(first: first, length: scalars.count), default: []].append(scalars)
        }
        self.documentFrequency = frequency
        self.articles = articles
        let n = Double(max(articles, 1))
        var idfs: [UInt64: Double] = [:]
        idfs.reserveCapacity(terms.count)
        for (term, count) in terms { idfs[QueryWords.hash(term.utf8)] = log(1 + (n - Double(count) + 0.5) / (Double(count) + 0.5)) }
        self.idfByHash = idfs
        self.generation = generation
        self.buckets = buckets
    }

    func frequency(_ term: String) -> Int { documentFrequency[term] ?? 0 }

    /// Inverse document frequency (BM25's, never negative).
    func idf(_ term: String) -> Double {
        let n = Double(max(articles, 1))
        let df = Double(frequency(term))
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// Indexed words within `maxDistance` edits of `term` (same first letter), closest and
    /// most frequent first.
    func nearMisses(_ term: String, maxDistance: Int, limit: Int) -> [(term: String, distance: Int)] {
        let scalars = Array(term.unicodeScalars)
        guard let first = scalars.first else { return [] }
        var found: [(term: String, distance: Int, frequency: Int)] = []
        for length in max(1, scalars.count - maxDistance)...(scalars.count + maxDistance) {
            for candidate in buckets[BucketKey(first: first, length: length)] ?? [] {
                if let distance = boundedEditDistance(scalars, candidate, limit: maxDistance), distance > 0 {
                    let text = String(String.UnicodeScalarView(candidate))
                    found.append((text, distance, frequency(text)))
                }
            }
        }
        found.sort { ($0.distance, -$0.frequency, $0.term) < ($1.distance, -$1.frequency, $1.term) }
        return found.prefix(limit).map { ($0.term, $0.distance) }
    }
}

extension Optional where Wrapped == Bool {
    fileprivate var isTrue: Bool { self == true }
}

/// Levenshtein distance (with adjacent transpositions counting one), or `nil` above `limit`.
func boundedEditDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
    if abs(a.count - b.count) > limit { return nil }
    let n = b.count
    var previous2 = [Int](repeating: 0, count: n + 1)
    var previous = Array(0...n)
    var current = [Int](repeating: 0, count: n + 1)
    for i in 1...max(1, a.count) where !a.isEmpty {
        current[0] = i
        var rowMinimum = current[0]
        for j in stride(from: 1, through: n, by: 1) {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
            current[j] = value
            rowMinimum = min(rowMinimum, value)
        }
        if rowMinimum > limit { return nil }
        (previous2, previous, current) = (previous, current, previous2)
    }
    let distance = a.isEmpty ? n : previous[n]
    return distance <= limit ? distance : nil
}

/// A customer's message as a knowledge query: its content words, each with the indexed words
/// that stand for it (itself, or near misses when it is not indexed, or the parts of a German
/// compound) and its weight.
public struct Query: Sendable {
    public struct Term: Sendable {
        /// The message's word, stemmed.
        public let stem: String
        /// Indexed words matching it, with how much a match counts (1 for the word itself).
        public let alternatives: [(word: String, weight: Double)]
        public let idf: Double
    }

    public let terms: [Term]
    /// The total weight of the terms.
    public let totalWeight: Double
    /// The indexed words of the terms by hash, for scanning analysed text.
    let words: QueryWords

    /// A query with no words.
    static let empty = Query(terms: [])
    private init(terms: [Term]) {
        self.terms = terms
        self.totalWeight = 0
        self.words = QueryWords(terms)
    }

    /// Every indexed word to search for.
    var searchTerms: [String] {
        var seen = Set<String>()
        return terms.flatMap { $0.alternatives.map(\.word) }.filter { seen.insert($0).inserted }
    }

    /// The words that find candidates: frequent words (in more than `frequentShare` of the
    /// articles) would make FTS5 score thousands of rows and say little; they are left out
    /// unless all words are frequent (then the three rarest are kept). Re-ranking still uses
    /// every word.
    func candidateTerms(_ vocabulary: Vocabulary, options: RankingOptions) -> [String] {
        let all = searchTerms
        let limit = max(options.frequentMinimum, Int(Double(vocabulary.articles) * options.frequentShare))
        let rare = all.filter { vocabulary.frequency($0) <= limit }
        if rare.count >= 2 || all.count <= 3 { return rare.isEmpty ? all : rare }
        return Array(all.sorted { vocabulary.frequency($0) < vocabulary.frequency($1) }.prefix(3))
    }

    /// At most this many words of a message are looked up.
    static let maximumTerms = 24

    init(_ text: String, analyzer: Analyzer, vocabulary: Vocabulary, synonyms: [String: [String]] = [:], options: RankingOptions) {
        let analysis = analyzer.analyze(String(text.prefix(2000)))
        let tokens = analysis.tokens, stems = analysis.stems
        let count = tokens.count
        func isStopword(_ i: Int) -> Bool {
            Stopwords.contains(tokens[i], language: analyzer.language) || tokens[i].unicodeScalars.count < 2
        }
        // Two words the articles write as one ("git hub" → "github", "back up" → "backup").
        var joined = [String?](repeating: nil, count: count)
        if count > 1 {
            for i in 0..<(count - 1) {
                let word = analyzer.stemmer.stem(tokens[i] + tokens[i + 1])
                if vocabulary.frequency(word) > 0, vocabulary.frequency(stems[i]) == 0 || vocabulary.frequency(stems[i + 1]) == 0 || isStopword(i + 1) {
                    joined[i] = word
                }
            }
        }
        // Synonyms of a word or a two-word phrase, attached to its first content word.
        var extra = [[(word: String, weight: Double)]](repeating: [], count: count)
        var orphans: [(word: String, weight: Double)] = []
        for i in 0..<count {
            for (key, span) in [(stems[i], 1), (i + 1 < count ? stems[i] + " " + stems[i + 1] : "", 2)] where !key.isEmpty {
                guard let targets = synonyms[key] else { continue }
                let found = targets.filter { vocabulary.frequency($0) > 0 }.map { (word: $0, weight: 0.7) }
                guard !found.isEmpty else { continue }
                if let head = (i..<min(count, i + span)).first(where: { !isStopword($0) }) { extra[head] += found } else { orphans += found }
            }
        }
        var seen = Set<String>()
        var terms: [Term] = []
        // The idf of a word the index does not know: as rare as can be, but it counts half
        // (it may be a misspelling, a name, or a word the articles say differently).
        let unknownIDF = vocabulary.idf("") * 0.5
        var skip = false
        for i in 0..<count where terms.count < Self.maximumTerms {
            if skip { skip = false; continue }
            if let word = joined[i], seen.insert(word).inserted {
                terms.append(Term(stem: word, alternatives: [(word, 1)] + extra[i] + extra[i + 1], idf: vocabulary.idf(word)))
                skip = true
                continue
            }
            let stem = stems[i]
            guard !isStopword(i), !stem.isEmpty, seen.insert(stem).inserted else { continue }
            if vocabulary.frequency(stem) > 0 {
                terms.append(Term(stem: stem, alternatives: [(stem, 1)] + extra[i], idf: vocabulary.idf(stem)))
                continue
            }
            var alternatives: [(word: String, weight: Double)] = extra[i]
            let length = stem.unicodeScalars.count
            if alternatives.isEmpty, options.typoTolerance, length >= 4,
               tokens[i].unicodeScalars.allSatisfy({ !$0.properties.numericType.map { _ in true }.isTrue }) {
                let maxDistance = length >= 8 ? 2 : 1
                for miss in vocabulary.nearMisses(stem, maxDistance: maxDistance, limit: 2) {
                    alternatives.append((miss.term, miss.distance == 1 ? 0.8 : 0.6))
                }
            }
            if alternatives.isEmpty, analyzer.language == .german, length >= 8 {
                alternatives = Self.compoundParts(tokens[i], analyzer: analyzer, vocabulary: vocabulary).map { ($0, 0.7) }
            }
            if alternatives.isEmpty {
                // Still searched, counted at half weight.
                terms.append(Term(stem: stem, alternatives: [(stem, 1)], idf: unknownIDF))
            } else {
                let idf = alternatives.map { vocabulary.idf($0.word) }.max() ?? unknownIDF
                terms.append(Term(stem: stem, alternatives: alternatives, idf: idf))
            }
        }
        for orphan in orphans where seen.insert(orphan.word).inserted && terms.count < Self.maximumTerms {
            terms.append(Term(stem: orphan.word, alternatives: [orphan], idf: vocabulary.idf(orphan.word)))
        }
        self.terms = terms
        self.totalWeight = terms.reduce(0) { $0 + $1.idf }
        self.words = QueryWords(terms)
    }

    /// The indexed parts of a German compound ("Zweitgeraet" → "zweit", "geraet"), split where
    /// both parts are indexed words (a linking `s` allowed).
    static func compoundParts(_ token: String, analyzer: Analyzer, vocabulary: Vocabulary) -> [String] {
        let scalars = Array(token.unicodeScalars)
        for cut in stride(from: scalars.count - 4, through: 4, by: -1) {
            let head = String(String.UnicodeScalarView(scalars[..<cut]))
            let tail = String(String.UnicodeScalarView(scalars[cut...]))
            let tailStem = analyzer.stemmer.stem(tail)
            guard vocabulary.frequency(tailStem) > 0 else { continue }
            for candidate in [head, head.hasSuffix("s") ? String(head.dropLast()) : nil].compactMap({ $0 }) where candidate.count >= 3 {
                let headStem = analyzer.stemmer.stem(candidate)
                if vocabulary.frequency(headStem) > 0 { return [headStem, tailStem] }
            }
        }
        return []
    }
}

/// The query's words by hash, for scanning analysed text without splitting it into strings.
struct QueryWords {
    let hashes: [UInt64]
    let term: [Int]
    let weight: [Double]

    init(_ terms: [Query.Term]) {
        var hashes: [UInt64] = [], term: [Int] = [], weight: [Double] = []
        for (t, q) in terms.enumerated() {
            for (word, w) in q.alternatives {
                hashes.append(Self.hash(Array(word.utf8)[...]))
                term.append(t)
                weight.append(w)
            }
        }
        self.hashes = hashes
        self.term = term
        self.weight = weight
    }

    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Calls `visit` for every word of space-separated analysed text: its position, and the
    /// index of the query word it is (or `nil`). A `|` ends a group (an alternative question).
    func scan(_ text: String, group: (() -> Void)? = nil, _ visit: (_ position: Int, _ word: Int?, _ hash: UInt64) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var position = 0
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var inWord = false
            func end() {
                guard inWord else { return }
                var found: Int?
                for i in hashes.indices where hashes[i] == h { found = i; break }
                visit(position, found, h)
                position += 1
                h = 0xcbf2_9ce4_8422_2325
                inWord = false
            }
            for b in bytes {
                if b == 0x20 {
                    end()
                } else if b == 0x7C {  // "|"
                    end()
                    group?()
                } else {
                    h = (h ^ UInt64(b)) &* 0x100_0000_01b3
                    inWord = true
                }
            }
            end()
        }
    }
}

/// How well one candidate matches the query.
struct Measures {
    var questionSimilarity = 0.0
    var coverage = 0.0
    var proximity = 0.0

    func score(_ options: RankingOptions) -> Double {
        options.questionWeight * questionSimilarity + options.coverageWeight * coverage + options.proximityWeight * proximity
    }

    init(_ match: IndexMatch, query: Query, words: QueryWords, vocabulary: Vocabulary, otherWordWeight: Double) {
        guard query.totalWeight > 0 else { return }
        let terms = query.terms
        var anywhere = [Double](repeating: 0, count: terms.count)
        // Similarity to the title or an alternative question: the weight both share, over
        // the weight of the message and of that question (Dice, weighted by rarity; a word of
        // the question that is not in the message weighs as an ordinary word, 1).
        var phrase = [Double](repeating: 0, count: terms.count)
        var otherWords = 0.0
        var best = 0.0
        func closePhrase() {
            var shared = 0.0, own = otherWords
            for t in terms.indices where phrase[t] > 0 {
                shared += terms[t].idf * phrase[t]
                own += terms[t].idf
                anywhere[t] = max(anywhere[t], phrase[t])
                phrase[t] = 0
            }
            if shared > 0 || otherWords > 0 { best = max(best, 2 * shared / (query.totalWeight + own)) }
            otherWords = 0
        }
        let record: (Int, Int?, UInt64) -> Void = { _, word, hash in
            if let word { phrase[words.term[word]] = max(phrase[words.term[word]], words.weight[word]) }
            else { otherWords += otherWordWeight * (vocabulary.idfByHash[hash] ?? 1) }
        }
        words.scan(match.titleTerms, record)
        closePhrase()
        words.scan(match.questionTerms, group: closePhrase, record)
        closePhrase()
        questionSimilarity = best

        // The body: coverage, and the most weight within a window of 12 words.
        var hits: [(position: Int, term: Int, weight: Double)] = []
        words.scan(match.bodyTerms) { position, word, _ in
            guard let word else { return }
            let t = words.term[word]
            anywhere[t] = max(anywhere[t], words.weight[word])
            hits.append((position, t, words.weight[word] * terms[t].idf))
        }
        var covered = 0.0
        for t in terms.indices { covered += terms[t].idf * anywhere[t] }
        coverage = covered / query.totalWeight
        proximity = Self.proximity(hits, termCount: terms.count) / query.totalWeight
    }

    /// The most query weight (each term once) found within a window of 12 words.
    static func proximity(_ hits: [(position: Int, term: Int, weight: Double)], termCount: Int) -> Double {
        guard !hits.isEmpty else { return 0 }
        let window = 12
        var counts = [Int](repeating: 0, count: termCount)
        var weights = [Double](repeating: 0, count: termCount)
        var sum = 0.0, best = 0.0
        var start = 0
        for end in hits.indices {
            let h = hits[end]
            if counts[h.term] == 0 { weights[h.term] = h.weight; sum += h.weight }
            counts[h.term] += 1
            while h.position - hits[start].position >= window {
                let old = hits[start]
                counts[old.term] -= 1
                if counts[old.term] == 0 { sum -= weights[old.term] }
                start += 1
            }
            best = max(best, sum)
        }
        return min(best, sum.isFinite ? best : 0)
    }
}
