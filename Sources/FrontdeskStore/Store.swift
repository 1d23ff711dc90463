import Foundation
import FrontdeskCore
import GRDB
import Logging
import Synchronization

/// The SQLite file: schema by migrations, the trained-model cache, the conversations.
///
/// The file is in WAL mode with `synchronous = NORMAL`: a committed transaction survives the
/// process being killed at any moment (only a power cut can lose the last few commits).
public final class Store: Sendable {
    let database: DatabaseQueue
    let logger: Logger
    /// Set by `close()`: later calls fail with "the database is closed" (SQLite itself would
    /// report a misleading "out of memory").
    private let closed = Atomic<Bool>(false)

    /// Fails once the database is closed.
    func checkOpen() throws(FrontdeskError) {
        if closed.load(ordering: .acquiring) { throw FrontdeskError(.storage, "the database is closed") }
    }
    /// How many cached models are kept (the newest).
    static let cachedModelLimit = 8

    /// Opens (and creates, with its folder, on first use) the SQLite file at `path`.
    public init(path: String, logger: Logger = Logger(label: "frontdesk.store")) throws(FrontdeskError) {
        self.logger = logger
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.journalMode = .wal
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // 16 MiB of page cache (the default is 2 MiB): the index pages of active
                // conversations stay in memory.
                try db.execute(sql: "PRAGMA cache_size = -16384")
                // Checkpoint the WAL into the main file every ~40 MB rather than every 4 MB: the
                // turn that triggers a checkpoint waits for it (and its fsync), so fewer, larger
                // checkpoints keep the slow turns rare.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw FrontdeskError(.storage, "\(path): cannot open the database: \(error)")
        }
    }

    /// A private in-memory database, for tests.
    public init(inMemory logger: Logger = Logger(label: "frontdesk.store")) throws(FrontdeskError) {
        self.logger = logger
        do {
            database = try DatabaseQueue()
            try Self.migrator.migrate(database)
        } catch {
            throw FrontdeskError(.storage, "cannot open an in-memory database: \(error)")
        }
    }

    /// Shipped migrations are never edited; add a new one instead.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_model_cache") { db in
            try db.create(table: "model_cache") { t in
                t.primaryKey("key", .text)
                t.column("created_at", .double).notNull()
                t.column("data", .blob).notNull()
            }
        }
        migrator.registerMigration("v2_conversations") { db in
            // One row per conversation, for listing; its state lives in its events.
            try db.create(table: "conversations") { t in
                t.primaryKey("id", .text)
                t.column("user", .text)
                t.column("created_at", .double).notNull()
                t.column("updated_at", .double).notNull()
                t.column("messages", .integer).notNull().defaults(to: 0)
                t.column("status", .text).notNull().defaults(to: "open")
            }
            try db.create(index: "conversations_by_user", on: "conversations", columns: ["user"])
            // The append-only log: customer messages, replies, intents, entities, slot changes,
            // form steps, hand-offs, and after every turn the conversation's state.
            try db.create(table: "conversation_events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("conversation", .text).notNull()
                t.column("request_id", .text)
                t.column("at", .double).notNull()
                t.column("kind", .text).notNull()
                t.column("data", .text).notNull()
            }
            try db.create(index: "events_by_conversation", on: "conversation_events", columns: ["conversation", "seq"])
            try db.execute(sql: """
                CREATE INDEX events_by_request ON conversation_events (conversation, request_id)
                WHERE kind = 'reply' AND request_id IS NOT NULL
                """)
            try db.execute(sql: """
                CREATE INDEX events_resets ON conversation_events (conversation, seq) WHERE kind IN ('reset', 'ended')
                """)
            try db.create(table: "feedback") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("conversation", .text).notNull()
                t.column("request_id", .text).notNull()
                t.column("rating", .text).notNull()
                t.column("comment", .text)
                t.column("at", .double).notNull()
            }
            try db.create(index: "feedback_by_conversation", on: "feedback", columns: ["conversation", "request_id"])
        }
        migrator.registerMigration("v3_knowledge") { db in
            // Help articles as imported; `questions` and `tags` are JSON arrays of strings.
            try db.execute(sql: """
                CREATE TABLE kb_articles (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    source TEXT NOT NULL,
                    language TEXT,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    url TEXT,
                    updated TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    questions TEXT NOT NULL DEFAULT '[]',
                    hash TEXT NOT NULL,
                    imported_at REAL NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX kb_articles_by_source ON kb_articles (source)")
            // The full-text index holds the analysed words (folded and stemmed the way intent
            // matching does it), one row per article with the article's rowid. `meta` holds
            // the article's language and tags as tokens (`lang0en`, `tag0vpn`), so that a search
            // is restricted to them inside the index.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE kb_index USING fts5(title, questions, body, meta, tokenize = 'unicode61 remove_diacritics 0')
                """)
            // The parts of each article that can be quoted on their own, with their analysed words.
            try db.execute(sql: """
                CREATE TABLE kb_passages (
                    article INTEGER NOT NULL REFERENCES kb_articles(rowid) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    heading TEXT,
                    text TEXT NOT NULL,
                    terms TEXT NOT NULL,
                    heading_terms TEXT NOT NULL,
                    PRIMARY KEY (article, ordinal)
                ) WITHOUT ROWID
                """)
            // Document frequencies of the indexed words, for typo tolerance and weighting.
            try db.execute(sql: "CREATE VIRTUAL TABLE kb_terms USING fts5vocab(kb_index, 'row')")
            // What was imported from where: a source whose files did not change is not read again.
            try db.execute(sql: """
                CREATE TABLE kb_sources (source TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, imported_at REAL NOT NULL)
                """)
            // Counts every change of the articles, so that a running bot notices an import.
            try db.execute(sql: "CREATE TABLE kb_state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO kb_state (id, generation) VALUES (1, 0)")
        }
        migrator.registerMigration("v4_privacy") { db in
            // `privacy purge` and the retention setting find the conversations inactive since a date.
            try db.create(index: "conversations_by_activity", on: "conversations", columns: ["updated_at"])
        }
        return migrator
    }

    /// Closes the file (checkpointing the WAL); later calls fail.
    public func close() throws(FrontdeskError) {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        do {
            try database.close()
        } catch {
            throw FrontdeskError(.storage, "cannot close the database: \(error)")
        }
    }

    /// The cached model stored under `key`, if any.
    public func cachedModel(key: String) -> Data? {
        do {
            try checkOpen()
            return try database.inDatabase { db in
                try Data.fetchOne(db, sql: "SELECT data FROM model_cache WHERE key = ?", arguments: [key])
            }
        } catch {
            logger.warning("cannot read the model cache", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Stores a model under `key`, keeping only the newest few.
    public func cacheModel(_ data: Data, key: String, at date: Date) {
        do {
            try checkOpen()
            try database.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO model_cache (key, created_at, data) VALUES (?, ?, ?)",
                    arguments: [key, date.timeIntervalSince1970, data])
                try db.execute(
                    sql: """
                        DELETE FROM model_cache WHERE key NOT IN
                        (SELECT key FROM model_cache ORDER BY created_at DESC LIMIT ?)
                        """,
                    arguments: [Self.cachedModelLimit])
            }
        } catch {
            logger.warning("cannot write the model cache", metadata: ["error": "\(error)"])
        }
    }
}
