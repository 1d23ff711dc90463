import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import FrontdeskUnderstanding
import Logging

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure how long the bot takes to load and to answer a message.",
        discussion: """
            Replays the customer messages of the transcripts (or of a JSON Lines file with a \
            "text" key per line) through the whole engine, each message in its own \
            conversation, and prints the time per turn (mean and percentiles) and the time to \
            load the bot with and without the model cache. Build with -c release to measure \
            what users get.
            """)

    @OptionGroup var options: BotOptions

    @Option(name: .long, help: ArgumentHelp("Transcript files or folders whose customer messages are replayed.", valueName: "path"))
    var transcripts: [String] = ["transcripts"]

    @Option(name: .long, help: ArgumentHelp("A JSON Lines file with {\"text\": ...} lines to replay instead.", valueName: "file"))
    var messages: String?

    @Option(name: .long, help: ArgumentHelp("How many times every message is replayed.", valueName: "n"))
    var rounds: Int = 20

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 10000") }
    }

    func run() throws {
        options.logging.bootstrap()
        let logger = Logger(label: "frontdesk.bench")
        let clock = ContinuousClock()
        let engine: Engine
        let trainSeconds: Double
        let cachedSeconds: Double
        do {
            // A fresh in-memory store: the first load trains, the second comes from the cache.
            let store = try Store(inMemory: logger)
            var start = clock.now
            _ = try EngineLoader.load(botDirectory: options.bot, store: store, variations: .seeded(1), logger: logger)
            trainSeconds = (clock.now - start).seconds
            start = clock.now
            engine = try EngineLoader.load(botDirectory: options.bot, store: store, variations: .seeded(1), logger: logger).engine
            cachedSeconds = (clock.now - start).seconds
        } catch {
            report(error)
            throw ExitCode(2)
        }

        var texts: [String] = []
        do throws(FrontdeskError) {
            if let messages {
                guard let data = FileManager.default.contents(atPath: messages) else { throw FrontdeskError(.io, "\(messages): cannot read the file") }
                texts = try LabeledData.parseTexts(data, path: messages)
            } else {
                for file in try TranscriptFiles.find(transcripts) {
                    texts += try Transcript.read(path: file).turns.map(\.customer)
                }
            }
        } catch {
            report(error)
            throw ExitCode(2)
        }
        guard !texts.isEmpty else {
            printError("error: no messages to replay")
            throw ExitCode(2)
        }

        var samples: [Double] = []
        samples.reserveCapacity(texts.count * rounds)
        for _ in 0..<rounds {
            for text in texts {
                var conversation = engine.startConversation(id: "bench")
                conversation.turn = 1  // not the first turn: measure the answer, not the disclosure
                let start = clock.now
                _ = engine.respond(to: UserMessage(text: text), in: &conversation)
                samples.append((clock.now - start).seconds * 1000)
            }
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        let mean = samples.reduce(0, +) / Double(samples.count)
        if json {
            let object: [String: Any] = [
                "turns": samples.count, "ms_per_turn_mean": mean, "ms_per_turn_p50": percentile(0.5),
                "ms_per_turn_p95": percentile(0.95), "ms_per_turn_p99": percentile(0.99), "ms_per_turn_max": samples.last!,
                "load_seconds_training": trainSeconds, "load_seconds_cached": cachedSeconds,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            output(String(decoding: data, as: UTF8.self))
        } else {
            output("bot: \(engine.bot.name), \(engine.bot.intents.count) intents, \(engine.bot.languages.map(\.rawValue).joined(separator: ", "))")
            output("load: \(String(format: "%.2f", trainSeconds)) s with training, \(String(format: "%.3f", cachedSeconds)) s from the model cache")
            output("turns: \(samples.count) (\(texts.count) messages × \(rounds) rounds)")
            output(String(format: "ms per turn: mean %.3f, p50 %.3f, p95 %.3f, p99 %.3f, max %.3f",
                          mean, percentile(0.5), percentile(0.95), percentile(0.99), samples.last!))
        }
    }
}
