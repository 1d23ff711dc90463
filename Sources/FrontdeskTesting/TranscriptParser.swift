import Foundation
import FrontdeskCore

/// Reads the line-based transcript format, collecting every problem.
struct TranscriptParser {
    let path: String
    let lines: [String]
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, text: String) {
        self.path = path
        self.lines = text.sourceLines
    }

    private mutating func error(_ message: String, line: Int, column: Int = 1) {
        let source = line <= lines.count ? lines[line - 1] : nil
        diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: line, column: column), message, sourceLine: source))
    }

    /// One `key: value` entry, with continuation lines joined.
    struct Entry {
        var key: String
        var value: String
        let line: Int
        /// Column of the first character of the value.
        let valueColumn: Int
    }

    mutating func entries() -> [Entry] {
        var entries: [Entry] = []
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if raw.hasPrefix("  "), !entries.isEmpty {
                // A continuation of the previous entry's value: a reply of several lines.
                entries[entries.count - 1].value += "\n" + String(raw.dropFirst(2))
                continue
            }
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = raw.firstIndex(of: ":") else {
                error("expected 'key: value' (for example 'customer: hello' or 'bot: Hi!')", line: number)
                continue
            }
            let key = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            var valueStart = raw.index(after: colon)
            if valueStart < raw.endIndex, raw[valueStart] == " " { valueStart = raw.index(after: valueStart) }
            let value = String(raw[valueStart...]).trimmingCharacters(in: .whitespaces)
            entries.append(Entry(key: key, value: value, line: number, valueColumn: raw.unicodeScalars.distance(from: raw.unicodeScalars.startIndex, to: valueStart.samePosition(in: raw.unicodeScalars) ?? raw.unicodeScalars.startIndex) + 1))
        }
        return entries
    }

    mutating func parse() -> Transcript {
        var transcript = Transcript(path: path, title: "")
        var all = entries()
        guard let first = all.first else {
            error("the transcript is empty (expected 'version: \(Transcript.formatVersion)', a title and turns)", line: 1)
            return transcript
        }
        if first.key != "version" {
            error("the first line must be 'version: \(Transcript.formatVersion)'", line: first.line)
        } else {
            if Int(first.value) != Transcript.formatVersion {
                error("unsupported transcript version '\(first.value)' (this Frontdesk reads version \(Transcript.formatVersion))", line: first.line, column: first.valueColumn)
                return transcript
            }
            all.removeFirst()
        }

        var sawTitle = false
        var currentTurn: Transcript.Turn?
        var handBackLine: Int?
        var handBackExpectations: [Transcript.Expectation] = []
        func flushHandBack(into transcript: inout Transcript) {
            if let line = handBackLine { transcript.steps.append(.handBack(line: line, expectations: handBackExpectations)) }
            handBackLine = nil
        }
        func flush(into transcript: inout Transcript) {
            if let turn = currentTurn { transcript.steps.append(.turn(turn)) }
            currentTurn = nil
        }
        for entry in all {
            if handBackLine != nil, entry.key == "language" || entry.key == "time" { flushHandBack(into: &transcript) }
            let inHeader = transcript.steps.isEmpty && currentTurn == nil && handBackLine == nil
            switch entry.key {
            case "version":
                error("'version' must be the first line", line: entry.line)
            case "title":
                if !inHeader {
                    error("'title' belongs at the top, before the first 'customer:' line", line: entry.line)
                } else if entry.value.isEmpty {
                    error("empty title", line: entry.line, column: entry.valueColumn)
                } else {
                    transcript.title = entry.value
                    sawTitle = true
                }
            case "user":
                if inHeader { transcript.user = entry.value } else { error("'user' belongs at the top, before the first 'customer:' line", line: entry.line) }
            case "seed":
                if !inHeader {
                    error("'seed' belongs at the top, before the first 'customer:' line", line: entry.line)
                } else if let seed = UInt64(entry.value) {
                    transcript.seed = seed
                } else {
                    error("the seed must be a whole number, not '\(entry.value)'", line: entry.line, column: entry.valueColumn)
                }
            case "language":
                let language: LanguageCode?
                if entry.value == "auto" {
                    language = nil
                } else if LanguageCode.isWellFormed(entry.value) {
                    language = LanguageCode(entry.value)
                } else {
                    error("'\(entry.value)' is not a language code (use en, de, ... or auto)", line: entry.line, column: entry.valueColumn)
                    continue
                }
                if inHeader {
                    transcript.language = language
                } else {
                    flush(into: &transcript)
                    transcript.steps.append(.language(language, line: entry.line))
                }
            case "time":
                guard let date = TranscriptTime.parse(entry.value) else {
                    error("invalid time '\(entry.value)' (expected for example '2026-03-02 14:30 Europe/Berlin')", line: entry.line, column: entry.valueColumn)
                    continue
                }
                if inHeader {
                    transcript.time = date
                } else {
                    flush(into: &transcript)
                    transcript.steps.append(.time(date, line: entry.line))
                }
            case "agent":
                guard entry.value.lowercased() == "hand back" else {
                    error("'agent:' knows one action: 'agent: hand back' (a human gives the conversation back to the bot)", line: entry.line, column: entry.valueColumn)
                    continue
                }
                flush(into: &transcript)
                handBackLine = entry.line
                handBackExpectations = []
            case "customer":
                flushHandBack(into: &transcript)
                flush(into: &transcript)
                if entry.value.isEmpty {
                    error("the customer says nothing", line: entry.line, column: entry.valueColumn)
                }
                currentTurn = Transcript.Turn(customer: entry.value, line: entry.line)
            default:
                guard let kind = expectation(entry) else { continue }
                if handBackLine != nil {
                    handBackExpectations.append(Transcript.Expectation(kind, line: entry.line))
                    continue
                }
                guard currentTurn != nil else {
                    error("'\(entry.key):' comes before any 'customer:' line (the customer speaks first)", line: entry.line)
                    continue
                }
                currentTurn?.expectations.append(Transcript.Expectation(kind, line: entry.line))
            }
        }
        flushHandBack(into: &transcript)
        flush(into: &transcript)
        if !sawTitle, diagnostics.isEmpty || !transcript.steps.isEmpty {
            error("missing 'title: ...' (a name for this conversation test)", line: first.line)
        }
        diagnostics = diagnostics.enumerated().sorted {
            ($0.element.location.line, $0.offset) < ($1.element.location.line, $1.offset)
        }.map(\.element)
        return transcript
    }

    private mutating func expectation(_ entry: Entry) -> Transcript.Expectation.Kind? {
        func nonEmpty() -> String? {
            if entry.value.isEmpty {
                error("'\(entry.key):' needs a value", line: entry.line, column: entry.valueColumn)
                return nil
            }
            return entry.value
        }
        switch entry.key {
        case "bot":
            return nonEmpty().map { .exact($0) }
        case "bot contains":
            return nonEmpty().map { .contains($0) }
        case "bot matches":
            guard let pattern = nonEmpty() else { return nil }
            if (try? NSRegularExpression(pattern: pattern)) == nil {
                error("invalid regular expression '\(pattern)'", line: entry.line, column: entry.valueColumn)
                return nil
            }
            return .matches(pattern)
        case "bot one of":
            return nonEmpty().map { .oneOf($0) }
        case "bot silent":
            return .silent
        case "intent":
            return nonEmpty().map { .intent(IntentName($0)) }
        case "quick replies":
            return .quickReplies(entry.value.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        case "event":
            return nonEmpty().map { .event($0) }
        case "article":
            return nonEmpty().map { .article($0 == "none" ? nil : $0) }
        case "moderation":
            guard let value = nonEmpty() else { return nil }
            let words = value.split(separator: " ").map(String.init)
            if words == ["none"] { return .moderation(categories: [], action: nil) }
            let categories = Set(ModerationCategory.allCases.map(\.rawValue))
            let actions = Set(ModerationAction.allCases.map(\.rawValue))
            guard let action = words.last, actions.contains(action), words.count >= 2 else {
                error("write 'moderation: CATEGORY... ACTION' (actions: \(ModerationAction.allCases.map(\.rawValue).joined(separator: ", "))) or 'moderation: none'",
                      line: entry.line, column: entry.valueColumn)
                return nil
            }
            for word in words.dropLast() where !categories.contains(word) {
                error("unknown moderation category '\(word)' (categories: \(ModerationCategory.allCases.map(\.rawValue).joined(separator: ", ")))",
                      line: entry.line, column: entry.valueColumn)
                return nil
            }
            return .moderation(categories: words.dropLast().sorted(), action: action)
        case "hidden":
            guard let value = nonEmpty() else { return nil }
            guard value == "yes" || value == "no" else {
                error("write 'hidden: yes' or 'hidden: no'", line: entry.line, column: entry.valueColumn)
                return nil
            }
            return .hidden(value == "yes")
        case "stored":
            return nonEmpty().map { .stored($0) }
        default:
            for prefix in ["slot", "entity"] where entry.key.hasPrefix(prefix + " ") {
                let name = entry.key.dropFirst(prefix.count + 1).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, let value = nonEmpty() else { return nil }
                return prefix == "slot" ? .slot(name: name, value: value) : .entity(name: name, value: value)
            }
            let known = Transcript.headerKeys + Transcript.turnKeys.map { $0 == "slot" || $0 == "entity" ? "\($0) NAME" : $0 }
            var message = "unknown line '\(entry.key):'"
            if let suggestion = known.min(by: { levenshteinDistance($0, entry.key) < levenshteinDistance($1, entry.key) }), levenshteinDistance(suggestion, entry.key) <= 3 {
                message += "; did you mean '\(suggestion):'?"
            } else {
                message += " (expected one of \(known.map { "'\($0):'" }.joined(separator: ", ")))"
            }
            error(message, line: entry.line)
            return nil
        }
    }
}

