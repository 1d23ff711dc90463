import FrontdeskCore

/// Short answers in English and German: yes, no, stop, and whether a message is a question.
public enum Answers {
    /// `true` for yes ("yes", "sure", "that's right", "ja", "genau"), `false` for no ("no",
    /// "nope", "nein", "stimmt nicht"), `nil` otherwise. Only short messages count.
    public static func yesNo(_ text: String) -> Bool? {
        yesNo(words: Normalizer.tokens(Normalizer.fold(text)))
    }

    static func yesNo(words: [String]) -> Bool? {
        guard !words.isEmpty, words.count <= 6 else { return nil }
        if noPhraseWords.contains(where: { words.containsRun($0) }) { return false }
        if words.contains(where: noWords.contains) { return false }
        if yesPhraseWords.contains(where: { words.containsRun($0) }) || words.contains(where: yesWords.contains) { return true }
        return nil
    }

    static let yesPhraseWords = yesPhrases.map { $0.split(separator: " ").map(String.init) }
    static let noPhraseWords = noPhrases.map { $0.split(separator: " ").map(String.init) }

    /// "stop", "cancel", "never mind", "forget it", "abbrechen", "vergiss es": a message that
    /// only asks to stop what is going on.
    public static func isCancel(_ text: String) -> Bool {
        isCancel(words: Normalizer.tokens(Normalizer.fold(text)))
    }

    static func isCancel(words: [String]) -> Bool {
        let words = words.filter { !fillers.contains($0) }
        guard !words.isEmpty, words.count <= 4 else { return false }
        let joined = words.joined(separator: " ")
        return cancelPhrases.contains(joined) || (words.count == 1 && cancelWords.contains(words[0]))
    }

    /// Whether the message asks something: a question mark, or a question word first.
    public static func isQuestion(_ text: String) -> Bool {
        isQuestion(text, words: Normalizer.tokens(Normalizer.fold(text)))
    }

    static func isQuestion(_ text: String, words: [String]) -> Bool {
        if text.unicodeScalars.contains("?") { return true }
        guard let first = words.first else { return false }
        return questionWords.contains(first)
    }

    /// All three readings of a short answer, folding and splitting the text once.
    public static func read(_ text: String) -> (yesNo: Bool?, isCancel: Bool, isQuestion: Bool) {
        let words = Normalizer.tokens(Normalizer.fold(text))
        return (yesNo(words: words), isCancel(words: words), isQuestion(text, words: words))
    }

    static let yesWords: Set<String> = ["yes", "yeah", "yep", "yup", "sure", "correct", "right", "exactly", "ok", "okay", "confirm", "confirmed", "absolutely", "ja", "jawohl", "jo", "genau", "richtig", "stimmt", "korrekt", "passt", "klar", "gerne", "bestaetigt"]
    static let yesPhrases = ["that s right", "thats right", "that is right", "of course", "go ahead", "sounds good", "na klar", "ist richtig", "so ist es", "in ordnung"]
    static let noWords: Set<String> = ["no", "nope", "nah", "wrong", "incorrect", "nein", "falsch", "noe", "ne"]
    static let noPhrases = ["not right", "not correct", "thats wrong", "stimmt nicht", "nicht richtig", "nicht korrekt", "passt nicht", "not quite"]
    static let cancelWords: Set<String> = ["stop", "cancel", "abort", "quit", "nevermind", "stopp", "abbrechen", "abbruch", "aufhoeren", "egal", "vergessen"]
    static let cancelPhrases: Set<String> = ["never mind", "forget it", "forget about it", "stop it", "cancel it", "cancel that", "cancel this",
                                             "vergiss es", "lass es", "lassen wir das", "vergessen sie es", "brich ab", "bitte abbrechen", "abbrechen bitte"]
    static let fillers: Set<String> = ["please", "pls", "just", "ok", "okay", "bitte", "einfach", "doch", "oh", "ach"]
    static let questionWords: Set<String> = [
        "how", "what", "when", "where", "why", "which", "who", "can", "could", "do", "does", "is", "are", "will", "would", "should",
        "wie", "was", "wann", "wo", "warum", "wieso", "weshalb", "welche", "welcher", "welches", "wer", "kann", "koennen", "koennte", "ist", "sind", "wird", "gibt",
    ]
}

extension Array where Element == String {
    /// Whether `run` occurs in the array as consecutive elements.
    func containsRun(_ run: [String]) -> Bool {
        guard !run.isEmpty, run.count <= count else { return false }
        for start in 0...(count - run.count) where self[start] == run[0] {
            if self[start..<(start + run.count)].elementsEqual(run) { return true }
        }
        return false
    }
}
