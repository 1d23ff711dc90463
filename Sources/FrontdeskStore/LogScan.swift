import Foundation
import FrontdeskCore
import GRDB

/// A rating of a reply, as stored in `feedback`.
public struct FeedbackRecord: Sendable, Equatable {
    public let conversation: String
    /// The id of the rated message's request.
    public let requestID: String
    /// `good` or `bad`.
    public let rating: String
    public let comment: String?
    public let at: Date

    public init(conversation: String, requestID: String, rating: String, comment: String?, at: Date) {
        self.conversation = conversation
        self.requestID = requestID
        self.rating = rating
        self.comment = comment
        self.at = at
    }
}

extension Store {
    /// Calls `body` with every event of the given kinds (of all conversations) stamped at or
    /// after `since`, in the order they were written; for reports (`FrontdeskInsights`). The
    /// events are read one at a time, so a large log does not have to fit in memory.
    public func scanEvents(kinds: Set<String>, since: Date?, _ body: (LoggedEvent) -> Void) throws(FrontdeskError) {
        guard !kinds.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
        var arguments = StatementArguments(kinds.sorted())
        arguments += [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]
        try reading("conversation events") { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT seq, conversation, request_id, at, kind, data FROM conversation_events
                WHERE kind IN (\(placeholders)) AND at >= ? ORDER BY seq
                """, arguments: arguments)
            while let row = try rows.next() {
                body(LoggedEvent(sequence: row["seq"], conversation: row["conversation"], requestID: row["request_id"],
                                 at: Date(timeIntervalSince1970: row["at"]), kind: row["kind"], data: row["data"]))
            }
        }
    }

    /// Every rating given at or after `since`, oldest first.
    public func allFeedback(since: Date?) throws(FrontdeskError) -> [FeedbackRecord] {
        try reading("feedback") { db in
            try Row.fetchAll(db, sql: "SELECT conversation, request_id, rating, comment, at FROM feedback WHERE at >= ? ORDER BY at, id",
                             arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]).map { row in
                FeedbackRecord(conversation: row["conversation"], requestID: row["request_id"], rating: row["rating"],
                               comment: row["comment"], at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }
}
