import Foundation
import Testing

/// `frontdesk bench` runs messages through the adapter and the store; its numbers are for
/// people, so this only checks that it sends what it says and reports it.
@Suite struct BenchTests {
    @Test func benchSendsTheMessagesThroughTheStoreAndReportsThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("bench.sqlite").path
        let result = try CLI.run(["bench", "--count", "40", "--conversations", "4", "--batch", "3", "--db", db, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["messages"] as? Int == 40)
        #expect(object["conversations"] as? Int == 4)
        #expect(object["batch"] as? Int == 3)
        #expect(object["errors"] as? Int == 0)
        let rate = try #require(object["messages_per_second"] as? Double)
        #expect(rate > 0)
        // The conversations were stored in the file given: a chat can resume one of them.
        let resumed = try CLI.run(["chat", "--db", db, "--conversation", "bench-1"], input: "/state\n")
        let first = resumed.lines.first ?? ""
        #expect(first.hasPrefix("conversation bench-1, turn 10,"), "\(resumed.stdout)")

        let requests = folder.appendingPathComponent("requests.jsonl").path
        let written = try CLI.run(["bench", "--count", "12", "--conversations", "5", "--write-requests", requests])
        #expect(written.status == 0)
        let lines = try String(contentsOfFile: requests, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines.first?.hasPrefix(#"{"type":"message","id":"b0","conversation":"bench-0","user":"user-0","text":"#) == true)
    }
}
