import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskSafety
import FrontdeskUnderstanding

/// The checks of `frontdesk validate` beyond what the loader reports: risks a trainer should
/// know about before customers find them. All are warnings, except a bot that hides that it is
/// one: a reply claiming to be human, or a disclosure that does not say "bot".
public enum BotValidator {
    public struct Options: Sendable {
        /// Fewer examples than this in a language is "too few".
        public var minimumExamples = 10
        /// Examples of different intents at least this similar (0...1) are near-duplicates.
        public var nearDuplicateSimilarity = 0.85
        public init() {}
    }

    /// Warnings about the intents of a loaded bot, using its trained model.
    public static func check(_ engine: Engine, options: Options = Options()) -> [Diagnostic] {
        let bot = engine.bot
        var warnings: [Diagnostic] = []
        func warn(_ message: String, at location: SourceLocation?) {
            warnings.append(Diagnostic(.warning, at: location ?? SourceLocation(file: "bot", line: 1, column: 1), message,
                                       sourceLine: location.flatMap(sourceLine)))
        }

        for intent in bot.intents {
            for language in bot.languages {
                let examples = intent.examples[language] ?? []
                let hasReplies = !(intent.replies[language] ?? []).isEmpty
                if examples.isEmpty {
                    warn("intent '\(intent.name)' has no examples in '\(language)': customers writing \(language) never reach it" + (hasReplies ? ", so its '\(language)' replies are never used" : ""), at: intent.location)
                } else if examples.count < options.minimumExamples {
                    warn("intent '\(intent.name)' has only \(examples.count) example\(examples.count == 1 ? "" : "s") in '\(language)' (\(options.minimumExamples) or more, varied, work better)", at: intent.location)
                }
                if !hasReplies, !examples.isEmpty, intent.name != .outOfScope {
                    warn("intent '\(intent.name)' has no replies in '\(language)': customers writing \(language) get the '\(bot.defaultLanguage)' replies", at: intent.location)
                }
                var seen: [String: SourceLocation?] = [:]
                for template in intent.replies[language] ?? [] {
                    if let first = seen[template.source] {
                        warn("the same reply twice in intent '\(intent.name)'" + (first.map { " (first at line \($0.line))" } ?? ""), at: template.location)
                    }
                    seen[template.source] = template.location
                }
            }
        }

        warnings += honesty(of: bot)
        for language in bot.languages {
            warnings += duplicates(in: bot, language: language, options: options)
            if let model = engine.model.models[language] {
                warnings += unreachable(in: bot, language: language, model: model)
            }
        }
        return warnings
    }

    /// Errors for a bot that is not open about being one: a reply (of an intent, a form or a
    /// built-in reply) that claims to be human, and a disclosure that does not say it is a bot.
    public static func honesty(of bot: Bot) -> [Diagnostic] {
        var errors: [Diagnostic] = []
        func error(_ message: String, at location: SourceLocation?) {
            errors.append(Diagnostic(.error, at: location ?? SourceLocation(file: "bot.yaml", line: 1, column: 1), message,
                                     sourceLine: location.flatMap(sourceLine)))
        }
        var replies: [(owner: String, templates: [ReplyTemplate])] = []
        for intent in bot.intents { replies.append(("intent '\(intent.name)'", intent.replies.values.flatMap { $0 })) }
        for name in BuiltinReplies.names { replies.append(("reply '\(name)'", (bot.builtinReplies[name] ?? [:]).values.flatMap { $0 })) }
        for form in bot.forms {
            var templates = form.confirm.values.flatMap { $0 } + form.done.values.flatMap { $0 }
            for step in form.steps { templates += step.ask.values.flatMap { $0 } + step.reprompt.values.flatMap { $0 } }
            replies.append(("form '\(form.name)'", templates))
        }
        for (owner, templates) in replies {
            for template in templates where HumanClaim.claims(template.source) {
                error("\(owner) claims that the bot is a human: customers must always know they are talking to a bot", at: template.location)
            }
        }
        let words = ["bot", "automated", "automatic", "assistant", "virtual", "ai", "ki", "automatisch", "automatischer", "automatisierter",
                     "assistent", "assistentin", "chatbot", "roboter", "robot", "maschine", "machine"]
        for (language, templates) in bot.builtinReplies.disclosure {
            for template in templates {
                let tokens = template.source.lowercased().split { !$0.isLetter }.map(String.init)
                if !tokens.contains(where: { token in words.contains(token) || token.hasSuffix("bot") || token.hasPrefix("assistent") }) {
                    error("the '\(language)' disclosure does not say that the customer talks to a bot (say \"bot\" or \"automated assistant\")",
                          at: template.location)
                }
            }
        }
        return errors
    }

