import Foundation
import FrontdeskCore
import GRDB
import Logging

/// The SQLite file: schema by migrations, the trained-model cache.
public final class Store: Sendable {
    private let database: DatabaseQueue
    private let logger: Logger
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
        return migrator
    }

    /// The cached model stored under `key`, if any.
    public func cachedModel(key: String) -> Data? {
        do {
            return try database.read { db in
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
