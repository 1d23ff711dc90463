import Foundation
import FrontdeskCore
import GRDB

/// An article with the analysed words the full-text index holds for it, and its passages.
public struct IndexedArticle: Sendable {
    public let article: Article
    /// Analysed words, separated by spaces.
    public let titleTerms: String
    public let questionTerms: String
    public let bodyTerms: String
    public let passages: [StoredPassage]

    public init(article: Article, titleTerms: String, questionTerms: String, bodyTerms: String, passages: [StoredPassage]) {
        self.article = article
        self.titleTerms = titleTerms
        self.questionTerms = questionTerms
        self.bodyTerms = bodyTerms
        self.passages = passages
    }
}

/// A part of an article that can be quoted on its own, with its analysed words.
public struct StoredPassage: Sendable, Equatable {
    public let heading: String?
    /// Plain text, as quoted.
    public let text: String
    /// Analysed words of the text and of the heading, separated by spaces.
    public let terms: String
    public let headingTerms: String

    public init(heading: String?, text: String, terms: String, headingTerms: String) {
        self.heading = heading
        self.text = text
        self.terms = terms
        self.headingTerms = headingTerms
    }
}

/// An article as stored.
public struct StoredArticle: Sendable, Equatable {
    public let article: Article
    /// Where it was imported from (a file or folder path).
    public let source: String
    public let hash: String
    public let importedAt: Date
}

/// A full-text match: the article's rowid, id, title, link and language, its BM25 rank (lower
/// is better) and its analysed words.
public struct IndexMatch: Sendable {
    public let rowid: Int64
    public let id: String
    public let title: String
    public let url: String?
    public let language: LanguageCode?
    public let bm25: Double
    public let titleTerms: String
    public let questionTerms: String
    public let bodyTerms: String
}

/// BM25 weights of the indexed columns.
public struct ColumnWeights: Sendable, Hashable {
    public var title: Double
    public var questions: Double
    public var body: Double
    public init(title: Double, questions: Double, body: Double) {
        self.title = title
        self.questions = questions
        self.body = body
    }
}

