import Foundation
import FrontdeskAdapter
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import Logging
import Testing

/// The fixture bot and fixed times for the adapter tests.
enum Fixture {
    /// `Fixtures/shop-bot`: English, a return form (order number PB-12345, reason), a hand-off
    /// intent, support Monday to Friday 08:00-20:00 Europe/Berlin, one variation per reply.
    static let botDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/shop-bot").path

    /// 2026-03-02T10:00:00Z: a Monday, 11:00 in Berlin, within support hours.
    static let monday = Date(timeIntervalSince1970: 1_772_445_600)

    /// `2026-03-02T10:MM:00Z`: minutes after `monday` (keep below 60: the bot's conversation
    /// timeout is an hour).
    static func at(_ minute: Int) -> String {
        "2026-03-02T10:\(minute < 10 ? "0" : "")\(minute):00Z"
    }

    static let quiet = Logger(label: "frontdesk.tests") { _ in SwiftLogNoOpLogHandler() }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-adapter-\(UUID().uuidString)/frontdesk.sqlite").path
    }

    // The replies of the fixture bot.
    static let disclosure = "I'm Shopbot, the automated assistant of Pebble Shop."
    static let greeting = "Hello there! How can I help?"
    static let shipping = "Parcels arrive within 2 to 4 working days."
    static let returnIntro = "Let's set up your return."
    static let askOrder = "What is the order number? It looks like PB-12345."
    static let repromptOrder = "That is not an order number. It looks like PB-12345."
    static let askReason = "Why are you sending it back?"
    static let handoff = "A colleague from Pebble Shop will take over here."
    static let handedBack = "You're talking to Shopbot, the automated assistant, again. How else can I help?"
    static func done(_ order: String) -> String { "Your return for order \(order) is registered." }
}

/// The fixture bot loaded on a SQLite file, with its conversations and the adapter; lines are
/// numbered as they are sent.
final class Harness {
    let path: String
    let store: Store
    let loaded: EngineLoader.Result
    let conversations: Conversations
    let adapter: JSONLinesAdapter
    private(set) var lineNumber = 0

    init(path: String = Fixture.temporaryDatabase(), cacheCapacity: Int = 2048) throws {
        self.path = path
        store = try Store(path: path, logger: Fixture.quiet)
        loaded = try EngineLoader.load(botDirectory: Fixture.botDirectory, store: store, variations: .seeded(1),
                                       now: { Fixture.monday }, logger: Fixture.quiet)
        conversations = Conversations(engine: loaded.engine, store: store, seed: 1, cacheCapacity: cacheCapacity, logger: Fixture.quiet)
        adapter = JSONLinesAdapter(conversations: conversations, logger: Fixture.quiet)
    }

    /// Handles the next input line; `nil` when it gets no output line.
    func send(_ line: String) -> String? {
        send(bytes: Array(line.utf8))
    }

    func send(bytes: [UInt8]) -> String? {
        lineNumber += 1
        return adapter.handle(bytes, line: lineNumber)?.line
    }

    /// A `message` request line.
    static func message(_ conversation: String, _ text: String, id: String? = nil, minute: Int = 0, user: String = "u1",
                        metadata: String? = nil) -> String {
        var fields: [String] = [#""type":"message""#]
        if let id { fields.append(#""id":"\#(id)""#) }
        fields.append(#""conversation":"\#(conversation)","user":"\#(user)","text":\#(JSONValue.string(text).serialized)"#)
        fields.append(#""timestamp":"\#(Fixture.at(minute))""#)
        if let metadata { fields.append(#""metadata":\#(metadata)"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Sends a message and returns its reply, parsed.
    func say(_ conversation: String, _ text: String, id: String? = nil, minute: Int = 0) throws -> Reply {
        let line = try #require(send(Self.message(conversation, text, id: id, minute: minute)))
        return try Reply(line)
    }
}

/// A reply line, parsed, with accessors for what the tests check.
struct Reply: CustomStringConvertible {
    let line: String
    let value: JSONValue

    init(_ line: String) throws {
        self.line = line
        value = try JSONParser.parse(Array(line.utf8))
    }

    var description: String { line }
    var type: String? { value["type"]?.stringValue }
    var texts: [String] { if case .array(let items)? = value["messages"] { items.compactMap { $0["text"]?.stringValue } } else { [] } }
    var decision: String? { value["decision"]?.stringValue }
    var intent: String? { value["intent"]?["name"]?.stringValue }
    var state: String? { value["state"]?.serialized }
    var slots: String? { value["slots"]?.serialized }
    var events: String? { value["events"]?.serialized }
    var entities: String? { value["entities"]?.serialized }

    /// The line without `intent` and `ranking` (whose confidences come from the trained
    /// model): everything else is deterministic.
    var withoutScores: String {
        guard case .object(var object) = value else { return line }
        object.members.removeAll { $0.key == "intent" || $0.key == "ranking" }
        return JSONValue.object(object).serialized
    }
}
