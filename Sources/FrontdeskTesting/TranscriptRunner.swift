import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine

/// One turn as it was played: what the customer said and what the bot answered.
public struct PlayedTurn: Sendable {
    public let turn: Transcript.Turn
    public let actual: FrontdeskEngine.Turn
    public let failures: [TurnFailure]
}

/// Why a turn did not go as the transcript expected.
public struct TurnFailure: Sendable, Equatable {
    /// The line of the expectation that failed (or of the customer's message).
    public let line: Int
    public let message: String
    public let expected: String?
    public let actual: String?
}

public struct TranscriptResult: Sendable {
    public let transcript: Transcript
    public let turns: [PlayedTurn]
    public let seconds: Double
    public var failures: [(turn: PlayedTurn, failure: TurnFailure)] {
        turns.flatMap { turn in turn.failures.map { (turn, $0) } }
    }
    public var passed: Bool { turns.allSatisfy(\.failures.isEmpty) }
}

/// Replays transcripts against an engine: each in a fresh conversation, with the
/// transcript's seed for reply variations and its fixed clock.
public struct TranscriptRunner: Sendable {
    public let engine: Engine
    /// The conversation id transcripts are played under.
    public static let conversationID = "transcript"

    public init(engine: Engine) {
        self.engine = engine
    }

    public func run(_ transcript: Transcript) -> TranscriptResult {
        let start = ContinuousClock.now
        var engine = self.engine
        engine.variations = .seeded(transcript.seed)
        var conversation = engine.startConversation(id: Self.conversationID, language: transcript.language, userName: transcript.user)
        let turns = Self.play(transcript.steps, engine: engine, conversation: &conversation, clock: transcript.time ?? Transcript.defaultTime)
        return TranscriptResult(transcript: transcript, turns: turns, seconds: (ContinuousClock.now - start).seconds)
    }

    /// Plays steps in an existing conversation (the REPL's `/load` continues from there).
    public static func play(_ steps: [Transcript.Step], engine: Engine, conversation: inout Conversation, clock: Date?) -> [PlayedTurn] {
        var now = clock
        var played: [PlayedTurn] = []
        for step in steps {
            switch step {
            case .language(let language, _):
                if let language, engine.bot.languages.contains(language) {
                    conversation.language = language
                    conversation.languageIsFixed = true
                } else {
                    conversation.languageIsFixed = false
                }
            case .time(let date, _):
                now = date
            case .handBack(let line, let expectations):
                let step = Transcript.Turn(customer: "(the agent hands the conversation back)", line: line, expectations: expectations)
                if let actual = engine.handBack(&conversation) {
                    played.append(PlayedTurn(turn: step, actual: actual, failures: check(step, actual, bot: engine.bot)))
                } else {
                    played.append(PlayedTurn(turn: step, actual: Turn(messages: [], decision: .silent, language: conversation.language),
                                             failures: [TurnFailure(line: line, message: "the conversation was not with a human, so there was nothing to hand back", expected: nil, actual: nil)]))
                }
            case .turn(let turn):
                let actual = engine.respond(to: UserMessage(text: turn.customer, timestamp: now), in: &conversation)
                played.append(PlayedTurn(turn: turn, actual: actual, failures: check(turn, actual, bot: engine.bot)))
            }
        }
        return played
    }

