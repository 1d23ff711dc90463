import Foundation
import FrontdeskCore
import FrontdeskUnderstanding

/// Groups similar customer messages, for the inbox and the report's unanswered questions.
///
/// The rule:
/// 1. Each message becomes its analysed words: normalised (case, umlauts, diacritics) and
///    stemmed the way intent matching does it, in the language the message was handled in,
///    without common function words ("I", "my", "the", "ich", "mein", ...) and one-letter
///    words. A message with no other words keeps all of its words.
/// 2. Each word is weighted by TF-IDF over the messages being grouped (`tf × (ln((n + 1) /
///    (df + 1)) + 1)`), and each message's weights are scaled to length 1.
/// 3. Greedy clustering, newest message first: a message joins the group whose centroid (the
///    normalised sum of its messages' vectors) is the most similar to it, by cosine, if that
///    similarity is at least `threshold` (0.5 by default); otherwise it starts a new group.
///    Messages without any word (only punctuation or emoji) are grouped by their exact text.
public struct MessageGrouper {
    public static let defaultThreshold = 0.5

    public var threshold: Double
    private var analyzers: [String: Analyzer] = [:]

    public init(threshold: Double = defaultThreshold) {
        self.threshold = threshold
    }

    /// The analysed words of `text` in `language` (default English).
    public mutating func terms(_ text: String, language: String?) -> [String] {
        let code = (language ?? "en").lowercased()
        let analyzer: Analyzer
        if let known = analyzers[code] {
            analyzer = known
        } else {
            analyzer = Analyzer(language: LanguageCode(rawValue: code))
            analyzers[code] = analyzer
        }
        let analysis = analyzer.analyze(text)
        var kept: [String] = []
        for (token, stem) in zip(analysis.tokens, analysis.stems) where token.count > 1 && !Self.stopwords.contains(token) {
            kept.append(stem)
        }
        return kept.isEmpty ? analysis.stems : kept
    }

    /// Groups the texts (with their languages), which must be in the order groups are formed
    /// (newest first); returns the groups as indices into `items`, each in the order of `items`,
    /// the groups in the order they were started.
    public mutating func group(_ items: [(text: String, language: String?)]) -> [[Int]] {
        let bags = items.map { item in
            terms(item.text, language: item.language).reduce(into: [String: Double]()) { $0[$1, default: 0] += 1 }
        }
        var documentFrequency: [String: Int] = [:]
        for bag in bags { for term in bag.keys { documentFrequency[term, default: 0] += 1 } }
        let n = Double(items.count)
        let vectors: [[String: Double]] = bags.map { bag in
            var vector: [String: Double] = [:]
            for (term, tf) in bag { vector[term] = tf * (log((n + 1) / (Double(documentFrequency[term] ?? 0) + 1)) + 1) }
            return Self.normalised(vector)
        }

        var groups: [[Int]] = []
        var sums: [[String: Double]] = []
        var centroids: [[String: Double]] = []
        var postings: [String: [Int]] = [:]  // word -> the groups whose centroid has it
        var byText: [String: Int] = [:]  // wordless messages
        for (index, vector) in vectors.enumerated() {
            if vector.isEmpty {
                let key = Normalizer.fold(items[index].text).trimmingCharacters(in: .whitespacesAndNewlines)
                if let g = byText[key] {
                    groups[g].append(index)
                } else {
                    byText[key] = groups.count
                    groups.append([index])
                    sums.append([:])
                    centroids.append([:])
                }
                continue
            }
            // Only groups sharing a word can be similar; ties go to the older group.
            var candidates: Set<Int> = []
            for term in vector.keys { candidates.formUnion(postings[term] ?? []) }
            var best: (group: Int, similarity: Double)?
            for g in candidates.sorted() {
                let similarity = Self.cosine(vector, centroids[g])
                if similarity >= threshold, similarity > best?.similarity ?? -1 { best = (g, similarity) }
            }
            let g: Int
            if let best {
                g = best.group
                groups[g].append(index)
            } else {
                g = groups.count
                groups.append([index])
                sums.append([:])
                centroids.append([:])
            }
            for (term, weight) in vector {
                if sums[g][term] == nil { postings[term, default: []].append(g) }
                sums[g][term, default: 0] += weight
            }
            centroids[g] = Self.normalised(sums[g])
        }
        return groups
    }

    static func normalised(_ vector: [String: Double]) -> [String: Double] {
        let length = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else { return [:] }
        return vector.mapValues { $0 / length }
    }

    static func cosine(_ a: [String: Double], _ b: [String: Double]) -> Double {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var dot = 0.0
        for (term, weight) in small { dot += weight * (large[term] ?? 0) }
        return dot
    }

    /// Function words of English and German, folded as `Normalizer.fold` folds them.
    static let stopwords: Set<String> = Set("""
        a about all also am an and any are as at be been but by can cannot cant could did didnt do does doesnt dont for \
        from had has have hi hello hey isnt still wasnt wont \
        how i im is it its ive just me my no not of on or our please so that the their them then there these they \
        this those to us was we were what when where which who why will with would you your yours thanks thank \
        aber als am an auch auf bei bin bis bitte da dann das dass dem den der des die dies diese dieser du ein eine \
        einem einen einer es fuer habe haben hallo hat ich ihr ihre im in ist ja kann koennen mein meine meinem meinen \
        man meiner mich mir mit nach nein nicht noch nur oder sich sie sind so um und uns von war was wie wir wo zu zum zur danke
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
