import Foundation
import FrontdeskAdapter
import FrontdeskCore
import FrontdeskStore
import Testing

/// Requests that arrive together are answered with one commit: the same replies as one by one,
/// in order, and all or nothing stored.
@Suite struct GroupCommitTests {
    static func items(_ lines: [String], from first: Int = 1) -> [LineSplitter.Item] {
        lines.enumerated().map { .line(bytes: Array($0.element.utf8), number: first + $0.offset) }
    }

    static let lines = [
        Harness.message("a", "i want to return an item", id: "a1"),
        Harness.message("b", "hi", id: "b1"),
        Harness.message("a", "PB-12345", id: "a2", minute: 1),
        "not json",
        Harness.message("a", "PB-12345", id: "a2", minute: 1),  // sent twice in the same batch
        #"{"type":"ping","id":"p"}"#,  // a control request commits what came before it
        Harness.message("a", "they are too small", id: "a3", minute: 2),
    ]

    @Test func aBatchGivesTheSameLinesAsOneByOne() throws {
        let oneByOne = try Harness()
        let expected = Self.lines.compactMap { oneByOne.send($0) }
        let batched = try Harness()
        let lines = batched.adapter.handle(batch: Self.items(Self.lines)).map(\.line)
        // The pong's conversation count and uptime differ: compare the other lines whole.
        #expect(lines.count == 7)
        #expect(lines.enumerated().filter { $0.offset != 5 }.map(\.element) == expected.enumerated().filter { $0.offset != 5 }.map(\.element))
        let duplicate = try Reply(lines[4])
        #expect(duplicate.value["duplicate"] == .bool(true))
        let done = try Reply(lines[6])
        #expect(done.texts == [Fixture.done("PB-12345")])
        // Everything was stored: a restart on the same file sees the completed form.
        let restarted = try Harness(path: batched.path)
        let state = try restarted.conversations.load("a").state
        #expect(state == .idle)
        let messages = try restarted.store.conversation("a")?.messages
        #expect(messages == 3)
    }

    @Test func aFailedCommitAnswersEveryStagedRequestWithAStorageErrorAndStoresNothing() throws {
        let h = try Harness()
        _ = try h.say("a", "i want to return an item", id: "a1")
        try h.store.close()
        // Without ids (no look-up of earlier replies) and for a conversation in memory, both
        // turns are made (the second on the first's state) and fail together at the commit.
        let lines = h.adapter.handle(batch: Self.items([
            Harness.message("a", "PB-12345", minute: 1),
            Harness.message("a", "they are too small", minute: 2),
        ], from: 2)).map(\.line)
        #expect(lines == [
            #"{"code":"storage","conversation":"a","in_reply_to":null,"line":2,"message":"the conversation could not be stored, nothing was changed: cannot write conversation events: the database is closed","type":"error","version":1}"#,
            #"{"code":"storage","conversation":"a","in_reply_to":null,"line":3,"message":"the conversation could not be stored, nothing was changed: cannot write conversation events: the database is closed","type":"error","version":1}"#,
        ])
        // In memory the form still waits for the order number.
        let state = try h.conversations.conversation("a").state
        guard case .form(let form) = state else {
            Issue.record("expected the form, got \(state)")
            return
        }
        #expect(form.pending == "order_number")
        #expect(h.conversations.stagedCount == 0)
    }

    @Test func shouldStopEndsTheBatchAfterTheCurrentLine() throws {
        let h = try Harness()
        var asked = 0
        let lines = h.adapter.handle(batch: Self.items(Array(Self.lines.prefix(3)))) {
            asked += 1
            return asked == 2
        }.map(\.line)
        #expect(lines.count == 2)
        let stored = try h.store.conversation("a")?.messages
        #expect(stored == 1)
    }
}
