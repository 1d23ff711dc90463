import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskSafety
import Logging

/// The JSON-lines adapter without its I/O: one input line in, one output line out. A reply is
/// returned only after the turn's events are committed, so a reply that was written always
/// reflects stored state. Input never makes it throw or stop (only `shutdown` does).
public final class JSONLinesAdapter {
    public let conversations: Conversations
    /// The longest line read, in bytes (longer ones get `line_too_long`).
    public let lineLimit: Int
    private let startedAt: Date
    private let logger: Logger

    public init(conversations: Conversations, lineLimit: Int = 64 * 1024, logger: Logger = Logger(label: "frontdesk.jsonl")) {
        self.conversations = conversations
        self.lineLimit = lineLimit
        self.startedAt = conversations.engine.clock()
        self.logger = logger
    }

    /// What to write for one input line.
    public struct Output: Sendable, Equatable {
        /// One line of JSON, without its line break.
        public let line: String
        /// After `shutdown`: write the line, then stop reading.
        public let stop: Bool
    }

    /// Handles one item of the input; `nil` for a blank line (which is not a request).
    public func handle(_ item: LineSplitter.Item) -> Output? {
        handle(batch: [item]).first
    }

    public func handle(_ bytes: [UInt8], line number: Int) -> Output? {
        handle(.line(bytes: bytes, number: number))
    }

    /// Handles several items with one group commit: the turns of their messages are stored in
    /// one transaction, and the outputs (one per request, in order) are returned only after it.
    /// Other requests commit what is staged before they run. `shouldStop` is asked after each
    /// item (a signal): the items after it are not handled and get no output.
    public func handle(batch items: [LineSplitter.Item], shouldStop: () -> Bool = { false }) -> [Output] {
        var slots: [Slot] = []
        for item in items {
            let slot = process(item, slots: &slots)
            slots.append(slot)
            if case .ready(let output?) = slot, output.stop { break }
            if shouldStop() { break }
        }
        flush(&slots)
        return slots.compactMap { slot in
            if case .ready(let output) = slot { return output }
            return nil
        }
    }

    /// The output of one item, or its staged turn waiting for the group commit.
    private enum Slot {
        case ready(Output?)
        case staged(line: String, id: JSONValue?, conversation: String, number: Int)
    }

    /// Commits the staged turns; their slots become their reply lines, or `storage` errors.
    private func flush(_ slots: inout [Slot]) {
        guard conversations.stagedCount > 0 else { return }
        var failure: FrontdeskError?
        do {
            try conversations.commitStaged()
        } catch {
            logger.error("storage failed", metadata: ["error": "\(error.message)"])
            failure = error
        }
        for index in slots.indices {
            guard case .staged(let line, let id, let conversation, let number) = slots[index] else { continue }
            if let failure {
                slots[index] = .ready(Output(line: errorLine(WireProtocol.Failure(
                    .storage, "the conversation could not be stored, nothing was changed: \(failure.message)",
                    inReplyTo: id, conversation: conversation), line: number), stop: false))
            } else {
                slots[index] = .ready(Output(line: line, stop: false))
            }
        }
    }

    private func process(_ item: LineSplitter.Item, slots: inout [Slot]) -> Slot {
        let bytes: [UInt8]
        let number: Int
        switch item {
        case .tooLong(let line, let length):
            return .ready(Output(line: errorLine(WireProtocol.Failure(
                .lineTooLong, "the line is \(length) bytes long; the limit is \(lineLimit) bytes (--max-line-bytes); it was skipped"),
                line: line), stop: false))
        case .line(let content, let line):
            bytes = content
            number = line
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .ready(nil) }
        if let offset = WireProtocol.firstInvalidUTF8(bytes) {
            return .ready(Output(line: errorLine(WireProtocol.Failure(
                .invalidUTF8, "the line is not valid UTF-8 (byte \(offset + 1) is \(JSONParser.hex(bytes[offset])))"),
                line: number), stop: false))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .ready(Output(line: errorLine(WireProtocol.Failure(.invalidJSON, "invalid JSON at column \(error.column): \(error.message)"),
                                                 line: number), stop: false))
        }
        do {
            let request = try WireProtocol.request(from: value)
            if case .message(let message) = request {
                return try answer(message, number: number)  // staged for the group commit
            }
            flush(&slots)  // control requests see every earlier turn stored
            return .ready(try serveControl(request))
        } catch {
            return .ready(Output(line: errorLine(error, line: number), stop: false))
        }
    }