    /// The same example under two intents, and near-duplicates across intents.
    static func duplicates(in bot: Bot, language: LanguageCode, options: Options) -> [Diagnostic] {
        struct Item {
            let intent: IntentName
            let example: Intent.Example
            let folded: String
            let vector: [(UInt64, Double)]
            let norm: Double
        }
        var items: [Item] = []
        for intent in bot.intents {
            for example in intent.examples[language] ?? [] {
                let folded = Normalizer.tokens(Normalizer.fold(example.text)).joined(separator: " ")
                let vector = trigramVector(folded)
                items.append(Item(intent: intent.name, example: example, folded: folded, vector: vector,
                                  norm: vector.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()))
            }
        }
        var diagnostics: [Diagnostic] = []
        var firstByText: [String: Item] = [:]
        for item in items {
            if let first = firstByText[item.folded], first.intent != item.intent {
                diagnostics.append(warning(
                    "the example '\(item.example.text)' of intent '\(item.intent)' is also an example of '\(first.intent)'\(at(first.example.location)); the model cannot tell them apart",
                    at: item.example.location))
            } else if firstByText[item.folded] == nil {
                firstByText[item.folded] = item
            }
        }
        // Near-duplicates: instead of comparing every pair (minutes for an imported dataset of
        // 15,000 examples), only pairs that share one of the rarest trigrams of the later
        // example, its "prefix". That is exact (prefix filtering): with unit vectors x, y and
        // x = prefix + rest, x·y ≤ prefix·y + |rest|, so x·y ≥ s needs prefix·y > 0 as soon as
        // |rest| < s.
        let s = options.nearDuplicateSimilarity
        var frequency: [UInt64: Int] = [:]
        for item in items { for (feature, _) in item.vector { frequency[feature, default: 0] += 1 } }
        var postings: [UInt64: [Int]] = [:]
        for j in items.indices {
            let b = items[j]
            guard b.norm > 0 else { continue }
            var remaining = 1.0  // the squared norm of what is not in the prefix
            var candidates = Set<Int>()
            for (feature, weight) in b.vector.sorted(by: { (frequency[$0.0] ?? 0, $0.0) < (frequency[$1.0] ?? 0, $1.0) }) {
                if remaining < s * s - 1e-9 { break }
                for i in postings[feature] ?? [] { candidates.insert(i) }
                remaining -= (weight / b.norm) * (weight / b.norm)
            }
            for (feature, _) in b.vector { postings[feature, default: []].append(j) }
            for i in candidates.sorted() where items[i].intent != b.intent && items[i].folded != b.folded {
                let a = items[i]
                guard a.norm > 0 else { continue }
                let similarity = dot(a.vector, b.vector) / (a.norm * b.norm)
                if similarity >= options.nearDuplicateSimilarity {
                    diagnostics.append(warning(
                        "the example '\(b.example.text)' of intent '\(b.intent)' is \(Int((similarity * 100).rounded()))% similar to '\(a.example.text)' of intent '\(a.intent)'\(at(a.example.location)); customers saying this may get either",
                        at: b.example.location))
                }
            }
        }
        return diagnostics
    }

