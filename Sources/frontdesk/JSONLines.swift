import ArgumentParser
import Foundation
import FrontdeskAdapter
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGTERM and SIGINT: finish the current line, then stop.
let stopRequested = Atomic<Bool>(false)

func requestStop(_ signal: Int32) {
    stopRequested.store(true, ordering: .relaxed)
}

/// Installs `requestStop` for SIGTERM and SIGINT without SA_RESTART, so that a blocked read
/// returns; a closed stdout must not kill the process (SIGPIPE is ignored, the write fails).
func installStopSignals() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = requestStop
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGINT, &action, nil)
    signal(SIGPIPE, SIG_IGN)
    // A child inherits its parent's blocked signals (Foundation's Process blocks most of them):
    // unblock these two, or they would never arrive.
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

struct JSONLines: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jsonl",
        abstract: "Serve the JSON-lines protocol on stdin/stdout, for bridges to messaging platforms.",
        discussion: """
            Reads one JSON request per line on stdin and writes exactly one JSON line per request \
            on stdout, flushed at once, in request order; diagnostics go to stderr. Every \
            conversation is kept in the SQLite file and continues after a restart. A reply is \
            written only after its turn is committed. Bad input gets an error line and the next \
            line is read; at end of input, or on SIGTERM or SIGINT (after the current line), it \
            closes the database and exits 0. The protocol is described in docs/protocol.md.
            """)

    @OptionGroup var options: BotOptions

    @Option(name: .long, help: ArgumentHelp("The longest input line in bytes; longer lines get a line_too_long error.", valueName: "n"))
    var maxLineBytes: Int = 64 * 1024

    @Option(name: .long, help: ArgumentHelp("Seed for choosing reply variations, mixed with each conversation's id.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("How many conversations are kept in memory (others are read back from the database).", valueName: "n"))
    var cacheSize: Int = 10_000

    @Option(name: .long, help: ArgumentHelp("At most this many requests that are already waiting are answered with one database commit (1: a commit per request).", valueName: "n"))
    var maxBatch: Int = 8

    func validate() throws {
        guard maxLineBytes >= 256 else { throw ValidationError("--max-line-bytes must be at least 256") }
        guard cacheSize >= 1 else { throw ValidationError("--cache-size must be at least 1") }
        guard (1...1024).contains(maxBatch) else { throw ValidationError("--max-batch must be between 1 and 1024") }
    }

    func run() throws {
        options.logging.bootstrap()
        let logger = Logger(label: "frontdesk.jsonl")
        let store: Store
        let loaded: EngineLoader.Result
        do {
            store = try Store(path: options.db, logger: logger)
            loaded = try EngineLoader.load(botDirectory: options.bot, store: store, variations: .seeded(seed), logger: logger)
        } catch {
            report(error)
            throw ExitCode(2)
        }
        for warning in loaded.warnings { printError(warning.rendered) }
        installStopSignals()
        var retention = Retention(bot: loaded.engine.bot, store: store, logger: logger)
        retention.applyIfDue()

        let conversations = Conversations(engine: loaded.engine, store: store, seed: seed, cacheCapacity: cacheSize, logger: logger)
        let adapter = JSONLinesAdapter(conversations: conversations, lineLimit: maxLineBytes, logger: logger)
        let status = serve(adapter, retention: &retention)
        do {
            try store.close()
        } catch {
            report(error)
            throw ExitCode(1)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The read loop; returns the exit status.
    private func serve(_ adapter: JSONLinesAdapter, retention: inout Retention) -> Int32 {
        var splitter = LineSplitter(limit: maxLineBytes)
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 * 1024)
        defer { chunk.deallocate() }
        var stopping = false
        var outputClosed = false
        var items: [LineSplitter.Item] = []
        /// Answers the complete lines read so far, `maxBatch` at a time (a group commit each):
        /// lines that arrive together share a commit; a lone line is committed on its own.
        func answer() {
            var start = 0
            while start < items.count, !stopping {
                let batch = Array(items[start..<min(items.count, start + maxBatch)])
                start += batch.count
                for out in adapter.handle(batch: batch, shouldStop: { stopRequested.load(ordering: .relaxed) }) {
                    if !outputClosed, !writeLine(out.line) {
                        printError("error: stdout is closed; stopping")
                        outputClosed = true
                    }
                    if out.stop { stopping = true }
                }
                if outputClosed || stopRequested.load(ordering: .relaxed) { stopping = true }
            }
            items.removeAll(keepingCapacity: true)
        }
        while !stopping {
            if stopRequested.load(ordering: .relaxed) { break }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 250)
            if ready == 0 { retention.applyIfDue() }  // idle: old conversations may go
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let count = read(STDIN_FILENO, chunk.baseAddress, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                printError("error: cannot read stdin: \(String(cString: strerror(errno)))")
                return 1
            }
            if count == 0 {
                if let last = splitter.finish() { items.append(last) }
                answer()
                break
            }
            splitter.feed(UnsafeBufferPointer(rebasing: chunk[0..<count])) { items.append($0) }
            answer()
        }
        return outputClosed ? 1 : 0
    }

    /// Writes one line to stdout with a single write (retrying partial writes); false if
    /// stdout is closed.
    private func writeLine(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