    /// Every request but `message` (which `process` answers, with a group commit).
    private func serveControl(_ request: WireProtocol.Request) throws(WireProtocol.Failure) -> Output {
        switch request {
        case .message:
            preconditionFailure("messages are answered by process(_:slots:)")
        case .reset(let control), .end(let control):
            let isReset = if case .reset = request { true } else { false }
            try storing(control.id, control.conversation) { () throws(FrontdeskError) in
                if isReset {
                    try conversations.reset(control.conversation, requestID: WireProtocol.storedID(control.id), at: control.timestamp)
                } else {
                    try conversations.end(control.conversation, requestID: WireProtocol.storedID(control.id), at: control.timestamp)
                }
            }
            return Output(line: ack(isReset ? "reset" : "end", id: control.id, conversation: control.conversation, metadata: control.metadata), stop: false)
        case .handback(let control):
            let pending = try storing(control.id, control.conversation) { () throws(FrontdeskError) in
                try conversations.handBack(conversation: control.conversation, requestID: WireProtocol.storedID(control.id), at: control.timestamp)
            }
            guard let pending else {
                // Sent again after it succeeded (a bridge retrying): the same ack, marked.
                if let requestID = WireProtocol.storedID(control.id),
                   let object = try storing(control.id, control.conversation, { () throws(FrontdeskError) in
                       try conversations.previousReply(conversation: control.conversation, requestID: requestID, message: nil)
                   }),
                   object["request"] == "handback" {
                    return Output(line: Self.markedDuplicate(object, id: control.id, metadata: control.metadata), stop: false)
                }
                throw WireProtocol.Failure(.notHandedOff, "conversation \"\(control.conversation)\" is not with a human agent",
                                           inReplyTo: control.id, conversation: control.conversation)
            }
            let line = ack("handback", id: control.id, conversation: control.conversation, metadata: control.metadata,
                           extra: ["messages": Rendering.messages(pending.turn.messages), "state": Rendering.state(pending.conversation.state)])
            try storing(control.id, control.conversation) { () throws(FrontdeskError) in try conversations.commit(pending, line: line) }
            return Output(line: line, stop: false)
        case .feedback(let feedback):
            let known = try storing(feedback.id, feedback.conversation) { () throws(FrontdeskError) in
                try conversations.store.reply(conversation: feedback.conversation, requestID: feedback.message) != nil
            }
            guard known else {
                throw WireProtocol.Failure(.unknownMessage, "conversation \"\(feedback.conversation)\" has no reply to a message with id \"\(feedback.message)\"",
                                           inReplyTo: feedback.id, conversation: feedback.conversation)
            }
            try storing(feedback.id, feedback.conversation) { () throws(FrontdeskError) in
                try conversations.store.recordFeedback(conversation: feedback.conversation, requestID: feedback.message, rating: feedback.rating,
                                                       comment: feedback.comment.map { conversations.engine.bot.privacy.maskPersonalData ? PersonalData.mask($0).text : $0 }, at: feedback.timestamp ?? conversations.engine.clock())
            }
            return Output(line: ack("feedback", id: feedback.id, conversation: feedback.conversation, metadata: feedback.metadata), stop: false)
        case .ping(let id):
            let engine = conversations.engine
            let uptime = max(0, engine.clock().timeIntervalSince(startedAt))
            let line: JSONValue = [
                "type": "pong", "in_reply_to": id ?? .null, "version": .int(WireProtocol.version), "bot": .string(engine.bot.name),
                "languages": .array(engine.bot.languages.map { .string($0.rawValue) }), "intents": .int(engine.bot.intents.count),
                "conversations_in_memory": .int(conversations.cachedCount), "uptime_seconds": .rounded(uptime, digits: 1),
            ]
            return Output(line: line.serialized, stop: false)
        case .shutdown(let id):
            return Output(line: ack("shutdown", id: id, conversation: nil, metadata: nil), stop: true)
        }
    }

