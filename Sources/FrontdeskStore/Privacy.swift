import Foundation
import FrontdeskCore
import GRDB

/// What `Store.forget(user:)` deleted.
public struct ForgetReport: Sendable, Equatable {
    /// The customer's id, as given.
    public let user: String
    /// The ids of the deleted conversations, oldest first.
    public let conversations: [String]
    /// Rows deleted from `conversation_events` and from `feedback`.
    public let events: Int
    public let feedback: Int

    public init(user: String, conversations: [String], events: Int, feedback: Int) {
        self.user = user
        self.conversations = conversations
        self.events = events
        self.feedback = feedback
    }

    /// Nothing was deleted (no conversation had that user).
    public var isEmpty: Bool { conversations.isEmpty && events == 0 && feedback == 0 }
}

/// What `Store.purge(inactiveBefore:)` deleted.
public struct PurgeReport: Sendable, Equatable {
    /// Conversations whose last activity was before this were deleted.
    public let cutoff: Date
    /// The ids of the deleted conversations, least recently active first.
    public let conversations: [String]
    /// Rows deleted from `conversation_events` and from `feedback`.
    public let events: Int
    public let feedback: Int

    public init(cutoff: Date, conversations: [String], events: Int, feedback: Int) {
        self.cutoff = cutoff
        self.conversations = conversations
        self.events = events
        self.feedback = feedback
    }

    public var isEmpty: Bool { conversations.isEmpty && events == 0 && feedback == 0 }
}

/// Where a text occurs in the database: a table, a column and how many of its rows contain it.
public struct Mention: Sendable, Equatable, CustomStringConvertible {
    public let table: String
    public let column: String
    public let rows: Int

    public init(table: String, column: String, rows: Int) {
        self.table = table
        self.column = column
        self.rows = rows
    }

    public var description: String { "\(table).\(column): \(rows) row\(rows == 1 ? "" : "s")" }
}

extension Store {
    /// Deletes every conversation of the customer `user` (the `user` column of `conversations`,
    /// the user of the conversation's latest message), with all of its events (messages,
    /// replies, states, which hold the customer's texts and name) and its feedback, in one
    /// transaction. Nothing else in the database holds customer data: the model cache holds
    /// trained models of the bot's examples, the knowledge tables hold help articles.
    ///
    /// The deletion runs with `PRAGMA secure_delete`, so the deleted texts are overwritten with
    /// zeros rather than left in free pages, and the write-ahead log is then checkpointed and
    /// truncated, so that the old pages do not linger there either (when another process is
    /// reading the database at that moment, the checkpoint waits for the next one).
    ///
    /// An unknown user deletes nothing; forgetting twice is harmless.
    public func forget(user: String) throws(FrontdeskError) -> ForgetReport {
        let result = try securelyDeleting("the conversations of a user") { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM conversations WHERE user = ? ORDER BY created_at, id", arguments: [user])
            return try Self.deleteConversations(ids, db)
        }
        return ForgetReport(user: user, conversations: result.ids, events: result.events, feedback: result.feedback)
    }

    /// Deletes the conversations whose last activity (their latest event, or a rating of one
    /// of their replies, whichever is later) is older than `cutoff`, with their events and
    /// feedback, in one transaction and with `PRAGMA secure_delete` (see `forget(user:)`).
    /// Used by `frontdesk privacy purge` and by the bot's `privacy: retention_days` setting.
    public func purge(inactiveBefore cutoff: Date) throws(FrontdeskError) -> PurgeReport {
        let time = cutoff.timeIntervalSince1970
        let result = try securelyDeleting("old conversations") { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM conversations c WHERE updated_at < ?
                AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.conversation = c.id AND f.at >= ?)
                ORDER BY updated_at, id
                """, arguments: [time, time])
            return try Self.deleteConversations(ids, db)
        }
        return PurgeReport(cutoff: cutoff, conversations: result.ids, events: result.events, feedback: result.feedback)
    }

    /// Every column of every table (the knowledge base's full-text tables too) whose rows
    /// contain `text` (compared exactly, case-sensitively, also inside JSON), with the number
    /// of such rows: a check that a customer's id or words are gone.
    public func mentions(of text: String) throws(FrontdeskError) -> [Mention] {
        guard !text.isEmpty else { return [] }
        return try reading("the database") { db in
            var found: [Mention] = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in tables {
                let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
                for column in columns {
                    let rows = try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM \(Self.quoted(table)) WHERE instr(CAST(\(Self.quoted(column)) AS TEXT), ?) > 0
                        """, arguments: [text]) ?? 0
                    if rows > 0 { found.append(Mention(table: table, column: column, rows: rows)) }
                }
            }
            return found
        }
    }

    // MARK: -

    private struct Deleted {
        var ids: [String] = []
        var events = 0
        var feedback = 0
    }

    /// Runs `body` in one immediate transaction with `secure_delete` on (restored afterwards),
    /// then checkpoints and truncates the write-ahead log.
    private func securelyDeleting(_ what: String, _ body: (Database) throws -> Deleted) throws(FrontdeskError) -> Deleted {
        do {
            try checkOpen()
            return try database.writeWithoutTransaction { db in
                let previous = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
                try db.execute(sql: "PRAGMA secure_delete = ON")
                defer { try? db.execute(sql: "PRAGMA secure_delete = \(previous)") }
                var deleted = Deleted()
                try db.inTransaction(.immediate) {
                    deleted = try body(db)
                    return .commit
                }
                if !deleted.ids.isEmpty {
                    // Copy the zeroed pages into the main file and empty the log; busy (a
                    // reader still needs the old pages) is not an error: a later checkpoint
                    // overwrites them.
                    if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)"), (row[0] as Int?) == 1 {
                        logger.notice("the write-ahead log could not be truncated now (the database is in use); a later checkpoint overwrites the deleted pages")
                    }
                }
                return deleted
            }
        } catch let error as FrontdeskError {
            throw error
        } catch {
            throw FrontdeskError(.storage, "cannot delete \(what): \(error)")
        }
    }

    private static func deleteConversations(_ ids: [String], _ db: Database) throws -> Deleted {
        var deleted = Deleted(ids: ids)
        let events = try db.cachedStatement(sql: "DELETE FROM conversation_events WHERE conversation = ?")
        let feedback = try db.cachedStatement(sql: "DELETE FROM feedback WHERE conversation = ?")
        let row = try db.cachedStatement(sql: "DELETE FROM conversations WHERE id = ?")
        for id in ids {
            try events.execute(arguments: [id])
            deleted.events += db.changesCount
            try feedback.execute(arguments: [id])
            deleted.feedback += db.changesCount
            try row.execute(arguments: [id])
        }
        return deleted
    }

    /// An SQL identifier in double quotes.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
