import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine

/// Records a live conversation (the REPL's) as transcript steps whose expectations are the
/// bot's actual replies, so that `/save` writes a test that passes right away.
public struct TranscriptRecorder: Sendable {
    public private(set) var steps: [Transcript.Step] = []
    /// When the first message was sent: the saved transcript's `time:`.
    public private(set) var startTime: Date?
    /// The language the conversation was fixed to when it started (`nil`: detected).
    public private(set) var language: LanguageCode?

    public init(language: LanguageCode?) {
        self.language = language
    }

    public var isEmpty: Bool { steps.isEmpty }

    public mutating func record(customer: String, turn: FrontdeskEngine.Turn, at time: Date? = nil) {
        if startTime == nil { startTime = time }
        var expectations = turn.messages.map { Transcript.Expectation(.exact($0.text), line: 0) }
        if turn.messages.isEmpty { expectations.append(Transcript.Expectation(.silent, line: 0)) }
        for event in turn.events { expectations.append(Transcript.Expectation(.event(event.name), line: 0)) }
        let quickReplies = turn.messages.flatMap(\.quickReplies).map(\.title)
        if !quickReplies.isEmpty {
            expectations.append(Transcript.Expectation(.quickReplies(quickReplies), line: 0))
        }
        if let score = turn.decision.answeredIntent {
            expectations.append(Transcript.Expectation(.intent(score.intent), line: 0))
        }
        if let article = turn.knowledge?.hit.article {
            expectations.append(Transcript.Expectation(.article(article), line: 0))
        }
        if let verdict = turn.moderation {
            expectations.append(Transcript.Expectation(.moderation(categories: verdict.categories.map(\.rawValue), action: verdict.action.rawValue), line: 0))
            if verdict.hide { expectations.append(Transcript.Expectation(.hidden(true), line: 0)) }
        }
        if !turn.personalData.isEmpty { expectations.append(Transcript.Expectation(.stored(turn.storedText), line: 0)) }
        steps.append(.turn(Transcript.Turn(customer: customer, line: 0, expectations: expectations)))
    }

    /// The agent handed the conversation back (the REPL's `/handback`).
    public mutating func recordHandBack(_ turn: FrontdeskEngine.Turn) {
        steps.append(.handBack(line: 0, expectations: turn.messages.map { Transcript.Expectation(.exact($0.text), line: 0) }))
    }

    /// The language was fixed (or set to be detected, `nil`) during the conversation.
    public mutating func recordLanguage(_ language: LanguageCode?) {
        if steps.isEmpty {
            self.language = language
        } else {
            steps.append(.language(language, line: 0))
        }
    }

    public func transcript(title: String, path: String, user: String?, seed: UInt64) -> Transcript {
        Transcript(path: path, title: title, language: language, user: user, time: startTime, seed: seed, steps: steps)
    }
}