    private func answer(_ request: WireProtocol.Request.Message, number: Int) throws(WireProtocol.Failure) -> Slot {
        let message = UserMessage(text: request.text, payload: request.payload, language: request.locale, timestamp: request.timestamp)
        let requestID = WireProtocol.storedID(request.id)
        if let requestID {
            let previous = try storing(request.id, request.conversation) { () throws(FrontdeskError) in
                try conversations.previousReply(conversation: request.conversation, requestID: requestID, message: message)
            }
            if let previous {
                // Sent twice (a bridge retrying after a crash): the same reply, marked, not a second turn.
                return .ready(Output(line: Self.markedDuplicate(previous, id: request.id, metadata: request.metadata), stop: false))
            }
        }
        let pending = try storing(request.id, request.conversation) { () throws(FrontdeskError) in
            try conversations.respond(to: message, conversation: request.conversation, user: request.user, userName: request.userName,
                                      requestID: requestID)
        }
        let line = reply(pending, request: request).serialized
        conversations.stage(pending, line: line)
        return .staged(line: line, id: request.id, conversation: request.conversation, number: number)
    }

    /// A stored line sent again: `"duplicate": true`, this request's id and metadata.
    static func markedDuplicate(_ stored: JSONObject, id: JSONValue?, metadata: JSONValue?) -> String {
        var object = stored
        object.members.removeAll { ["duplicate", "metadata", "in_reply_to"].contains($0.key) }
        object.members.append((key: "duplicate", value: true))
        object.members.append((key: "in_reply_to", value: id ?? .null))
        if let metadata { object.members.append((key: "metadata", value: metadata)) }
        object.members.sort { $0.key < $1.key }
        return JSONValue.object(object).serialized
    }

    func reply(_ pending: Conversations.PendingTurn, request: WireProtocol.Request.Message) -> JSONValue {
        let turn = pending.turn
        let zone = conversations.engine.bot.timeZone
        var object: [String: JSONValue] = [
            "type": "reply",
            "version": .int(WireProtocol.version),
            "in_reply_to": request.id ?? .null,
            "conversation": .string(request.conversation),
            "user": .string(request.user),
            "messages": Rendering.messages(turn.messages),
            "entities": .array(turn.entities.map { Rendering.entity($0, timeZone: zone) }),
            "slots": Rendering.plain(turn.slots, timeZone: zone),
            "state": Rendering.state(pending.conversation.state),
            "events": .array(turn.events.map { Rendering.event($0, timeZone: zone) }),
            "moderation": turn.moderation.map(Rendering.moderation) ?? .null,
            "sentiment": Rendering.sentiment(turn),
        ]
        object.merge(Rendering.understanding(turn)) { current, _ in current }
        if let metadata = request.metadata { object["metadata"] = metadata }
        return .object(JSONObject(sorted: object))
    }

    private func ack(_ request: String, id: JSONValue?, conversation: String?, metadata: JSONValue?, extra: [String: JSONValue] = [:]) -> String {
        var object: [String: JSONValue] = [
            "type": "ack", "version": .int(WireProtocol.version), "request": .string(request), "in_reply_to": id ?? .null,
        ]
        if let conversation { object["conversation"] = .string(conversation) }
        if let metadata { object["metadata"] = metadata }
        object.merge(extra) { _, new in new }
        return JSONValue.object(JSONObject(sorted: object)).serialized
    }

    func errorLine(_ failure: WireProtocol.Failure, line: Int) -> String {
        var object: [String: JSONValue] = [
            "type": "error", "version": .int(WireProtocol.version), "code": .string(failure.code.rawValue),
            "message": .string(failure.message), "line": .int(line), "in_reply_to": failure.inReplyTo ?? .null,
        ]
        if let conversation = failure.conversation { object["conversation"] = .string(conversation) }
        logger.notice("request refused", metadata: ["line": "\(line)", "code": "\(failure.code.rawValue)"])
        return JSONValue.object(JSONObject(sorted: object)).serialized
    }

    /// Runs a store operation; a storage error becomes a `storage` error line for the request.
    private func storing<T>(_ id: JSONValue?, _ conversation: String, _ body: () throws(FrontdeskError) -> T) throws(WireProtocol.Failure) -> T {
        do {
            return try body()
        } catch {
            logger.error("storage failed", metadata: ["error": "\(error.message)"])
            throw WireProtocol.Failure(.storage, "the conversation could not be stored, nothing was changed: \(error.message)",
                                       inReplyTo: id, conversation: conversation)
        }
    }
}