    /// Compares one turn with its expectations.
    static func check(_ turn: Transcript.Turn, _ actual: FrontdeskEngine.Turn, bot: Bot) -> [TurnFailure] {
        var failures: [TurnFailure] = []
        let expected = turn.messageExpectations
        let messages = actual.messages
        if !expected.isEmpty {
            for i in 0..<max(expected.count, messages.count) {
                if i >= expected.count {
                    failures.append(TurnFailure(line: expected.last!.line, message: "the bot said one more message than expected", expected: nil, actual: messages[i].text))
                    continue
                }
                let expectation = expected[i]
                guard i < messages.count else {
                    failures.append(TurnFailure(line: expectation.line, message: "the bot said no more messages", expected: describe(expectation.kind), actual: nil))
                    continue
                }
                let text = messages[i].text.trimmingCharacters(in: .whitespacesAndNewlines)
                switch expectation.kind {
                case .exact(let want):
                    if text != want.trimmingCharacters(in: .whitespacesAndNewlines) {
                        failures.append(TurnFailure(line: expectation.line, message: "the bot's reply differs", expected: want, actual: text))
                    }
                case .contains(let part):
                    if !text.contains(part) {
                        failures.append(TurnFailure(line: expectation.line, message: "the bot's reply does not contain the expected text", expected: part, actual: text))
                    }
                case .matches(let pattern):
                    if !ReplyMatcher.wholeMatch(pattern, text) {
                        failures.append(TurnFailure(line: expectation.line, message: "the bot's reply does not match the pattern", expected: pattern, actual: text))
                    }
                case .oneOf(let name):
                    let templates = ReplyMatcher.templates(named: name, in: bot)
                    if templates == nil {
                        failures.append(TurnFailure(line: expectation.line, message: "'\(name)' is neither an intent nor a built-in reply (\(Transcript.builtinReplyNames.joined(separator: ", ")))", expected: name, actual: text))
                    } else if !(templates ?? []).contains(where: { ReplyMatcher.matches($0, text) }) {
                        failures.append(TurnFailure(line: expectation.line, message: "the bot's reply is none of the replies of '\(name)'", expected: "one of the replies of '\(name)'", actual: text))
                    }
                default:
                    break
                }
            }
        }
        for expectation in turn.expectations where !expectation.kind.isMessage {
            switch expectation.kind {
            case .intent(let name):
                if actual.decision.answeredIntent?.intent == name { break }
                failures.append(TurnFailure(line: expectation.line, message: "the turn was not answered with intent '\(name)'", expected: name.rawValue, actual: describe(actual.decision)))
            case .silent:
                if !messages.isEmpty {
                    failures.append(TurnFailure(line: expectation.line, message: "the bot was expected to stay silent", expected: "(nothing)",
                                                actual: messages.map(\.text).joined(separator: " / ")))
                }
            case .quickReplies(let titles):
                let offered = messages.flatMap(\.quickReplies).map(\.title)
                if offered != titles {
                    failures.append(TurnFailure(line: expectation.line, message: "the quick replies differ",
                                                expected: titles.joined(separator: " | "), actual: offered.isEmpty ? "(none)" : offered.joined(separator: " | ")))
                }
            case .entity(let name, let value):
                let zone = bot.timeZone
                let found = actual.entities.filter { $0.name.rawValue == name }
                if !found.contains(where: { $0.value.formatted(in: zone) == value }) {
                    failures.append(TurnFailure(line: expectation.line, message: "no entity '\(name)' with this value", expected: value,
                                                actual: found.isEmpty ? "(none)" : found.map { $0.value.formatted(in: zone) }.joined(separator: ", ")))
                }
            case .slot(let name, let value):
                let actualValue = actual.slots[SlotName(name)]?.formatted(in: bot.timeZone, language: actual.language)
                if actualValue != value {
                    failures.append(TurnFailure(line: expectation.line, message: actualValue == nil ? "slot '\(name)' is not set" : "slot '\(name)' holds another value",
                                                expected: value, actual: actualValue))
                }
            case .article(let id):
                let quoted = actual.knowledge?.hit.article
                if quoted != id {
                    let candidates = actual.knowledgeCandidates.prefix(3).map { "\($0.article) \(String(format: "%.2f", $0.score))" }.joined(separator: ", ")
                    failures.append(TurnFailure(line: expectation.line,
                                                message: id == nil ? "the reply quotes a knowledge article" : "the reply does not quote article '\(id!)'",
                                                expected: id ?? "no article",
                                                actual: (quoted ?? "no article") + (candidates.isEmpty ? "" : " (candidates: \(candidates))")))
                }
            case .moderation(let categories, let action):
                let verdict = actual.moderation
                let got = verdict.map { ($0.categories.map(\.rawValue) + [$0.action.rawValue]).joined(separator: " ") } ?? "none"
                let want = categories.isEmpty ? "none" : (categories + [action ?? "none"]).joined(separator: " ")
                if got != want {
                    failures.append(TurnFailure(line: expectation.line, message: "the moderation verdict differs", expected: want, actual: got))
                }
            case .hidden(let flag):
                let hidden = actual.moderation?.hide ?? false
                if hidden != flag {
                    failures.append(TurnFailure(line: expectation.line, message: flag ? "the message is not hidden" : "the message is hidden",
                                                expected: flag ? "yes" : "no", actual: hidden ? "yes" : "no"))
                }
            case .stored(let text):
                if actual.storedText != text {
                    failures.append(TurnFailure(line: expectation.line, message: "the stored message differs", expected: text, actual: actual.storedText))
                }
            case .event(let name):
                if !actual.events.contains(where: { $0.name == name }) {
                    failures.append(TurnFailure(line: expectation.line, message: "no event '\(name)'", expected: name,
                                                actual: actual.events.isEmpty ? "(none)" : actual.events.map(\.name).joined(separator: ", ")))
                }
            default:
                break
            }
        }
        return failures
    }

