import FrontdeskCore

/// Understands the customer's answer to "did you mean A or B?".
///
/// Only answers that are clearly about the options count: the number or ordinal alone ("2",
/// "the second one", "die erste"), "neither" and its kin, a title typed out, or a few words that
/// all belong to one title ("the refund one"). Anything else ("I need 2 licences", "my first
/// vpn connection fails") is a new message.
public enum ChoiceResolver {
    public enum Answer: Sendable, Equatable {
        /// The option at this index (0-based).
        case option(Int)
        /// Neither of the options.
        case neither
    }

    /// The customer's pick among `titles`, or `nil` when the message is not an answer
    /// to the question (the caller then treats it as a new message).
    public static func resolve(_ text: String, titles: [String], analyzer: Analyzer) -> Answer? {
        let tokens = Normalizer.tokens(Normalizer.fold(text))
        guard !tokens.isEmpty, tokens.count <= 6 else { return nil }
        let joined = tokens.joined(separator: " ")
        for (i, title) in titles.enumerated() where Normalizer.tokens(Normalizer.fold(title)).joined(separator: " ") == joined {
            return .option(i)
        }
        let content = tokens.filter { !fillers.contains($0) }

        // Only ordinals and fillers: "2", "the second one", "option 1", "die erste bitte".
        let picked = ordinals.indices.filter { i in i < titles.count && content.contains { ordinals[i].contains($0) } }
        if !content.isEmpty, content.allSatisfy({ word in ordinals.contains { $0.contains(word) } }) {
            return picked.count == 1 ? .option(picked[0]) : nil
        }
        // Only refusals and fillers: "neither", "none of them", "keins von beiden", "no".
        if !content.isEmpty, content.allSatisfy(neither.contains) {
            return .neither
        }
        // Every remaining word belongs to exactly one title: "the refund one".
        let stems = Set(analyzer.analyze(content.joined(separator: " ")).stems)
        guard !stems.isEmpty else { return nil }
        let matching = titles.indices.filter { stems.isSubset(of: Set(analyzer.analyze(titles[$0]).stems)) }
        return matching.count == 1 ? .option(matching[0]) : nil
    }

    static let ordinals: [Set<String>] = [
        ["1", "first", "1st", "former", "erste", "ersten", "erstes", "erster", "erstere", "ersteres"],
        ["2", "second", "2nd", "latter", "zweite", "zweiten", "zweites", "zweiter", "letztere", "letzteres"],
    ]
    static let neither: Set<String> = [
        "neither", "none", "nor", "no", "nope", "nothing", "keins", "keines", "keine", "keiner", "weder", "noch",
        "nein", "nichts", "davon", "von", "beiden", "both", "them", "these", "those", "of",
    ]
    /// Words that say nothing about which option: articles, "one", "please", "option", ...
    static let fillers: Set<String> = [
        "the", "a", "an", "one", "ones", "option", "number", "nr", "no.", "please", "pls", "i", "mean", "meant", "it", "is",
        "der", "die", "das", "den", "ein", "eine", "einen", "option", "nummer", "bitte", "ich", "meine", "meinte", "es", "ist",
        "that", "this", "das", "dies", "diese", "dieser", "my", "mein",
    ]
}
