import FrontdeskCore

/// Understands the customer's answer to "did you mean A or B?".
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
        guard !tokens.isEmpty else { return nil }
        let joined = tokens.joined(separator: " ")
        for (i, title) in titles.enumerated() where Normalizer.tokens(Normalizer.fold(title)).joined(separator: " ") == joined {
            return .option(i)
        }
        let words = Set(tokens)
        if tokens.count <= 5 {
            for (i, ordinal) in ordinals.enumerated() where i < titles.count && !words.isDisjoint(with: ordinal) {
                return .option(i)
            }
            if !words.isDisjoint(with: neither) || (tokens.count == 1 && (tokens[0] == "no" || tokens[0] == "nein")) {
                return .neither
            }
        }
        // Words in common with one title and not with the other ("the refund one").
        let stems = Set(analyzer.analyze(text).stems).subtracting(fillerStems)
        let overlaps = titles.map { Set(analyzer.analyze($0).stems).subtracting(fillerStems).intersection(stems).count }
        if tokens.count <= 6, let best = overlaps.max(), best > 0, overlaps.filter({ $0 == best }).count == 1 {
            return .option(overlaps.firstIndex(of: best)!)
        }
        return nil
    }

    static let ordinals: [Set<String>] = [
        ["1", "first", "1st", "former", "erste", "ersten", "erstes", "erster", "erstere", "ersteres"],
        ["2", "second", "2nd", "latter", "zweite", "zweiten", "zweites", "zweiter", "letztere", "letzteres"],
    ]
    static let neither: Set<String> = [
        "neither", "none", "nor", "nope", "keins", "keines", "keine", "weder",
    ]
    static let fillerStems: Set<String> = ["the", "a", "an", "one", "my", "der", "die", "das", "ein", "eine", "i", "ich", "mein"]
}
