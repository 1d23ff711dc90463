import Foundation

/// A help article of the knowledge base: curated content the bot quotes, with its source.
public struct Article: Sendable, Hashable {
    /// Unique in the knowledge base (`install-second-device`, `de/vpn-kill-switch`).
    public var id: String
    public var title: String
    /// Markdown.
    public var body: String
    /// `nil`: any language (the article is found whatever the conversation's language).
    public var language: LanguageCode?
    public var tags: [String]
    /// Where the customer can read the whole article.
    public var url: String?
    /// When the article was last changed (`YYYY-MM-DD`, as written).
    public var updated: String?
    /// Other ways customers ask for this article ("install on my second laptop").
    public var questions: [String]
    /// Where the article was read from (not part of its content).
    public var location: SourceLocation?

    public init(id: String, title: String, body: String, language: LanguageCode? = nil, tags: [String] = [],
                url: String? = nil, updated: String? = nil, questions: [String] = [], location: SourceLocation? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.language = language
        self.tags = tags
        self.url = url
        self.updated = updated
        self.questions = questions
        self.location = location
    }

    /// Changes whenever the article's content does (not its location): re-importing an
    /// unchanged article leaves it untouched.
    public var contentHash: String {
        StableHasher.hexDigest(["article v1", id, title, body, language?.rawValue ?? "", url ?? "", updated ?? ""]
            + ["tags"] + tags + ["questions"] + questions)
    }

    public static func == (lhs: Article, rhs: Article) -> Bool { lhs.contentHash == rhs.contentHash }
    public func hash(into hasher: inout Hasher) { hasher.combine(contentHash) }
}

/// An article found for a message, with how well it matches (0...1).
public struct KnowledgeHit: Sendable, Hashable {
    public let article: String
    public let title: String
    public let url: String?
    public let language: LanguageCode?
    public let score: Double

    public init(article: String, title: String, url: String?, language: LanguageCode?, score: Double) {
        self.article = article
        self.title = title
        self.url = url
        self.language = language
        self.score = score
    }
}

/// A knowledge answer: the most relevant passage of the best article, and that article.
public struct KnowledgeAnswer: Sendable, Hashable {
    public let hit: KnowledgeHit
    /// Plain text (Markdown marks removed, links written out).
    public let passage: String

    public init(hit: KnowledgeHit, passage: String) {
        self.hit = hit
        self.passage = passage
    }
}

/// Which articles a search may return.
public enum KnowledgeScope: Sendable, Hashable {
    case all
    /// Only articles with one of these tags.
    case tags([String])
    /// Only these articles.
    case articles([String])
}

/// What a search found: candidates best first, and the best one's passage.
public struct KnowledgeResult: Sendable {
    public let candidates: [KnowledgeHit]
    public let best: KnowledgeAnswer?

    public init(candidates: [KnowledgeHit], best: KnowledgeAnswer?) {
        self.candidates = candidates
        self.best = best
    }

    public static let empty = KnowledgeResult(candidates: [], best: nil)
}

/// Searches the knowledge base for a customer's message. Injected into the engine.
public protocol KnowledgeSearching: Sendable {
    func search(_ text: String, language: LanguageCode, scope: KnowledgeScope, limit: Int) -> KnowledgeResult
}

/// Knowledge-base settings of a bot (`knowledge:` in bot.yaml).
public struct KnowledgeSettings: Sendable, Hashable {
    /// The folder of the bot's articles, relative to the bot folder.
    public var articles: String
    /// Below this score there is no knowledge answer (the fallback is given instead).
    public var threshold: Double
    /// Whether a message that matches no intent is tried against the knowledge base.
    public var answerUnmatched: Bool
    /// Longer passages are cut at a sentence end.
    public var maxPassageCharacters: Int
    /// An intent understood with less confidence than this gives way to an article that
    /// scores at least `preferScore` (the article is more likely what was asked).
    public var preferBelow: Double
    public var preferScore: Double

    public init(articles: String = "articles", threshold: Double = 0.5, answerUnmatched: Bool = true, maxPassageCharacters: Int = 700,
                preferBelow: Double = 0.6, preferScore: Double = 0.7) {
        self.articles = articles
        self.threshold = threshold
        self.answerUnmatched = answerUnmatched
        self.maxPassageCharacters = maxPassageCharacters
        self.preferBelow = preferBelow
        self.preferScore = preferScore
    }
}