extension Store {
    /// The content hash and source of every stored article, by id.
    public func knowledgeHashes() throws(FrontdeskError) -> [String: (hash: String, source: String)] {
        try reading("the knowledge base") { db in
            var result: [String: (hash: String, source: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, hash, source FROM kb_articles") { result[row[0]] = (row[1], row[2]) }
            return result
        }
    }

    /// The fingerprint recorded for a source at its last import.
    public func knowledgeFingerprint(source: String) throws(FrontdeskError) -> String? {
        try reading("the knowledge base") { db in
            try String.fetchOne(db, sql: "SELECT fingerprint FROM kb_sources WHERE source = ?", arguments: [source])
        }
    }

    /// Inserts or replaces `upserts` and deletes `removals` (ids), in one transaction, and
    /// records the source's fingerprint.
    public func applyKnowledge(upserts: [IndexedArticle], removals: [String], source: String, fingerprint: String?,
                               at date: Date) throws(FrontdeskError) {
        do {
            try checkOpen()
            try database.write { db in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                func json(_ list: [String]) throws -> String { String(decoding: try encoder.encode(list), as: UTF8.self) }
                let find = try db.cachedStatement(sql: "SELECT rowid FROM kb_articles WHERE id = ?")
                let deleteIndex = try db.cachedStatement(sql: "DELETE FROM kb_index WHERE rowid = ?")
                let deletePassages = try db.cachedStatement(sql: "DELETE FROM kb_passages WHERE article = ?")
                let deleteArticle = try db.cachedStatement(sql: "DELETE FROM kb_articles WHERE rowid = ?")
                for id in removals {
                    guard let rowid = try Int64.fetchOne(find, arguments: [id]) else { continue }
                    try deleteIndex.execute(arguments: [rowid])
                    try deletePassages.execute(arguments: [rowid])
                    try deleteArticle.execute(arguments: [rowid])
                }
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO kb_articles (id, source, language, title, body, url, updated, tags, questions, hash, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let index = try db.cachedStatement(sql: "INSERT INTO kb_index (rowid, title, questions, body, meta) VALUES (?, ?, ?, ?, ?)")
                let insertPassage = try db.cachedStatement(sql: """
                    INSERT INTO kb_passages (article, ordinal, heading, text, terms, heading_terms) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for item in upserts {
                    let a = item.article
                    if let rowid = try Int64.fetchOne(find, arguments: [a.id]) {
                        try deleteIndex.execute(arguments: [rowid])
                        try deletePassages.execute(arguments: [rowid])
                        try deleteArticle.execute(arguments: [rowid])
                    }
                    try insert.execute(arguments: [
                        a.id, source, a.language?.rawValue, a.title, a.body, a.url, a.updated, try json(a.tags), try json(a.questions),
                        a.contentHash, date.timeIntervalSince1970,
                    ])
                    let rowid = db.lastInsertedRowID
                    let meta = [Self.languageToken(a.language)] + a.tags.map(Self.tagToken)
                    try index.execute(arguments: [rowid, item.titleTerms, item.questionTerms, item.bodyTerms, meta.joined(separator: " ")])
                    for (ordinal, passage) in item.passages.enumerated() {
                        try insertPassage.execute(arguments: [rowid, ordinal, passage.heading, passage.text, passage.terms, passage.headingTerms])
                    }
                }
                if let fingerprint {
                    try db.execute(sql: "INSERT OR REPLACE INTO kb_sources (source, fingerprint, imported_at) VALUES (?, ?, ?)",
                                   arguments: [source, fingerprint, date.timeIntervalSince1970])
                }
                if !upserts.isEmpty || !removals.isEmpty {
                    try db.execute(sql: "UPDATE kb_state SET generation = generation + 1")
                }
            }
        } catch let error as FrontdeskError {
            throw error
        } catch {
            throw FrontdeskError(.storage, "cannot write the knowledge base: \(error)")
        }
    }

    /// Deletes one article; `false` when there is none with that id.
    public func removeKnowledgeArticle(id: String) throws(FrontdeskError) -> Bool {
        do {
            try checkOpen()
            return try database.write { db in
                guard let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM kb_articles WHERE id = ?", arguments: [id]) else { return false }
                try db.execute(sql: "DELETE FROM kb_index WHERE rowid = ?", arguments: [rowid])
                try db.execute(sql: "DELETE FROM kb_passages WHERE article = ?", arguments: [rowid])
                try db.execute(sql: "DELETE FROM kb_articles WHERE rowid = ?", arguments: [rowid])
                try db.execute(sql: "UPDATE kb_state SET generation = generation + 1")
                return true
            }
        } catch let error as FrontdeskError {
            throw error
        } catch {
            throw FrontdeskError(.storage, "cannot write the knowledge base: \(error)")
        }
    }

    /// Increases with every change of the articles.
    public func knowledgeGeneration() throws(FrontdeskError) -> Int64 {
        try reading("the knowledge base") { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM kb_state WHERE id = 1")) ?? 0
        }
    }

    /// Every indexed word with the number of articles it occurs in, and the number of articles.
    public func knowledgeVocabulary() throws(FrontdeskError) -> (terms: [(term: String, articles: Int)], articles: Int) {
        try reading("the knowledge base") { db in
            var terms: [(String, Int)] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT term, doc FROM kb_terms")
            while let row = try cursor.next() { terms.append((row[0], row[1])) }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM kb_articles") ?? 0
            return (terms, count)
        }
    }

    /// The index token of an article's language (`lang0en`; `lang0any` for none).
    static func languageToken(_ language: LanguageCode?) -> String { "lang0" + (language.map { token($0.rawValue) } ?? "any") }
    /// The index token of a tag (`tag0vpn`).
    static func tagToken(_ tag: String) -> String { "tag0" + token(tag) }
    /// Letters and digits only, lower case: one token for FTS5.
    static func token(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }
    /// Whether an indexed word is one of these tokens rather than a word of an article.
    public static func isMetaToken(_ term: String) -> Bool { term.hasPrefix("lang0") || term.hasPrefix("tag0") }

    /// The best full-text matches of any of `terms` (analysed words; never FTS syntax: each is
    /// quoted), in `language` or of no language, within `scope`, best first.
    ///
    /// The language and tags are matched inside the index (see `meta`); articles named by id
    /// are looked up first. Only the matches' rowids are ranked; the analysed text is read
    /// for the best `limit`.
    public func knowledgeMatches(terms: [String], language: LanguageCode?, scope: KnowledgeScope, weights: ColumnWeights,
                                 limit: Int) throws(FrontdeskError) -> [IndexMatch] {
        // Each word becomes a quoted FTS5 string: operators, column filters, `*`, `^` and
        // parentheses in a customer's message are plain text.
        func quoted(_ word: String) -> String { "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let words = terms.filter { !$0.isEmpty }.map(quoted)
        guard !words.isEmpty else { return [] }
        var pattern = "{title questions body}: (" + words.joined(separator: " OR ") + ")"
        if let language {
            pattern += " AND {meta}: (\(quoted(Self.languageToken(language))) OR \(quoted(Self.languageToken(nil))))"
        }
        var restrictIDs: [String]?
        switch scope {
        case .all: break
        case .tags(let tags):
            let tokens = tags.map(Self.tagToken).filter { $0 != "tag0" }
            guard !tokens.isEmpty else { return [] }
            pattern += " AND {meta}: (" + tokens.map(quoted).joined(separator: " OR ") + ")"
        case .articles(let ids):
            restrictIDs = ids
        }
        let rank = "bm25(kb_index, \(weights.title), \(weights.questions), \(weights.body), 0)"
        return try reading("the knowledge base") { db in
            let ranked: [(Int64, Double)]
            if let ids = restrictIDs {
                guard !ids.isEmpty else { return [] }
                ranked = try Row.fetchAll(db, sql: """
                    SELECT kb_index.rowid, \(rank) AS r FROM kb_index
                    WHERE kb_index MATCH ? AND kb_index.rowid IN (SELECT rowid FROM kb_articles WHERE id IN (\(databaseQuestionMarks(count: ids.count))))
                    ORDER BY r LIMIT ?
                    """, arguments: StatementArguments([pattern] + ids + [limit])).map { ($0[0], $0[1]) }
            } else {
                ranked = try Row.fetchAll(db.cachedStatement(sql: "SELECT rowid, \(rank) AS r FROM kb_index WHERE kb_index MATCH ? ORDER BY r LIMIT ?"),
                                          arguments: [pattern, limit]).map { ($0[0], $0[1]) }
            }
            guard !ranked.isEmpty else { return [] }
            // The analysed words are read from the index's own content table (c0, c1, c2: title,
            // questions, body), a plain table, rather than through the virtual table.
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT a.rowid, a.id, a.title, a.url, a.language, c.c0, c.c1, c.c2
                FROM kb_articles a JOIN kb_index_content c ON c.id = a.rowid
                WHERE a.rowid IN (SELECT value FROM json_each(?))
                """), arguments: ["[" + ranked.map { String($0.0) }.joined(separator: ",") + "]"])
            var byRowid: [Int64: Row] = [:]
            for row in rows { byRowid[row[0]] = row }
            return ranked.compactMap { rowid, bm25 in
                guard let row = byRowid[rowid] else { return nil }
                let language: String? = row[4]
                return IndexMatch(rowid: rowid, id: row[1], title: row[2], url: row[3], language: language.map { LanguageCode($0) },
                                  bm25: bm25, titleTerms: row[5], questionTerms: row[6], bodyTerms: row[7])
            }
        }
    }

    /// The passages of an article, in order.
    public func knowledgePassages(articleID: String) throws(FrontdeskError) -> [StoredPassage] {
        try reading("the knowledge base") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT p.heading, p.text, p.terms, p.heading_terms FROM kb_passages p JOIN kb_articles a ON a.rowid = p.article
                WHERE a.id = ? ORDER BY p.ordinal
                """), arguments: [articleID]).map { StoredPassage(heading: $0[0], text: $0[1], terms: $0[2], headingTerms: $0[3]) }
        }
    }

    /// How many articles there are.
    public func knowledgeArticleCount() throws(FrontdeskError) -> Int {
        try reading("the knowledge base") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM kb_articles") ?? 0 }
    }

    /// The languages of the articles (`nil` for articles of any language).
    public func knowledgeLanguages() throws(FrontdeskError) -> Set<LanguageCode?> {
        try reading("the knowledge base") { db in
            Set(try String?.fetchAll(db, sql: "SELECT DISTINCT language FROM kb_articles").map { $0.map { LanguageCode($0) } })
        }
    }

    /// The article with this id.
    public func knowledgeArticle(id: String) throws(FrontdeskError) -> StoredArticle? {
        try reading("the knowledge base") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM kb_articles WHERE id = ?"), arguments: [id]).map(Self.storedArticle)
        }
    }

    /// Every article, ordered by id.
    public func knowledgeArticles() throws(FrontdeskError) -> [StoredArticle] {
        try reading("the knowledge base") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM kb_articles ORDER BY id").map(Self.storedArticle)
        }
    }

    private static func storedArticle(_ row: Row) -> StoredArticle {
        func list(_ text: String?) -> [String] {
            guard let data = text?.data(using: .utf8) else { return [] }
            return (try? JSONDecoder().decode([String].self, from: data)) ?? []
        }
        let language: String? = row["language"]
        let article = Article(id: row["id"], title: row["title"], body: row["body"], language: language.map { LanguageCode($0) },
                              tags: list(row["tags"]), url: row["url"], updated: row["updated"], questions: list(row["questions"]))
        return StoredArticle(article: article, source: row["source"], hash: row["hash"],
                             importedAt: Date(timeIntervalSince1970: row["imported_at"]))
    }
}

/// The baseline retrieval compares against: the articles' raw title and body in an FTS5
/// table (default `unicode61` tokenizer, no stemming), searched with a plain `MATCH` of the
/// query's words joined by OR and ranked by BM25. In memory; for `frontdesk kb eval --baseline`.
public final class PlainFullTextIndex: Sendable {
    let database: DatabaseQueue

    public init(articles: [Article]) throws(FrontdeskError) {
        do {
            database = try DatabaseQueue()
            try database.write { db in
                try db.execute(sql: "CREATE VIRTUAL TABLE plain USING fts5(id UNINDEXED, title, body)")
                let insert = try db.makeStatement(sql: "INSERT INTO plain (id, title, body) VALUES (?, ?, ?)")
                for article in articles { try insert.execute(arguments: [article.id, article.title, article.body]) }
            }
        } catch {
            throw FrontdeskError(.storage, "cannot build the baseline index: \(error)")
        }
    }

    /// The ids of the best matches of any word of `text`, best first.
    public func search(_ text: String, limit: Int) -> [String] {
        // The words as FTS5 strings (letters and digits; quotes doubled), so that the
        // baseline does not fail on punctuation either.
        let words = text.split { !($0.isLetter || $0.isNumber) }.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard !words.isEmpty else { return [] }
        return (try? database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM plain WHERE plain MATCH ? ORDER BY bm25(plain) LIMIT ?",
                                arguments: [words.joined(separator: " OR "), limit])
        }) ?? []
    }
}
