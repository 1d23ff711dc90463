import Foundation
import FrontdeskCore
import FrontdeskStore
import Logging
import Testing

@testable import FrontdeskInsights

@Suite struct PrivacyTests {
    static let ids = ["c1", "c2", "c3", "c4", "c5"]

    /// Rows per conversation: events and ratings.
    func census(_ store: Store) throws -> [String: (events: Int, feedback: Int)] {
        let feedback = try store.allFeedback(since: nil)
        var result: [String: (events: Int, feedback: Int)] = [:]
        for id in Self.ids {
            guard try store.conversation(id) != nil else { continue }
            result[id] = (try store.events(conversation: id).count, feedback.filter { $0.conversation == id }.count)
        }
        return result
    }

    func events(of conversations: Set<String>) -> Int {
        Fixture.turns.filter { conversations.contains($0.conversation) }.reduce(0) { $0 + Fixture.eventCount($1) }
    }

    @Test func forgetDeletesEveryConversationOfTheUserAndLeavesNoMention() throws {
        let store = try Fixture.store()
        let before = try census(store)
        let aliceTexts = Fixture.turns.filter { $0.user == Fixture.alice }.map(\.text)
        // The scan finds the user and their words before.
        #expect(try store.mentions(of: Fixture.alice).map(\.table).contains("conversations"))
        #expect(try store.mentions(of: aliceTexts[1]).contains(Mention(table: "conversation_events", column: "data", rows: 2)))

        let report = try store.forget(user: Fixture.alice)
        #expect(report.user == Fixture.alice)
        #expect(report.conversations == ["c1", "c3"])
        #expect(report.events == events(of: ["c1", "c3"]) && report.events == 22)
        #expect(report.feedback == 2)

        // No row of any table mentions the user, their messages or their rating's comment.
        for needle in [Fixture.alice] + aliceTexts + ["not helpful"] {
            #expect(try store.mentions(of: needle) == [], "\(needle)")
        }
        // Everyone else is untouched.
        let after = try census(store)
        #expect(Set(after.keys) == ["c2", "c4", "c5"])
        for (id, counts) in after { #expect(counts == before[id]!, "\(id)") }
        #expect(try store.mentions(of: Fixture.bob).map(\.table).contains("conversations"))
        #expect(try Report.build(from: store).conversations == 3)
    }

    @Test func forgettingAnUnknownUserDeletesNothing() throws {
        let store = try Fixture.store()
        let before = try census(store)
        let report = try store.forget(user: "nobody-at-all")
        #expect(report.isEmpty)
        #expect(report.conversations == [] && report.events == 0 && report.feedback == 0)
        #expect(try census(store).mapValues { "\($0)" } == before.mapValues { "\($0)" })
        // Forgetting twice is harmless.
        #expect(try !store.forget(user: Fixture.carol).isEmpty)
        #expect(try store.forget(user: Fixture.carol).isEmpty)
    }

    @Test func purgeDeletesConversationsInactiveSinceTheCutOff() throws {
        let store = try Fixture.store()
        // A rating on day 2 keeps c2 (last message on day 1) active.
        try store.recordFeedback(conversation: "c2", requestID: "m1", rating: "good", comment: nil, at: Fixture.at(Fixture.day2, 8, 0))

        let first = try store.purge(inactiveBefore: Fixture.day2)
        #expect(first.cutoff == Fixture.day2)
        #expect(first.conversations == ["c1"])
        #expect(first.events == events(of: ["c1"]))
        #expect(first.feedback == 1)
        #expect(Set(try census(store).keys) == ["c2", "c3", "c4", "c5"])

        let second = try store.purge(inactiveBefore: Fixture.at(Fixture.day2, 12, 0))
        #expect(second.conversations == ["c2", "c3"])  // least recently active first
        #expect(second.events == events(of: ["c2", "c3"]))
        #expect(second.feedback == 2)

        #expect(try store.purge(inactiveBefore: Fixture.day1).isEmpty)
        let rest = try store.purge(inactiveBefore: .distantFuture)
        #expect(rest.conversations == ["c4", "c5"])
        #expect(try census(store).isEmpty)
        #expect(try store.allFeedback(since: nil).isEmpty)
        #expect(try store.mentions(of: "refund") == [])
    }

    /// The deleted text is overwritten in the file (secure_delete) and does not stay in the
    /// write-ahead log either.
    @Test func forgottenTextsAreNotLeftInTheDatabaseFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-privacy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("frontdesk.sqlite").path
        let store = try Store(path: path, logger: Logger(label: "test"))
        _ = try Fixture.store(store)
        func bytes() throws -> Data {
            var all = Data()
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                all.append(try Data(contentsOf: folder.appendingPathComponent(name)))
            }
            return all
        }
        let secret = Data("how long does the refund take".utf8)
        #expect(try bytes().range(of: secret) != nil)

        #expect(try store.forget(user: Fixture.alice).conversations == ["c1", "c3"])
        // Right after the deletion (the log checkpointed and truncated) and after closing.
        for _ in 0..<2 {
            let data = try bytes()
            for needle in [Fixture.alice, "how long does the refund take", "you are an idiot", "can I pay with paypal", "not helpful"] {
                #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle)")
            }
            #expect(data.range(of: Data("my vpn does not connect".utf8)) != nil)
            try store.close()
        }
    }
}
