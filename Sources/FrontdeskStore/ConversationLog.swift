import Foundation
import FrontdeskCore
import GRDB

/// One entry of a conversation's log, as stored: a kind (`message`, `reply`, `intent`,
/// `entities`, `slot`, `form`, `handoff`, `event`, `handed_back`, `state`, `reset`, `ended`) and
/// its data as a JSON text.
public struct LoggedEvent: Sendable, Equatable {
    public let sequence: Int64
    public let conversation: String
    /// The id of the request that caused it, if it had one.
    public let requestID: String?
    public let at: Date
    public let kind: String
    public let data: String

    public init(sequence: Int64 = 0, conversation: String, requestID: String?, at: Date, kind: String, data: String) {
        self.sequence = sequence
        self.conversation = conversation
        self.requestID = requestID
        self.at = at
        self.kind = kind
        self.data = data
    }
}

/// A conversation as listed.
public struct ConversationRecord: Sendable, Equatable {
    public let id: String
    public let user: String?
    public let createdAt: Date
    public let updatedAt: Date
    /// Customer messages so far.
    public let messages: Int
    /// `open`, `handed_off` or `ended`.
    public let status: String
}

extension Store {
    /// One conversation's events of one turn, with what its row should say.
    public struct Appended: Sendable {
        public let events: [LoggedEvent]
        public let conversation: String
        public let user: String?
        /// `open`, `handed_off` or `ended`.
        public let status: String
        /// Whether the turn answers a customer message (counted in the row).
        public let countsMessage: Bool
        public let at: Date

        public init(_ events: [LoggedEvent], conversation: String, user: String?, status: String, countsMessage: Bool, at: Date) {
            self.events = events
            self.conversation = conversation
            self.user = user
            self.status = status
            self.countsMessage = countsMessage
            self.at = at
        }
    }

    /// Appends a turn's events to a conversation's log in one transaction, creating or updating
    /// its row. When this returns, the events are committed.
    public func append(_ events: [LoggedEvent], conversation: String, user: String?, status: String,
                       countsMessage: Bool, at date: Date) throws(FrontdeskError) {
        try append([Appended(events, conversation: conversation, user: user, status: status, countsMessage: countsMessage, at: date)])
    }

    /// Appends several turns in one transaction (a group commit): all or none are stored.
    public func append(_ turns: [Appended]) throws(FrontdeskError) {
        guard !turns.isEmpty else { return }
        do {
            try checkOpen()
            try database.write { db in
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO conversations (id, user, created_at, updated_at, messages, status) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET user = coalesce(excluded.user, user), updated_at = excluded.updated_at,
                    messages = messages + excluded.messages, status = excluded.status
                    """)
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO conversation_events (conversation, request_id, at, kind, data) VALUES (?, ?, ?, ?, ?)")
                for turn in turns {
                    let time = turn.at.timeIntervalSince1970
                    try upsert.execute(arguments: [turn.conversation, turn.user, time, time, turn.countsMessage ? 1 : 0, turn.status])
                    for event in turn.events {
                        try insert.execute(arguments: [event.conversation, event.requestID, event.at.timeIntervalSince1970, event.kind, event.data])
                    }
                }
            }
        } catch {
            throw FrontdeskError(.storage, "cannot write conversation events: \(error)")
        }
    }

    /// The latest event that carries the conversation's state (`state`) or clears it (`reset`,
    /// `ended`); `nil` for a conversation never seen.
    public func latestState(conversation: String) throws(FrontdeskError) -> LoggedEvent? {
        try reading("conversation events") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT seq, request_id, at, kind, data FROM conversation_events
                    WHERE conversation = ? AND kind IN ('state', 'reset', 'ended') ORDER BY seq DESC LIMIT 1
                    """),
                arguments: [conversation]
            ).map { Self.event($0, conversation: conversation) }
        }
    }

    /// The `reply` event written for a request, if there is one; with `sinceReset`, only one
    /// written after the conversation's latest `reset` or `ended`.
    public func reply(conversation: String, requestID: String, sinceReset: Bool = false) throws(FrontdeskError) -> LoggedEvent? {
        try reading("conversation events") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT seq, request_id, at, kind, data FROM conversation_events
                    WHERE conversation = ? AND request_id = ? AND kind = 'reply' AND seq > ?
                    ORDER BY seq DESC LIMIT 1
                    """),
                arguments: [conversation, requestID, sinceReset ? try Self.lastReset(db, conversation) : 0]
            ).map { Self.event($0, conversation: conversation) }
        }
    }

    /// A conversation's whole log, oldest first.
    public func events(conversation: String) throws(FrontdeskError) -> [LoggedEvent] {
        try reading("conversation events") { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, request_id, at, kind, data FROM conversation_events WHERE conversation = ? ORDER BY seq
                """, arguments: [conversation]).map { Self.event($0, conversation: conversation) }
        }
    }

    /// A conversation's row, if it exists.
    public func conversation(_ id: String) throws(FrontdeskError) -> ConversationRecord? {
        try reading("conversations") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    /// The most recently active conversations, newest first.
    public func recentConversations(limit: Int) throws(FrontdeskError) -> [ConversationRecord] {
        try reading("conversations") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conversations ORDER BY updated_at DESC LIMIT ?", arguments: [limit]).map(Self.record)
        }
    }

    /// Stores a rating of the reply to request `requestID` in the `feedback` table.
    public func recordFeedback(conversation: String, requestID: String, rating: String, comment: String?, at date: Date) throws(FrontdeskError) {
        do {
            try checkOpen()
            try database.write { db in
                try db.execute(
                    sql: "INSERT INTO feedback (conversation, request_id, rating, comment, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [conversation, requestID, rating, comment, date.timeIntervalSince1970])
            }
        } catch {
            throw FrontdeskError(.storage, "cannot write feedback: \(error)")
        }
    }

    /// The ratings given to the reply to `requestID`, oldest first.
    public func feedback(conversation: String, requestID: String) throws(FrontdeskError) -> [(rating: String, comment: String?)] {
        try reading("feedback") { db in
            try Row.fetchAll(db, sql: "SELECT rating, comment FROM feedback WHERE conversation = ? AND request_id = ? ORDER BY id",
                             arguments: [conversation, requestID]).map { (rating: $0["rating"], comment: $0["comment"]) }
        }
    }

    /// Runs a read on the database; any failure is a `storage` error that says what was read.
    func reading<T>(_ what: String, _ body: (Database) throws -> T) throws(FrontdeskError) -> T {
        do {
            try checkOpen()
            return try database.inDatabase(body)
        } catch {
            throw FrontdeskError(.storage, "cannot read \(what): \(error)")
        }
    }

    /// The sequence number of the conversation's latest `reset` or `ended` event, or 0.
    private static func lastReset(_ db: Database, _ conversation: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT seq FROM conversation_events WHERE conversation = ? AND kind IN ('reset', 'ended') ORDER BY seq DESC LIMIT 1
            """), arguments: [conversation]) ?? 0
    }

    private static func event(_ row: Row, conversation: String) -> LoggedEvent {
        LoggedEvent(sequence: row["seq"], conversation: conversation, requestID: row["request_id"],
                    at: Date(timeIntervalSince1970: row["at"]), kind: row["kind"], data: row["data"])
    }

    private static func record(_ row: Row) -> ConversationRecord {
        ConversationRecord(id: row["id"], user: row["user"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                           updatedAt: Date(timeIntervalSince1970: row["updated_at"]), messages: row["messages"], status: row["status"])
    }
}
