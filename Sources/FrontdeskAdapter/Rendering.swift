import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine

/// How engine values look in protocol lines and in the stored event log.
public enum Rendering {
    /// `2026-03-02T10:00:00Z` (UTC, whole seconds).
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `2026-03-02T10:00:00.250Z` or `2026-03-02T10:00:00Z`, or seconds since 1970.
    public static func parseTimestamp(_ value: JSONValue) -> Date? {
        switch value {
        case .number:
            guard let seconds = value.doubleValue, seconds.isFinite, abs(seconds) < 1e11 else { return nil }
            return Date(timeIntervalSince1970: seconds)
        case .string(let text):
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try? Date(text, strategy: Date.ISO8601FormatStyle())
        default:
            return nil
        }
    }

    /// A slot's value as an integrator wants it: a string, number, boolean or list of strings;
    /// a date as `2026-03-03` (a day, in the bot's time zone) or a UTC timestamp.
    public static func plain(_ value: SlotValue, timeZone: TimeZone) -> JSONValue {
        switch value {
        case .text(let text): return .string(text)
        case .number(let number): return .double(number)
        case .boolean(let flag): return .bool(flag)
        case .list(let items): return .array(items.map(JSONValue.string))
        case .datetime(let date, let granularity):
            return .string(granularity == .day ? EntityValue.datetime(date, granularity: .day).formatted(in: timeZone) : timestamp(date))
        }
    }

