import Foundation
import FrontdeskCore

/// Tells which of the bot's languages a message is in: a naive Bayes model over words and
/// character trigrams, trained on the bot's own examples plus common words of English and
/// German. Short or mixed messages give a low margin; the caller then keeps the
/// conversation's language.
public struct LanguageDetector: Sendable {
    public let languages: [LanguageCode]
    private let logProbabilities: [[UInt64: Float]]
    private let unseen: [Float]

    public struct Guess: Sendable, Equatable {
        public let language: LanguageCode
        /// Average log-likelihood advantage per feature over the runner-up (0 with one language).
        public let margin: Double
        /// Whether the margin is large enough to switch a conversation's language.
        public let isConfident: Bool
        /// How many words the message has (one word rarely says much about a language).
        public let words: Int
    }

    public init(samples: [LanguageCode: [String]]) {
        languages = samples.keys.sorted()
        var logProbabilities: [[UInt64: Float]] = []
        var unseen: [Float] = []
        let vocabulary = Set(languages.flatMap { language in
            (samples[language] ?? []).flatMap(Self.features) + (CommonWords.list[language] ?? []).flatMap(Self.features)
        }).count
        for language in languages {
            var counts: [UInt64: Float] = [:]
            var total: Float = 0
            for text in samples[language] ?? [] {
                for f in Self.features(text) {
                    counts[f, default: 0] += 1
                    total += 1
                }
            }
            for word in CommonWords.list[language] ?? [] {
                for f in Self.features(word) {
                    counts[f, default: 0] += 3
                    total += 3
                }
            }
            let alpha: Float = 0.5
            let denominator = total + alpha * Float(vocabulary + 1)
            logProbabilities.append(counts.mapValues { log(($0 + alpha) / denominator) })
            unseen.append(log(alpha / denominator))
        }
        self.logProbabilities = logProbabilities
        self.unseen = unseen
    }

    public func detect(_ text: String) -> Guess? {
        guard let first = languages.first else { return nil }
        guard languages.count > 1 else { return Guess(language: first, margin: 0, isConfident: true, words: 0) }
        let features = Self.features(text)
        guard !features.isEmpty else { return nil }
        var scores = [Float](repeating: 0, count: languages.count)
        for (l, table) in logProbabilities.enumerated() {
            for f in features { scores[l] += table[f] ?? unseen[l] }
        }
        let ranked = scores.indices.sorted { scores[$0] > scores[$1] }
        let margin = Double(scores[ranked[0]] - scores[ranked[1]]) / Double(features.count)
        // Words with letters: an order number or a price says nothing about the language.
        let words = Normalizer.tokens(Normalizer.fold(text)).filter { $0.contains { $0.isLetter } && $0.count > 2 }.count
        return Guess(language: languages[ranked[0]], margin: margin, isConfident: margin > 0.35 && (words >= 2 || margin > 0.8), words: words)
    }

    /// Folded words and character trigrams of padded words, hashed.
    static func features(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        for token in Normalizer.tokens(Normalizer.fold(text)) where !token.allSatisfy(\.isNumber) {
            var w = StableHasher(seed: 7)
            w.combine(token)
            out.append(w.value)
            let scalars = [UInt32(32)] + token.unicodeScalars.map(\.value) + [32]
            if scalars.count >= 3 {
                for i in 0...(scalars.count - 3) {
                    var h = StableHasher(seed: 3)
                    h.combine(scalars[i])
                    h.combine(scalars[i + 1])
                    h.combine(scalars[i + 2])
                    out.append(h.value)
                }
            }
        }
        return out
    }
}

/// Frequent function words, so that detection works beyond a bot's own examples.
enum CommonWords {
    static let list: [LanguageCode: [String]] = [
        "en": """
            the a an and or but is are was were be been have has had do does did not no yes i you he she it we they \
            me my your our their this that these those what which who when where why how can could would should will \
            to of in on at for with from by about as if then than so just please thanks thank hello hi hey bye want need \
            get got there here some any all my account money help order problem still again already cannot can't don't \
            doesn't won't it's i'm you're what's how's isn't wasn't
            """.split(separator: " ").map(String.init),
        "de": """
            der die das ein eine einen einem einer und oder aber ist sind war waren sein haben hat hatte ich du er sie es \
            wir ihr mich mir mein meine meinen dein ihre unser nicht kein keine ja nein nicht was welche wer wann wo warum \
            wie kann koennen konnte wuerde sollte werde wird zu von im in auf an fuer mit aus bei ueber als wenn dann so \
            nur bitte danke hallo tschuess moechte brauche geht gibt noch schon immer habe bin bekomme mehr geld konto \
            hilfe bestellung problem wieder nochmal sie ihnen ihr wo gerne doch mal
            """.split(separator: " ").map(String.init),
    ]
}
