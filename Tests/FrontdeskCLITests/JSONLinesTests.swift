import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// End-to-end tests of `frontdesk jsonl` on the example bot, run as a bridge runs it: a child
/// process with piped stdin and stdout.
@Suite(.serialized) struct JSONLinesTests {
    /// A database in which the example bot's model is cached (it is trained once, by the first
    /// test that needs it); every test works on its own copy.
    static let trainedDatabase: String = {
        let db = CLI.temporaryDatabase()
        _ = try? CLI.run(["jsonl", "--db", db], input: #"{"type":"ping","id":"warm-up"}"# + "\n")
        return db
    }()

    func freshDatabase() throws -> String {
        let copy = CLI.temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.trainedDatabase, toPath: copy)
        return copy
    }

    /// A message request; `minute` is after 2026-03-02T10:00:00Z, a Monday within the example
    /// bot's support hours (Europe/Berlin), so replies do not depend on the clock.
    static func message(_ conversation: String, _ text: String, id: String, minute: Int = 0) -> String {
        let time = "2026-03-02T10:\(minute < 10 ? "0" : "")\(minute):00Z"
        return #"{"type":"message","id":"\#(id)","conversation":"\#(conversation)","user":"user-\#(conversation)","text":"\#(text)","timestamp":"\#(time)"}"#
    }