    public static func plain(_ values: [SlotName: SlotValue], timeZone: TimeZone) -> JSONValue {
        .object(JSONObject(sorted: Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, plain($0.value, timeZone: timeZone)) })))
    }

    public static func entity(_ entity: Entity, timeZone: TimeZone) -> JSONValue {
        let value: JSONValue
        switch entity.value {
        case .text(let text), .phone(let text): value = .string(text)
        case .number(let number): value = .double(number)
        case .money(let amount, let currency): value = ["amount": .double(amount), "currency": .string(currency)]
        case .datetime(let date, let granularity):
            value = .string(granularity == .day ? entity.value.formatted(in: timeZone) : timestamp(date))
        }
        return [
            "entity": .string(entity.name.rawValue), "value": value, "text": .string(entity.text),
            "start": .int(entity.span.lowerBound), "end": .int(entity.span.upperBound), "extractor": .string(entity.extractor),
        ]
    }

    /// A moderation verdict: `{"categories": ["insult"], "severity": "clear", "action": "warn", "hide": true}`.
    public static func moderation(_ verdict: ModerationVerdict) -> JSONValue {
        [
            "categories": .array(verdict.categories.map { .string($0.rawValue) }), "severity": .string(verdict.severity.rawValue),
            "action": .string(verdict.action.rawValue), "hide": .bool(verdict.hide),
        ]
    }

    /// The message's sentiment and the conversation's frustration:
    /// `{"score": -0.42, "frustration": 0.31, "offered_human": false}`.
    public static func sentiment(_ turn: Turn) -> JSONValue {
        ["score": .rounded(turn.sentiment, digits: 3), "frustration": .rounded(turn.frustration, digits: 3), "offered_human": .bool(turn.offeredHuman)]
    }

    public static func score(_ score: IntentScore) -> JSONValue {
        ["name": .string(score.intent.rawValue), "confidence": .rounded(score.confidence)]
    }

    public static func messages(_ messages: [BotMessage]) -> JSONValue {
        .array(messages.map { message in
            var object: [String: JSONValue] = ["text": .string(message.text)]
            if !message.quickReplies.isEmpty {
                object["quick_replies"] = .array(message.quickReplies.map { ["title": .string($0.title), "payload": .string($0.payload)] })
            }
            return .object(JSONObject(sorted: object))
        })
    }

    /// A dialogue event for the integrator: `{"name": "handoff", "reason": ..., "summary": ...}`,
    /// `{"name": "create_ticket", "form": "callback", "values": {...}}`.
    public static func event(_ event: DialogueEvent, timeZone: TimeZone) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(event.name)]
        if let form = event.form { object["form"] = .string(form) }
        if !event.values.isEmpty || event.form != nil { object["values"] = plain(event.values, timeZone: timeZone) }
        if let summary = event.summary {
            object["reason"] = .string(summary.reason)
            object["summary"] = [
                "intents": .array(summary.intents.map { .string($0.rawValue) }),
                "slots": plain(summary.slots, timeZone: timeZone),
                "last_messages": .array(summary.lastMessages.map(JSONValue.string)),
                "reason": .string(summary.reason),
            ]
        }
        return .object(JSONObject(sorted: object))
    }

    /// The decision in one word: `answer`, `knowledge`, `clarify`, `fallback`, `rephrase`, `form`,
    /// `handoff`, `handoff_closed`, `silent`, `handed_back`.
    public static func decisionName(_ decision: Decision) -> String {
        switch decision {
        case .answer: "answer"
        case .clarify: "clarify"
        case .fallback: "fallback"
        case .knowledge: "knowledge"
        case .rephrase: "rephrase"
        case .form: "form"
        case .handoff: "handoff"
        case .handoffClosed: "handoff_closed"
        case .silent: "silent"
        case .handedBack: "handed_back"
        case .disclosure: "disclosure"
        case .moderated: "moderated"
        }
    }

    /// What was understood, as both the reply and the `intent` event show it: the decision,
    /// the answered intent (or `null`), the best three intents, the language and the quoted
    /// knowledge article (or `null`).
    public static func understanding(_ turn: Turn) -> [String: JSONValue] {
        [
            "decision": .string(decisionName(turn.decision)),
            "intent": turn.decision.answeredIntent.map(score) ?? .null,
            "ranking": .array(turn.ranking.prefix(3).map(score)),
            "language": .string(turn.language.rawValue),
            "knowledge": turn.knowledge.map { knowledge($0.hit) } ?? .null,
        ]
    }

    /// A quoted article: `{"article": id, "title": ..., "url": ..., "score": 0.82}`.
    public static func knowledge(_ hit: KnowledgeHit) -> JSONValue {
        ["article": .string(hit.article), "title": .string(hit.title), "url": hit.url.map(JSONValue.string) ?? .null, "score": .rounded(hit.score, digits: 3)]
    }

    /// A form step: `{"form": "refund", "step": "ask", "slot": "order_number"}`.
    public static func formStep(_ turn: FormTurn) -> JSONValue {
        var object: [String: JSONValue] = ["form": .string(turn.form)]
        switch turn.next {
        case .ask(let slot, let reprompt):
            object["step"] = .string(reprompt ? "reprompt" : "ask")
            object["slot"] = .string(slot.rawValue)
        case .confirm: object["step"] = "confirm"
        case .confirmCancel: object["step"] = "confirm_cancel"
        case .completed: object["step"] = "completed"
        case .cancelled: object["step"] = "cancelled"
        case .gaveUp: object["step"] = "gave_up"
        case .restart(let slot):
            object["step"] = "restart"
            object["slot"] = .string(slot.rawValue)
        }
        return .object(JSONObject(sorted: object))
    }

    /// Where the conversation stands: `{"status": "idle"}`, `{"status": "form", "form": ...,
    /// "pending": "order_number"}`, `{"status": "awaiting_choice"}`, `{"status": "handed_off"}`.
    public static func state(_ state: DialogueState) -> JSONValue {
        switch state {
        case .idle: return ["status": "idle"]
        case .awaitingChoice(let options): return ["status": "awaiting_choice", "options": .array(options.map { .string($0.rawValue) })]
        case .handedOff: return ["status": "handed_off"]
        case .form(let form):
            var object: [String: JSONValue] = ["status": "form", "form": .string(form.form)]
            switch form.phase {
            case .asking: object["pending"] = form.pending.map { .string($0.rawValue) } ?? .null
            case .confirming: object["pending"] = "confirmation"
            case .confirmingCancel: object["pending"] = "cancel_confirmation"
            }
            return .object(JSONObject(sorted: object))
        }
    }
}
