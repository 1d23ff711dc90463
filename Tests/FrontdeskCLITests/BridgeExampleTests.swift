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
}
