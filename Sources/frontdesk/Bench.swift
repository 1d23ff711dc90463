import ArgumentParser
import Foundation
import FrontdeskAdapter
import FrontdeskBotFormat
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import Logging

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the whole path of a message: protocol line, engine, store, reply line.",
        discussion: """
            Sends N messages over M conversations through the same code as `frontdesk jsonl` \
            (parsing the request line, the engine, committing the turn to the SQLite file on \
            disk, writing the reply line) and prints messages per second, latency percentiles \
            and memory. Messages are generated from the bot's own examples (every language), \
            or read from a JSON Lines file of protocol requests (or {"text": ...} lines). A \
            conversation handed to a human is handed back, as an agent would. Build with \
            -c release to measure what users get. With --write-requests, the generated request \
            lines are written to a file instead, to time `frontdesk jsonl < FILE` from outside.
            """)

    @Option(name: .long, help: ArgumentHelp("The bot folder (bot.yaml and intent files).", valueName: "dir"))
    var bot: String = "intents"

    @OptionGroup var logging: LoggingOptions

    @Option(name: .long, help: ArgumentHelp("How many messages to send.", valueName: "n"))
    var count: Int = 20_000

    @Option(name: .long, help: ArgumentHelp("How many conversations they are spread over (round robin).", valueName: "m"))
    var conversations: Int = 200

    @Option(name: .long, help: ArgumentHelp("A JSON Lines file of requests (or {\"text\": ...} lines) to send instead, cycled to --count.", valueName: "file"))
    var requests: String?

    @Option(name: .long, help: ArgumentHelp("Write the generated request lines to this file and stop.", valueName: "file"))
    var writeRequests: String?

    @Option(name: .long, help: ArgumentHelp("The SQLite file to store the conversations in (default: a new temporary file, removed afterwards; the model is trained in memory).", valueName: "file"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Requests answered with one commit, as `jsonl` does for requests that arrive together (1: a commit per message).", valueName: "n"))
    var batch: Int = 1

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (1...100_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 100000000") }
        guard (1...10_000_000).contains(conversations) else { throw ValidationError("--conversations must be between 1 and 10000000") }
        guard (1...1024).contains(batch) else { throw ValidationError("--batch must be between 1 and 1024") }
    }

    func run() throws {
        logging.bootstrap()
        if let writeRequests { return try writeRequestFile(writeRequests) }
        let logger = Logger(label: "frontdesk.bench")
        let clock = ContinuousClock()

        // Loading: once training (a fresh in-memory store), once from the model cache.
        let trainSeconds: Double
        let cachedSeconds: Double
        let engine: Engine
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-\(getpid())").path
        let databasePath = db ?? "\(temporary)/bench.sqlite"
        let store: Store
        do {
            let memory = try Store(inMemory: logger)
            var start = clock.now
            _ = try EngineLoader.load(botDirectory: bot, store: memory, variations: .seeded(1), logger: logger)
            trainSeconds = (clock.now - start).seconds
            start = clock.now
            engine = try EngineLoader.load(botDirectory: bot, store: memory, variations: .seeded(1), logger: logger).engine
            cachedSeconds = (clock.now - start).seconds
            store = try Store(path: databasePath, logger: logger)
        } catch {
            report(error)
            throw ExitCode(2)
        }
        defer {
            try? store.close()
            if db == nil { try? FileManager.default.removeItem(atPath: temporary) }
        }

        let source: RequestSource
        do throws(FrontdeskError) {
            if let requests {
                source = try RequestSource(file: requests)
            } else {
                source = RequestSource(bot: engine.bot)
            }
        } catch {
            report(error)
            throw ExitCode(2)
        }
        let service = Conversations(engine: engine, store: store, logger: logger)
        let adapter = JSONLinesAdapter(conversations: service, logger: logger)
        var histogram = LatencyHistogram()
        var residentSamples: [(messages: Int, megabytes: Double)] = []
        let checkpoints = Set((1...10).map { count * $0 / 10 } + [100_000, 1_000_000].filter { $0 < count })
        var handedOff: Set<String> = []
        var errors = 0
        var line = 0
        let started = clock.now
        var index = 0
        while index < count {
            let size = min(batch, count - index)
            var items: [LineSplitter.Item] = []
            for offset in 0..<size {
                line += 1
                items.append(.line(bytes: Array(source.request(index + offset, conversations: conversations).utf8), number: line))
            }
            // Every message of a batch waits for the batch's commit: its latency is the batch's.
            let start = clock.now
            let outputs = adapter.handle(batch: items)
            let milliseconds = (clock.now - start).seconds * 1000
            for out in outputs {
                histogram.add(milliseconds)
                if out.line.hasPrefix("{\"code\"") { errors += 1 }
            }
            for offset in 0..<size {
                // An agent hands a conversation back (not timed) so it does not stay silent.
                if let id = source.conversation(index + offset, conversations: conversations),
                   (try? service.conversation(id))?.state == .handedOff {
                    handedOff.insert(id)
                }
                if checkpoints.contains(index + offset + 1) { residentSamples.append((index + offset + 1, Memory.residentMegabytes())) }
            }
            for id in handedOff {
                line += 1
                _ = adapter.handle(Array("{\"type\":\"handback\",\"conversation\":\(JSONValue.string(id).serialized)}".utf8), line: line)
            }
            handedOff.removeAll()
            index += size
        }
        let elapsed = (clock.now - started).seconds
        let perSecond = Double(count) / elapsed
        let peak = Memory.peakMegabytes()
        if json {
            let object: JSONValue = [
                "messages": .int(count), "conversations": .int(conversations), "errors": .int(errors), "batch": .int(batch),
                "messages_per_second": .rounded(perSecond, digits: 0),
                "ms_p50": .rounded(histogram.percentile(0.5), digits: 3), "ms_p95": .rounded(histogram.percentile(0.95), digits: 3),
                "ms_p99": .rounded(histogram.percentile(0.99), digits: 3), "ms_max": .rounded(histogram.maximum, digits: 3),
                "peak_rss_mb": .rounded(peak, digits: 1),
                "rss_mb": .array(residentSamples.map { ["messages": .int($0.messages), "rss_mb": .rounded($0.megabytes, digits: 1)] }),
                "load_seconds_training": .rounded(trainSeconds, digits: 3), "load_seconds_cached": .rounded(cachedSeconds, digits: 3),
            ]
            output(object.serialized)
        } else {
            output("bot: \(engine.bot.name), \(engine.bot.intents.count) intents, \(engine.bot.languages.map(\.rawValue).joined(separator: ", "))")
            output("load: \(String(format: "%.2f", trainSeconds)) s with training, \(String(format: "%.3f", cachedSeconds)) s from the model cache")
            output("store: \(databasePath) (SQLite on disk, WAL)\(db == nil ? ", removed afterwards" : "")")
            output("messages: \(count) over \(conversations) conversations, \(source.description), \(batch == 1 ? "a commit per message" : "\(batch) per commit"); \(errors) error line(s)")
            output(String(format: "throughput: %.0f messages/s (%.1f s)", perSecond, elapsed))
            output(String(format: "latency ms: p50 %.3f, p95 %.3f, p99 %.3f, max %.3f", histogram.percentile(0.5), histogram.percentile(0.95),
                          histogram.percentile(0.99), histogram.maximum))
            let resident = residentSamples.map { "\($0.messages): \(String(format: "%.0f", $0.megabytes))" }.joined(separator: ", ")
            output(String(format: "memory: peak %.0f MB; resident MB after n messages: ", peak) + resident)
        }
    }
    /// `--write-requests`: the generated request lines, without training or storing anything.
    private func writeRequestFile(_ path: String) throws {
        let source: RequestSource
        do throws(FrontdeskError) {
            if let requests {
                source = try RequestSource(file: requests)
            } else {
                source = RequestSource(bot: try BotLoader.load(directory: bot).bot)
            }
        } catch {
            report(error)
            throw ExitCode(2)
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            printError("error: \(path): cannot write the file")
            throw ExitCode(2)
        }
        var batch = ""
        for index in 0..<count {
            batch += source.request(index, conversations: conversations) + "\n"
            if batch.utf8.count > 1 << 20 {
                handle.write(Data(batch.utf8))
                batch = ""
            }
        }
        handle.write(Data(batch.utf8))
        try? handle.close()
        output("wrote \(count) requests over \(conversations) conversations to \(path)")
    }
}

/// Where the bench's requests come from: the bot's examples, or a file.
struct RequestSource {
    private let lines: [String]
    /// The conversation of each of `lines`, read once.
    private let lineConversations: [String?]
    private let texts: [String]
    let description: String
    /// 2026-03-02 10:00 UTC, a Monday within the example bot's support hours.
    static let start = Date(timeIntervalSince1970: 1_772_445_600)

    init(bot: Bot) {
        var texts: [String] = []
        for language in bot.languages {
            for intent in bot.intents { texts += (intent.examples[language] ?? []).map(\.text) }
        }
        self.texts = texts
        self.lines = []
        self.lineConversations = []
        description = "generated from the bot's \(texts.count) examples"
    }

    init(file: String) throws(FrontdeskError) {
        guard let data = FileManager.default.contents(atPath: file) else { throw FrontdeskError(.io, "\(file): cannot read the file") }
        var lines: [String] = []
        var lineConversations: [String?] = []
        var texts: [String] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard case .object(let object)? = try? JSONParser.parse(Array(line.utf8)) else {
                throw FrontdeskError(.invalidData, "\(file):\(index + 1): not a JSON object")
            }
            if object["type"] != nil {
                lines.append(String(line))
                lineConversations.append(object["conversation"]?.stringValue)
            } else if let text = object["text"]?.stringValue {
                texts.append(text)
            } else {
                throw FrontdeskError(.invalidData, "\(file):\(index + 1): expected a protocol request (with \"type\") or a \"text\"")
            }
        }
        guard !lines.isEmpty || !texts.isEmpty else { throw FrontdeskError(.invalidData, "\(file): no requests") }
        guard lines.isEmpty || texts.isEmpty else { throw FrontdeskError(.invalidData, "\(file): mixes requests and {\"text\"} lines") }
        self.lines = lines
        self.lineConversations = lineConversations
        self.texts = texts
        description = "from \(file)"
    }

    /// The request line for message `index`: conversation `index % conversations`, 100 ms after
    /// the previous message.
    func request(_ index: Int, conversations: Int) -> String {
        if !lines.isEmpty { return lines[index % lines.count] }
        // A stride coprime with the count walks through every example in a mixed order.
        let text = texts[(index &* 7919) % texts.count]
        let conversation = index % conversations
        let time = Rendering.timestamp(Self.start.addingTimeInterval(Double(index) / 10))
        return JSONValue.object(JSONObject([
            (key: "type", value: "message"), (key: "id", value: .string("b\(index)")), (key: "conversation", value: .string("bench-\(conversation)")),
            (key: "user", value: .string("user-\(conversation)")), (key: "text", value: .string(text)), (key: "timestamp", value: .string(time)),
        ])).serialized
    }

    /// The conversation of message `index`.
    func conversation(_ index: Int, conversations: Int) -> String? {
        if !lines.isEmpty { return lineConversations[index % lines.count] }
        return "bench-\(index % conversations)"
    }
}

/// Latencies in fixed buckets (1 µs up to 100 ms, then one overflow bucket): constant memory
/// however many messages are measured.
struct LatencyHistogram {
    private var buckets = [UInt32](repeating: 0, count: 100_001)
    private var total = 0
    private(set) var maximum = 0.0

    mutating func add(_ milliseconds: Double) {
        buckets[min(buckets.count - 1, Int(milliseconds * 1000))] += 1
        total += 1
        maximum = max(maximum, milliseconds)
    }

    func percentile(_ p: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = Int((Double(total) * p).rounded(.up))
        var seen = 0
        for (index, count) in buckets.enumerated() {
            seen += Int(count)
            if seen >= rank { return index == buckets.count - 1 ? maximum : Double(index + 1) / 1000 }
        }
        return maximum
    }
}

enum Memory {
    /// The resident set size now, from /proc/self/statm.
    static func residentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// The peak resident set size so far.
    static func peakMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