    /// Intents that the trained model never picks for their own examples.
    static func unreachable(in bot: Bot, language: LanguageCode, model: IntentModel) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let thresholds = bot.thresholds.resolved(calibrated: model.calibration.threshold)
        for intent in bot.intents where intent.name != .outOfScope {
            let examples = intent.examples[language] ?? []
            guard !examples.isEmpty else { continue }
            var winners: [IntentName: Int] = [:]
            var reached = false
            for example in examples {
                let decision = Dialogue.decide(model.classify(example.text), thresholds: thresholds)
                switch decision {
                case .answer(let score) where score.intent == intent.name: reached = true
                case .clarify(let a, let b) where a.intent == intent.name || b.intent == intent.name: reached = true
                case .answer(let score): winners[score.intent, default: 0] += 1
                default: break
                }
                if reached { break }
            }
            if !reached {
                let mostly = winners.max { $0.value < $1.value }.map { " (mostly '\($0.key)')" } ?? ""
                diagnostics.append(warning(
                    "intent '\(intent.name)' is never reached in '\(language)': none of its examples is answered with it\(mostly), so its replies are never used",
                    at: intent.location))
            }
        }
        return diagnostics
    }

    /// Intents answered from articles must name articles and tags the knowledge base has.
    public static func check(knowledgeOf bot: Bot, articles: [Article]) -> [Diagnostic] {
        let ids = Set(articles.map(\.id))
        let tags = Set(articles.flatMap(\.tags).map { $0.lowercased() })
        var diagnostics: [Diagnostic] = []
        for intent in bot.intents {
            let at = intent.location ?? SourceLocation(file: "?", line: 1, column: 1)
            switch intent.knowledge {
            case .articles(let named)?:
                for id in named where !ids.contains(id) {
                    diagnostics.append(Diagnostic(.error, at: at, "intent '\(intent.name)' is answered from article '\(id)', which is not in the knowledge base (frontdesk kb list shows the articles)"))
                }
            case .tags(let named)?:
                for tag in named where !tags.contains(tag.lowercased()) {
                    diagnostics.append(Diagnostic(.warning, at: at, "intent '\(intent.name)' is answered from articles tagged '\(tag)', but no article has that tag"))
                }
            default:
                break
            }
        }
        return diagnostics
    }

    /// Transcripts that use intents the bot does not have, or expect replies no intent has.
    public static func check(transcript: Transcript, bot: Bot) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let lines = (try? String(contentsOfFile: transcript.path, encoding: .utf8))?.sourceLines ?? []
        func warn(_ message: String, line: Int) {
            let source = line >= 1 && line <= lines.count ? lines[line - 1] : nil
            diagnostics.append(Diagnostic(.warning, at: SourceLocation(file: transcript.path, line: line, column: 1), message, sourceLine: source))
        }
        let formTexts = bot.forms.flatMap { form in [form.confirm, form.done] + form.steps.flatMap { [$0.ask, $0.reprompt] } }
        let allTemplates = bot.intents.flatMap { $0.replies.values.flatMap { $0 } }
            + (BuiltinReplies.names.compactMap { bot.builtinReplies[$0] } + formTexts).flatMap { $0.values.flatMap { $0 } }
        if let language = transcript.language, !bot.languages.contains(language) {
            warn("the bot does not speak '\(language)' (languages: \(bot.languages.map(\.rawValue).joined(separator: ", ")))", line: 1)
        }
        for step in transcript.steps {
            switch step {
            case .language(let language?, let line) where !bot.languages.contains(language):
                warn("the bot does not speak '\(language)' (languages: \(bot.languages.map(\.rawValue).joined(separator: ", ")))", line: line)
            case .turn(let turn):
                for expectation in turn.expectations {
                    switch expectation.kind {
                    case .intent(let name) where bot.intent(named: name) == nil:
                        warn("the bot has no intent '\(name)'\(suggestion(name.rawValue, among: bot.intents.map(\.name.rawValue)))", line: expectation.line)
                    case .oneOf(let name) where ReplyMatcher.templates(named: name, in: bot) == nil:
                        warn("'\(name)' is neither an intent nor a built-in reply\(suggestion(name, among: bot.intents.map(\.name.rawValue) + Transcript.builtinReplyNames))", line: expectation.line)
                    case .exact(let text) where !allTemplates.contains(where: { ReplyMatcher.matches($0, text) }):
                        warn("no reply of the bot can produce this text (was a reply edited?)", line: expectation.line)
                    default:
                        break
                    }
                }
            default:
                break
            }
        }
        return diagnostics
    }

    // MARK: helpers

    static func suggestion(_ name: String, among names: [String]) -> String {
        guard let best = names.min(by: { levenshteinDistance($0, name) < levenshteinDistance($1, name) }),
              levenshteinDistance(best, name) <= max(2, name.count / 4)
        else { return "" }
        return "; did you mean '\(best)'?"
    }

    static func at(_ location: SourceLocation?) -> String {
        location.map { " (\($0))" } ?? ""
    }

    static func warning(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, at: location ?? SourceLocation(file: "bot", line: 1, column: 1), message, sourceLine: location.flatMap(sourceLine))
    }

    /// The text of the line a location points at (read again from the file).
    static func sourceLine(_ location: SourceLocation) -> String? {
        guard let text = try? String(contentsOfFile: location.file, encoding: .utf8) else { return nil }
        let lines = text.sourceLines
        guard location.line >= 1, location.line <= lines.count else { return nil }
        return lines[location.line - 1]
    }

    /// Counts of character trigrams of " text ", sorted by hash.
    static func trigramVector(_ text: String) -> [(UInt64, Double)] {
        let scalars = [UInt32(32)] + text.unicodeScalars.map(\.value) + [32]
        guard scalars.count >= 3 else { return [] }
        var counts: [UInt64: Double] = [:]
        for i in 0...(scalars.count - 3) {
            var h = StableHasher()
            h.combine(scalars[i])
            h.combine(scalars[i + 1])
            h.combine(scalars[i + 2])
            counts[h.value, default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func dot(_ a: [(UInt64, Double)], _ b: [(UInt64, Double)]) -> Double {
        var i = 0, j = 0, sum = 0.0
        while i < a.count, j < b.count {
            if a[i].0 == b[j].0 {
                sum += a[i].1 * b[j].1
                i += 1
                j += 1
            } else if a[i].0 < b[j].0 {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }
}
