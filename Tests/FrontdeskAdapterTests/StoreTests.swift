import Foundation
import FrontdeskCore
import GRDB
import Testing

@testable import FrontdeskStore

@Suite struct ConversationStoreTests {
    let at = Date(timeIntervalSince1970: 1_772_445_600)

    func event(_ conversation: String, _ kind: String, _ data: String = "{}", request: String? = nil, seconds: Double = 0) -> LoggedEvent {
        LoggedEvent(conversation: conversation, requestID: request, at: at.addingTimeInterval(seconds), kind: kind, data: data)
    }

    @Test func aFileDatabaseIsInWALModeWithNormalSync() throws {
        let path = Fixture.temporaryDatabase()
        let store = try Store(path: path, logger: Fixture.quiet)
        let mode = try store.database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let synchronous = try store.database.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(synchronous == 1)  // NORMAL
        let tables = try store.database.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
        }
        #expect(tables == [
            "conversation_events", "conversations", "feedback", "kb_articles", "kb_index", "kb_index_config", "kb_index_content",
            "kb_index_data", "kb_index_docsize", "kb_index_idx", "kb_passages", "kb_sources", "kb_state", "kb_terms", "model_cache",
        ])
        try store.close()
        // WAL is recorded in the file itself: bytes 18 and 19 of the header are 2 (1 for a
        // rollback journal).
        let header = try #require(FileManager.default.contents(atPath: path))
        let versions = Array(header[18...19])
        #expect(versions == [2, 2])
        // Closed cleanly: the WAL was checkpointed and removed.
        let wal = FileManager.default.fileExists(atPath: path + "-wal")
        #expect(!wal)
    }

    @Test func eventsComeBackInOrderPerConversation() throws {
        let store = try Store(path: Fixture.temporaryDatabase(), logger: Fixture.quiet)
        try store.append([event("a", "message", #"{"text":"hi"}"#, request: "m1"), event("a", "reply", request: "m1"), event("a", "state", #"{"v":1}"#)],
                         conversation: "a", user: "u1", status: "open", countsMessage: true, at: at)
        try store.append([event("b", "message", seconds: 1)], conversation: "b", user: "u2", status: "open", countsMessage: true, at: at.addingTimeInterval(1))
        try store.append([event("a", "message", #"{"text":"bye"}"#, request: "m2", seconds: 2), event("a", "state", #"{"v":2}"#, seconds: 2)],
                         conversation: "a", user: nil, status: "handed_off", countsMessage: true, at: at.addingTimeInterval(2))

        let events = try store.events(conversation: "a")
        let summary = events.map { "\($0.kind) \($0.requestID ?? "-") \($0.data) \($0.at.timeIntervalSince(at))" }
        #expect(summary == [
            #"message m1 {"text":"hi"} 0.0"#, "reply m1 {} 0.0", #"state - {"v":1} 0.0"#,
            #"message m2 {"text":"bye"} 2.0"#, #"state - {"v":2} 2.0"#,
        ])
        let sequences = events.map(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 5)
        #expect(events.allSatisfy { $0.conversation == "a" })
        let other = try store.events(conversation: "b").map(\.kind)
        #expect(other == ["message"])
        let none = try store.events(conversation: "c")
        #expect(none == [])

        // The conversation's row: the first user is kept, messages are counted, the status is the latest.
        let row = try #require(try store.conversation("a"))
        #expect(row.user == "u1" && row.messages == 2 && row.status == "handed_off")
        #expect(row.createdAt == at && row.updatedAt == at.addingTimeInterval(2))
        let recent = try store.recentConversations(limit: 10).map(\.id)
        #expect(recent == ["a", "b"])
    }

    @Test func latestStatePicksTheLastStateResetOrEnded() throws {
        let store = try Store(path: Fixture.temporaryDatabase(), logger: Fixture.quiet)
        func append(_ events: [LoggedEvent]) throws {
            try store.append(events, conversation: "a", user: nil, status: "open", countsMessage: false, at: at)
        }
        let unknown = try store.latestState(conversation: "a")
        #expect(unknown == nil)
        try append([event("a", "message"), event("a", "state", #"{"v":1}"#)])
        var latest = try store.latestState(conversation: "a")
        #expect(latest?.kind == "state" && latest?.data == #"{"v":1}"#)
        // Events after it that carry no state do not count.
        try append([event("a", "message"), event("a", "reply"), event("a", "handed_back")])
        latest = try store.latestState(conversation: "a")
        #expect(latest?.kind == "state" && latest?.data == #"{"v":1}"#)
        try append([event("a", "reset", request: "r1")])
        latest = try store.latestState(conversation: "a")
        #expect(latest?.kind == "reset" && latest?.requestID == "r1")
        try append([event("a", "state", #"{"v":2}"#)])
        latest = try store.latestState(conversation: "a")
        #expect(latest?.data == #"{"v":2}"#)
        try append([event("a", "ended")])
        latest = try store.latestState(conversation: "a")
        #expect(latest?.kind == "ended")
        // Another conversation's events are not looked at.
        try store.append([event("b", "state", #"{"v":9}"#)], conversation: "b", user: nil, status: "open", countsMessage: false, at: at)
        latest = try store.latestState(conversation: "a")
        #expect(latest?.kind == "ended")
        let all = try store.events(conversation: "a")
        #expect(latest == all.last)
    }

    @Test func theReplyToARequestIsFoundByItsID() throws {
        let store = try Store(path: Fixture.temporaryDatabase(), logger: Fixture.quiet)
        try store.append([event("a", "message", request: "m1"), event("a", "reply", #"{"n":1}"#, request: "m1")],
                         conversation: "a", user: nil, status: "open", countsMessage: true, at: at)
        try store.append([event("a", "message", request: "m2"), event("a", "reply", #"{"n":2}"#, request: "m2")],
                         conversation: "a", user: nil, status: "open", countsMessage: true, at: at)
        let first = try store.reply(conversation: "a", requestID: "m1")
        #expect(first?.data == #"{"n":1}"# && first?.kind == "reply")
        let elsewhere = try store.reply(conversation: "b", requestID: "m1")
        #expect(elsewhere == nil)
        let unknown = try store.reply(conversation: "a", requestID: "m3")
        #expect(unknown == nil)
    }

    @Test func writesFailAfterClosingAndNothingIsStored() throws {
        let path = Fixture.temporaryDatabase()
        let store = try Store(path: path, logger: Fixture.quiet)
        try store.append([event("a", "message")], conversation: "a", user: nil, status: "open", countsMessage: true, at: at)
        try store.close()
        let error = #expect(throws: FrontdeskError.self) {
            try store.append([event("a", "message")], conversation: "a", user: nil, status: "open", countsMessage: true, at: at)
        }
        #expect(error?.code == .storage)
        // The reason says what is wrong (not SQLite's "out of memory" for a closed handle).
        let message = error?.message ?? ""
        #expect(message.contains("closed"), "\(message)")
        let reopened = try Store(path: path, logger: Fixture.quiet)
        let count = try reopened.events(conversation: "a").count
        #expect(count == 1)
    }

    /// `close()` promises that later calls fail; a read must throw, not crash the process.
    /// (Run in a child process, so that a crash fails this test only.)
    @Test func readingAfterClosingFailsInsteadOfCrashing() async {
        await #expect(processExitsWith: .success) {
            let store = try Store(path: Fixture.temporaryDatabase(), logger: Fixture.quiet)
            try store.close()
            do {
                _ = try store.events(conversation: "a")
                Issue.record("a read after close() returned")
            } catch {
                #expect((error as? FrontdeskError)?.code == .storage)
            }
        }
    }

    /// The same for a query whose statement was prepared (and cached) before `close()`, as
    /// `reply(conversation:requestID:)` is when the adapter has looked up a request id.
    @Test func aCachedQueryAfterClosingFailsInsteadOfCrashing() async {
        await #expect(processExitsWith: .success) {
            let store = try Store(path: Fixture.temporaryDatabase(), logger: Fixture.quiet)
            _ = try store.reply(conversation: "a", requestID: "m1")
            try store.close()
            do {
                _ = try store.reply(conversation: "a", requestID: "m1")
                Issue.record("a read after close() returned")
            } catch {
                #expect((error as? FrontdeskError)?.code == .storage)
            }
        }
    }
}