    /// Runs `frontdesk jsonl` on `db` with `input` (bytes, written from another thread so that
    /// a large input cannot block on a full stdout pipe).
    static func run(db: String, input: [UInt8], arguments: [String] = []) throws -> CLI.Result {
        let process = Process()
        process.executableURL = try CLI.executable
        process.arguments = ["jsonl", "--db", db] + arguments
        process.currentDirectoryURL = CLI.repositoryRoot
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorCollector(stderr.fileHandleForReading)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: errors.text)
    }

    static func run(db: String, lines: [String]) throws -> CLI.Result {
        try run(db: db, input: Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Waits for the process to exit (stdin left open); false after `seconds`, when it is killed.
    static func waitForExit(_ process: Process, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    /// The process's blocked-signal mask as /proc shows it (`SigBlk`), for failure messages: a
    /// child inherits its parent's mask, and Foundation's `Process` starts it from a thread
    /// that blocks most signals.
    static func blockedSignals(_ process: Process) -> String {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }.map { String($0.dropFirst(7)).trimmingCharacters(in: .whitespaces) } ?? "?"
    }

    /// After a clean exit the WAL is checkpointed and removed, and the file is intact.
    static func expectClosedCleanly(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let wal = FileManager.default.fileExists(atPath: db + "-wal")
        #expect(!wal, "the -wal file is left", sourceLocation: sourceLocation)
        let file = try SQLiteFile(path: db)
        let integrity = try file.query("PRAGMA integrity_check")
        #expect(integrity == ["ok"], sourceLocation: sourceLocation)
        file.close()
    }

    static func parse(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    static func texts(_ line: String) -> [String] {
        (parse(line)?["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? []
    }

    /// The value of `key` written back as JSON text with sorted keys, for whole-value comparisons.
    static func field(_ line: String, _ key: String) -> String? {
        guard let value = parse(line)?[key],
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: -

    @Test func aFileOfMixedLinesGetsOneLinePerLineInOrderAndTheGoodOnesAreUnaffected() throws {
        var input: [[UInt8]] = []
        var valid: [Int] = []  // indexes of the valid requests
        func add(_ line: String, isValid: Bool = false) {
            if isValid { valid.append(input.count) }
            input.append(Array(line.utf8))
        }
        let half = #"{"type":"message","id":"x1","conversation":"a","user":"u1","te"#
        let big = #"{"type":"message","id":"big","conversation":"a","user":"u1","text":""# + String(repeating: "refund ", count: 150_000) + #""}"#
        let beforeBadByte = #"{"type":"message","id":"u8","conversation":"a","user":"u1","text":"caf"#
        add(Self.message("a", "hi", id: "a1", minute: 0), isValid: true)  // 1
        add("this is not json")  // 2
        add(Self.message("b", "I want a refund", id: "b1", minute: 0), isValid: true)  // 3
        add(half)  // 4
        add(big)  // 5: over 1 MB
        input.append(Array(beforeBadByte.utf8) + [0xC3, 0x28] + Array(#"é"}"#.utf8))  // 6
        add(#"{"type":"message","id":"n1","conversation":"b","user":"u1","text":12345}"#)  // 7
        add(Self.message("b", "KS-1234567", id: "b2", minute: 1), isValid: true)  // 8
        add("[1,2,3]")  // 9
        add(Self.message("a", "how do I cancel my subscription", id: "a2", minute: 2), isValid: true)  // 10
        add(#"{"type":"hello","id":"t1"}"#)  // 11
        add(Self.message("c", "Ich habe mein Passwort vergessen", id: "c1", minute: 2), isValid: true)  // 12
        add(Self.message("b", "It arrived broken", id: "b3", minute: 3) + "\r", isValid: true)  // 13, with CRLF
        add(#"{"type":"ping","id":"p1","version":2}"#)  // 14
        add(Self.message("b", "yes", id: "b4", minute: 4), isValid: true)  // 15
        #expect(big.utf8.count > 1_000_000)

        let result = try Self.run(db: try freshDatabase(), input: input.flatMap { $0 + [0x0A] })
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.lines
        try #require(lines.count == input.count, "\(result.stdout)")

        let errors: [Int: String] = [
            2: #"{"code":"invalid_json","in_reply_to":null,"line":2,"message":"invalid JSON at column 1: expected a value, found 't'","type":"error","version":1}"#,
            4: #"{"code":"invalid_json","in_reply_to":null,"line":4,"message":"invalid JSON at column \#(half.count + 1): the line ends inside a string (missing closing quote)","type":"error","version":1}"#,
            5: #"{"code":"line_too_long","in_reply_to":null,"line":5,"message":"the line is \#(big.utf8.count) bytes long; the limit is 65536 bytes (--max-line-bytes); it was skipped","type":"error","version":1}"#,
            6: #"{"code":"invalid_utf8","in_reply_to":null,"line":6,"message":"the line is not valid UTF-8 (byte \#(beforeBadByte.utf8.count + 1) is 0xC3)","type":"error","version":1}"#,
            7: #"{"code":"invalid_field","conversation":"b","in_reply_to":"n1","line":7,"message":"field \"text\" must be a string, got a number","type":"error","version":1}"#,
            9: #"{"code":"not_an_object","in_reply_to":null,"line":9,"message":"expected a JSON object with a \"type\", got an array","type":"error","version":1}"#,
            11: #"{"code":"unknown_type","in_reply_to":"t1","line":11,"message":"unknown request type \"hello\"; expected one of message, reset, end, feedback, handback, ping, shutdown","type":"error","version":1}"#,
            14: #"{"code":"unsupported_version","in_reply_to":"p1","line":14,"message":"protocol version 2 is not supported; this Frontdesk speaks version 1","type":"error","version":1}"#,
        ]
        for (number, expected) in errors.sorted(by: { $0.key < $1.key }) {
            #expect(lines[number - 1] == expected, "line \(number)")
        }
        let replies = valid.map { lines[$0] }
        let ids = replies.map { Self.parse($0)?["in_reply_to"] as? String ?? "?" }
        #expect(ids == ["a1", "b1", "b2", "a2", "c1", "b3", "b4"])
        #expect(replies.allSatisfy { Self.parse($0)?["type"] as? String == "reply" })

        // Each conversation went its own way: b through the refund form, c in German.
        #expect(Self.field(replies[1], "state") == #"{"form":"refund","pending":"order_number","status":"form"}"#)
        #expect(Self.field(replies[2], "state") == #"{"form":"refund","pending":"refund_reason","status":"form"}"#)
        #expect(Self.field(replies[5], "state") == #"{"form":"refund","pending":"confirmation","status":"form"}"#)
        #expect(Self.texts(replies[5]) == ["A refund for order KS-1234567 because: “It arrived broken”. Is that right?"])
        #expect(Self.field(replies[6], "events") == #"[{"form":"refund","name":"create_ticket","values":{"order_number":"KS-1234567","refund_reason":"It arrived broken"}}]"#)
        #expect(Self.field(replies[4], "language") == #""de""#)
        #expect(Self.field(replies[3], "intent").map { $0.contains(#""name":"subscription_cancel""#) } == true)

        // The same valid lines alone, on a fresh database, get exactly the same replies.
        let alone = try Self.run(db: try freshDatabase(), input: valid.flatMap { input[$0] + [0x0A] })
        #expect(alone.status == 0)
        #expect(alone.lines == replies)
    }

    @Test func afterKillDashNineMidFormTheNextMessageContinuesAtThePendingQuestion() throws {
        let db = try freshDatabase()
        let session = try CLI.Session(["jsonl", "--db", db])
        session.send(Self.message("k", "I want a refund", id: "k1", minute: 0))
        #expect(session.waitFor(#""in_reply_to":"k1""#))
        session.send(Self.message("k", "KS-1234567", id: "k2", minute: 1))
        #expect(session.waitFor(#""in_reply_to":"k2""#))
        // Killed right after the reply was read: nothing is flushed or closed.
        kill(session.process.processIdentifier, SIGKILL)
        let (status, _) = try session.finish()
        #expect(session.process.terminationReason == .uncaughtSignal && status == SIGKILL)
        let before = session.output.split(separator: "\n").map(String.init)
        try #require(before.count == 2)
        #expect(Self.field(before[1], "state") == #"{"form":"refund","pending":"refund_reason","status":"form"}"#)

        let after = try Self.run(db: db, lines: [
            Self.message("k", "It arrived broken", id: "k3", minute: 2),
            Self.message("k", "yes", id: "k4", minute: 3),
        ])
        #expect(after.status == 0)
        try #require(after.lines.count == 2, "\(after.stdout)\(after.stderr)")
        // The reason was taken for the pending question; the order number was kept; no new disclosure.
        #expect(Self.texts(after.lines[0]) == ["A refund for order KS-1234567 because: “It arrived broken”. Is that right?"])
        #expect(Self.field(after.lines[0], "slots") == #"{"order_number":"KS-1234567","refund_reason":"It arrived broken"}"#)
        #expect(Self.field(after.lines[0], "state") == #"{"form":"refund","pending":"confirmation","status":"form"}"#)
        #expect(Self.field(after.lines[1], "events") == #"[{"form":"refund","name":"create_ticket","values":{"order_number":"KS-1234567","refund_reason":"It arrived broken"}}]"#)
        try Self.expectClosedCleanly(db)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalWhileIdleExitsZeroAfterAnsweringEverything(_ signal: Int32) throws {
        let db = try freshDatabase()
        let session = try CLI.Session(["jsonl", "--db", db])
        session.send(Self.message("s1", "hi", id: "m1", minute: 0))
        session.send(Self.message("s2", "I want a refund", id: "m2", minute: 0))
        session.send(#"{"type":"ping","id":"m3"}"#)
        #expect(session.waitFor(#""in_reply_to":"m3""#))
        Thread.sleep(forTimeInterval: 0.3)  // now blocked reading stdin
        let mask = Self.blockedSignals(session.process)
        kill(session.process.processIdentifier, signal)
        let exited = Self.waitForExit(session.process)
        #expect(exited, "still running 10 s after the signal; blocked signals: \(mask)")
        let (status, stderr) = try session.finish()
        #expect(session.process.terminationReason == .exit && status == 0, "\(stderr)")
        let ids = session.output.split(separator: "\n").map { Self.parse(String($0))?["in_reply_to"] as? String ?? "?" }
        #expect(ids == ["m1", "m2", "m3"])
        try Self.expectClosedCleanly(db)

        // Everything answered was stored: the refund form goes on.
        let next = try Self.run(db: db, lines: [Self.message("s2", "KS-1234567", id: "m4", minute: 1)])
        #expect(Self.field(next.stdout, "state") == #"{"form":"refund","pending":"refund_reason","status":"form"}"#)
    }

    @Test func sigtermWhileALineIsProcessedFinishesThatLineThenExitsZero() throws {
        let db = try freshDatabase()
        let session = try CLI.Session(["jsonl", "--db", db])
        session.send(#"{"type":"ping","id":"p1"}"#)
        #expect(session.waitFor(#""in_reply_to":"p1""#))

        // Another connection holds the write lock: the turn waits for it (the store's busy
        // timeout is 5 s), so the line is still being processed when the signal comes.
        let lock = try SQLiteFile(path: db)
        try lock.execute("BEGIN IMMEDIATE")
        session.send(Self.message("t", "I want a refund", id: "t1", minute: 0))
        Thread.sleep(forTimeInterval: 1)
        // No reply before its turn is committed.
        #expect(!session.output.contains(#""in_reply_to":"t1""#))
        let mask = Self.blockedSignals(session.process)
        kill(session.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.5)
        let running = session.process.isRunning
        #expect(running, "exited before finishing the line")
        try lock.execute("COMMIT")
        lock.close()

        let exited = Self.waitForExit(session.process)
        #expect(exited, "still running 10 s after the signal; blocked signals: \(mask)")
        let (status, stderr) = try session.finish()
        #expect(session.process.terminationReason == .exit && status == 0, "\(stderr)")
        let lines = session.output.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(session.output)")
        #expect(Self.parse(lines[1])?["in_reply_to"] as? String == "t1")
        #expect(Self.field(lines[1], "state") == #"{"form":"refund","pending":"order_number","status":"form"}"#)
        try Self.expectClosedCleanly(db)
        // The turn that was answered is stored.
        let next = try Self.run(db: db, lines: [Self.message("t", "KS-1234567", id: "t2", minute: 1)])
        #expect(Self.field(next.stdout, "state") == #"{"form":"refund","pending":"refund_reason","status":"form"}"#)
    }

    @Test func shutdownIsAcknowledgedAndNothingAfterItIsRead() throws {
        let db = try freshDatabase()
        let session = try CLI.Session(["jsonl", "--db", db])
        session.send(Self.message("q", "hi", id: "q1", minute: 0))
        #expect(session.waitFor(#""in_reply_to":"q1""#))
        // Stdin stays open: the request alone stops the process.
        session.send(#"{"type":"shutdown","id":"bye"}"# + "\n" + Self.message("q", "are you still there", id: "q2", minute: 1))
        let exited = Self.waitForExit(session.process)
        #expect(exited, "still running 10 s after shutdown")
        let (status, stderr) = try session.finish()
        #expect(status == 0, "\(stderr)")
        let lines = session.output.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(session.output)")
        #expect(lines[1] == #"{"in_reply_to":"bye","request":"shutdown","type":"ack","version":1}"#)
        try Self.expectClosedCleanly(db)
    }

    @Test func endOfInputAnswersTheLastLineWithoutNewlineAndExitsZero() throws {
        let db = try freshDatabase()
        let result = try Self.run(db: db, input: Array((Self.message("e", "hi", id: "e1") + "\n\n" + #"{"type":"ping","id":"e2"}"#).utf8))
        #expect(result.status == 0)
        #expect(result.stderr == "")
        // The blank line is not a request and gets no line.
        let ids = result.lines.map { Self.parse($0)?["in_reply_to"] as? String ?? "?" }
        #expect(ids == ["e1", "e2"])
        #expect(result.lines[1].hasPrefix(#"{"bot":"Kestrel Assistant","conversations_in_memory":1,"in_reply_to":"e2","intents":"#))
        try Self.expectClosedCleanly(db)

        let empty = try Self.run(db: db, input: [])
        #expect(empty.status == 0)
        #expect(empty.stdout == "")
        #expect(empty.stderr == "")
    }

    @Test func aSmallerLineLimitIsHonoured() throws {
        let db = try freshDatabase()
        let long = Self.message("l", String(repeating: "x", count: 300), id: "l1")
        let result = try Self.run(db: db, input: Array((long + "\n" + Self.message("l", "hi", id: "l2") + "\n").utf8), arguments: ["--max-line-bytes", "256"])
        #expect(result.status == 0)
        try #require(result.lines.count == 2, "\(result.stdout)")
        #expect(result.lines[0] == #"{"code":"line_too_long","in_reply_to":null,"line":1,"message":"the line is \#(long.utf8.count) bytes long; the limit is 256 bytes (--max-line-bytes); it was skipped","type":"error","version":1}"#)
        #expect(Self.parse(result.lines[1])?["in_reply_to"] as? String == "l2")
    }
}

/// Collects what a pipe delivers, on a background thread (a full stderr pipe must not stall
/// the child).
final class ErrorCollector: @unchecked Sendable {  // `data` is written once by the thread, read after `join`
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    var text: String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A minimal SQLite client, loaded at run time (this test target has no dependencies): to
/// hold a write lock from outside and to check a file's integrity.
final class SQLiteFile {
    private typealias OpenV2 = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?, Int32, UnsafePointer<CChar>?) -> Int32
    private typealias Exec = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
    private typealias Prepare = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<OpaquePointer?>?, OpaquePointer?) -> Int32
    private typealias Step = @convention(c) (OpaquePointer?) -> Int32
    private typealias ColumnText = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<UInt8>?
    private typealias Close = @convention(c) (OpaquePointer?) -> Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let library: UnsafeMutableRawPointer
    private var connection: OpaquePointer?

    init(path: String) throws {
        #if os(macOS)
            let name = "/usr/lib/libsqlite3.dylib"
        #else
            let name = "libsqlite3.so.0"
        #endif
        guard let library = dlopen(name, RTLD_NOW) else { throw Failure(description: "cannot load \(name)") }
        self.library = library
        let open: OpenV2 = try symbol("sqlite3_open_v2")
        let readWrite: Int32 = 0x2
        guard open(path, &connection, readWrite, nil) == 0 else { throw Failure(description: "cannot open \(path)") }
    }

    private func symbol<T>(_ name: String) throws -> T {
        guard let address = dlsym(library, name) else { throw Failure(description: "no \(name) in libsqlite3") }
        return unsafeBitCast(address, to: T.self)
    }

    func execute(_ sql: String) throws {
        let exec: Exec = try symbol("sqlite3_exec")
        let status = exec(connection, sql, nil, nil, nil)
        guard status == 0 else { throw Failure(description: "\(sql): SQLite status \(status)") }
    }

    /// The first column of every row.
    func query(_ sql: String) throws -> [String] {
        let prepare: Prepare = try symbol("sqlite3_prepare_v2")
        let step: Step = try symbol("sqlite3_step")
        let column: ColumnText = try symbol("sqlite3_column_text")
        let finalize: Step = try symbol("sqlite3_finalize")
        var statement: OpaquePointer?
        guard prepare(connection, sql, -1, &statement, nil) == 0 else { throw Failure(description: "cannot prepare \(sql)") }
        defer { _ = finalize(statement) }
        var rows: [String] = []
        let sqliteRow: Int32 = 100
        while step(statement) == sqliteRow {
            rows.append(column(statement, 0).map { String(cString: $0) } ?? "")
        }
        return rows
    }

    func close() {
        if let close: Close = try? symbol("sqlite3_close") { _ = close(connection) }
        connection = nil
    }
}