    static func describe(_ kind: Transcript.Expectation.Kind) -> String {
        switch kind {
        case .exact(let text): return text
        case .contains(let text): return "a message containing '\(text)'"
        case .matches(let pattern): return "a message matching /\(pattern)/"
        case .oneOf(let name): return "one of the replies of '\(name)'"
        default: return ""
        }
    }

    /// What the engine decided, in words: `refund_request (0.93)`, `fallback`, ...
    public static func describe(_ decision: Decision) -> String {
        switch decision {
        case .answer(let score): return "\(score.intent) (\(String(format: "%.2f", score.confidence)))"
        case .clarify(let a, let b): return "did you mean \(a.intent) (\(String(format: "%.2f", a.confidence))) or \(b.intent) (\(String(format: "%.2f", b.confidence)))"
        case .fallback: return "fallback"
        case .knowledge(let answer): return "knowledge article \(answer.hit.article) (\(String(format: "%.2f", answer.hit.score)))"
        case .rephrase: return "rephrase"
        case .silent: return "silent (a human has the conversation)"
        case .handedBack: return "handed back by the agent"
        case .disclosure: return "\"are you a bot?\" answered"
        case .moderated(let action): return "moderation (\(action.rawValue))"
        case .handoff(let reason, let answered): return "hand-off (\(reason))" + (answered.map { " after \($0.intent)" } ?? "")
        case .handoffClosed(_, let reason, let callback): return "out of hours (\(reason))" + (callback.map { ", callback form \($0.form)" } ?? "")
        case .form(let turn):
            let next: String
            switch turn.next {
            case .ask(let slot, let reprompt): next = reprompt ? "asks again for \(slot)" : "asks for \(slot)"
            case .confirm: next = "asks to confirm"
            case .confirmCancel: next = "asks whether to stop"
            case .completed: next = "completed"
            case .cancelled: next = "stopped"
            case .gaveUp: next = "gave up"
            case .restart(let slot): next = "starts again with \(slot)"
            }
            return "form \(turn.form): " + (turn.answered.map { "answered \($0.intent), then " } ?? "") + next
        }
    }
}

/// Matching a message against reply templates: placeholders match any text.
public enum ReplyMatcher {
    /// The reply variations called `name`: an intent's, or a built-in reply's; `nil` if there is none.
    public static func templates(named name: String, in bot: Bot) -> [ReplyTemplate]? {
        let variations = bot.builtinReplies[name] ?? bot.intent(named: IntentName(name))?.replies
        return variations.map { $0.values.flatMap { $0 } }
    }

    /// Whether `text` is what `template` renders to for some placeholder values.
    public static func matches(_ template: ReplyTemplate, _ text: String) -> Bool {
        var pattern = "^"
        for part in template.parts {
            switch part {
            case .text(let t): pattern += NSRegularExpression.escapedPattern(for: t)
            case .placeholder: pattern += "[\\s\\S]*?"
            }
        }
        return wholeMatch(pattern + "$", text.trimmingCharacters(in: .whitespacesAndNewlines), anchored: true)
    }

    /// Whether the regular expression matches the whole text.
    public static func wholeMatch(_ pattern: String, _ text: String, anchored: Bool = false) -> Bool {
        let full = anchored ? pattern : "^(?:\(pattern))$"
        guard let regex = try? NSRegularExpression(pattern: full, options: []) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
