import Foundation
import Testing

/// The bridge example in the docs, run as written (`FRONTDESK=... python3 docs/bridge.py`):
/// it starts `frontdesk jsonl`, exchanges lines for two interleaved conversations and shuts it
/// down, and exits non-zero on anything unexpected.
@Suite struct BridgeExampleTests {
    @Test func theDocumentedBridgeRunsAsWritten() throws {
        let db = CLI.temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: JSONLinesTests.trainedDatabase, toPath: db)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "docs/bridge.py"]
        process.currentDirectoryURL = CLI.repositoryRoot
        var environment = ProcessInfo.processInfo.environment
        environment["FRONTDESK"] = try CLI.executable.path
        environment["FRONTDESK_DB"] = db
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(err)")
        let lines = out.split(separator: "\n").map(String.init)
        // Both conversations were served, in order, and the refund form ended in its ticket.
        #expect(lines.first == "[facebook:1001] customer: Hi, I want a refund")
        #expect(lines.contains("[webchat:7] bot: You're welcome! Is there anything else I can help you with?"))
        let last = lines.last ?? ""
        #expect(last == #"[facebook:1001] event: {"form": "refund", "name": "create_ticket", "values": {"order_number": "KS-1234567", "refund_reason": "The VPN never connected on my laptop"}}"#)
    }

    /// Some channels deliver only the payload of a tapped button: a payload that is not
    /// `intent:NAME` is then read as the text (here the form's "Yes").
    @Test func aQuickReplyPayloadWithoutTextAnswersTheFormsQuestion() throws {
        let db = CLI.temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: JSONLinesTests.trainedDatabase, toPath: db)
        let result = try JSONLinesTests.run(db: db, lines: [
            JSONLinesTests.message("p", "I want a refund", id: "p1", minute: 0),
            JSONLinesTests.message("p", "KS-1234567", id: "p2", minute: 1),
            JSONLinesTests.message("p", "it broke", id: "p3", minute: 2),
            #"{"type":"message","id":"p4","conversation":"p","user":"user-p","text":"","payload":"yes","timestamp":"2026-03-02T10:03:00Z"}"#,
        ])
        #expect(result.status == 0)
        let last = result.lines.last ?? ""
        #expect(last.contains(#""events":[{"form":"refund","name":"create_ticket","values":{"order_number":"KS-1234567","refund_reason":"it broke"}}]"#), "\(last)")
    }
}
