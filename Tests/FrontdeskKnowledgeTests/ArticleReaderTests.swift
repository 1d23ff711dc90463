import Foundation
import FrontdeskCore
import FrontdeskKnowledge
import Testing

/// The fixtures folder (read from the source tree).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// Reads `path`, expecting it to fail; the rendered diagnostics.
func readFailure(_ path: String, options: ArticleReader.Options = ArticleReader.Options()) -> String? {
    do {
        _ = try ArticleReader.read(path: path, options: options)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct MarkdownArticleTests {
    @Test func readsAFolderWithFrontMatterAndDefaults() throws {
        let articles = try ArticleReader.read(path: "\(fixtures)/articles")
        // README.md is skipped; files in path order.
        #expect(articles.map(\.id) == ["reset-password-de", "en/cancel-subscription", "reset-password", "en/vpn-kill-switch"])

        let reset = try #require(articles.first { $0.id == "reset-password" })
        #expect(reset.title == "Reset your password")
        #expect(reset.language == .english)
        #expect(reset.url == "https://help.example.com/en/reset-password")
        #expect(reset.updated == "2026-05-01")
        #expect(reset.tags == ["account", "security"])
        #expect(reset.questions == ["I forgot my password", "can't log in anymore"])
        #expect(reset.body.hasPrefix("If you forgot your password"))
        #expect(reset.location?.line == 3)

        // No id: the path without ".md"; no language: the folder's ("en").
        let cancel = try #require(articles.first { $0.id == "en/cancel-subscription" })
        #expect(cancel.language == .english)
        #expect(cancel.updated == nil)

        // No front matter: the title is the first "# " heading, which leaves the body.
        let vpn = try #require(articles.first { $0.id == "en/vpn-kill-switch" })
        #expect(vpn.title == "Use the VPN kill switch")
        #expect(vpn.body.hasPrefix("The kill switch blocks"))

        let german = try #require(articles.first { $0.id == "reset-password-de" })
        #expect(german.language == .german)
        #expect(german.title == "Passwort zurücksetzen")
    }

    @Test func unclosedFrontMatter() {
        let path = "\(fixtures)/broken/unclosed.md"
        #expect(readFailure(path) == """
            \(path):1:1: error: the front-matter header is not closed (expected a line with `---` after it)
            ---
            ^
            """)
    }

    @Test func everyBadKeyIsReportedWhereItIs() {
        let path = "\(fixtures)/broken/bad-keys.md"
        #expect(readFailure(path) == """
            \(path):3:1: error: unknown key 'langauge' in the front-matter header; did you mean 'language'?
            langauge: en
            ^
            \(path):4:6: error: the url must start with https:// or http://, not 'help.example.com/page'
            url: help.example.com/page
                 ^
            \(path):5:10: error: updated must be a date written YYYY-MM-DD, not '2026-13-01'
            updated: 2026-13-01
                     ^
            """)
    }

    @Test func unknownVersionIsRejected() {
        let path = "\(fixtures)/broken/version.md"
        #expect(readFailure(path) == """
            \(path):2:10: error: unsupported article format version 2 (this Frontdesk reads version 1)
            version: 2
                     ^
            """)
    }

    @Test func anArticleNeedsATitle() {
        let path = "\(fixtures)/broken/no-title.md"
        #expect(readFailure(path) == """
            \(path):1:1: error: the article has no title (add `title:` to the front-matter header or start the text with a `# ` heading)
            Just a body without any title.
            ^
            """)
    }

    @Test func aMissingPathIsAnError() {
        #expect(readFailure("\(fixtures)/nothing-here") == "\(fixtures)/nothing-here: no such file or folder")
    }
}

@Suite struct CSVArticleTests {
    @Test func readsQuotedFieldsListsAndIgnoresUnknownColumns() throws {
        let articles = try ArticleReader.read(path: "\(fixtures)/articles.csv")
        #expect(articles.count == 2)
        let refund = articles[0]
        #expect(refund.id == "refund")
        #expect(refund.body == "Within 30 days, you get your money back.\nWrite to us with your order number.")
        #expect(refund.tags == ["billing", "money"])
        #expect(refund.questions == ["money back", "I want a refund"])
        #expect(refund.updated == "2026-01-31")
        #expect(refund.location?.line == 2)
        let invoice = articles[1]
        #expect(invoice.body == "Open \"Orders\", then click the invoice icon, next to the order.")
        #expect(invoice.url == nil)
        // The record after a two-line record starts on line 4.
        #expect(invoice.location?.line == 4)
    }

    @Test func aQuoteInTheMiddleOfAFieldPointsAtIt() {
        let path = "\(fixtures)/broken/bad.csv"
        #expect(readFailure(path) == """
            \(path):2:11: error: unexpected text after a closing quote (write a quote inside a quoted field as "")
            a,"First,"Body
                      ^
            """)
    }

    @Test func aRequiredColumnIsMissing() {
        let path = "\(fixtures)/broken/missing-column.csv"
        #expect(readFailure(path) == """
            \(path):1:1: error: the header has no 'title' column
            id,heading,body
            ^
            """)
        // Renaming the column makes it readable.
        let articles = try? ArticleReader.read(path: path, options: ArticleReader.Options(fieldNames: ["title": "Heading"]))
        #expect(articles?.map(\.title) == ["Title"])
    }

    @Test func invalidUTF8PointsAtTheByte() {
        let path = "\(fixtures)/broken/latin1.csv"
        let message = readFailure(path)
        #expect(message?.hasPrefix("\(path):2:6: error: the file is not valid UTF-8 (save it as UTF-8)") == true)
    }
}

@Suite struct JSONLinesArticleTests {
    @Test func readsKeysNumbersAsIDsAndListsAsText() throws {
        let articles = try ArticleReader.read(path: "\(fixtures)/articles.jsonl", options: ArticleReader.Options(language: .english))
        #expect(articles.map(\.id) == ["refund", "42"])
        #expect(articles[0].tags == ["billing", "money"])
        #expect(articles[0].questions == ["money back", "I want a refund"])
        // The default language for articles without one.
        #expect(articles[1].language == .english)
        #expect(articles[1].location?.line == 3)
    }

    @Test func everyBadLineIsReported() {
        let path = "\(fixtures)/broken/bad.jsonl"
        #expect(readFailure(path) == """
            \(path):2:58: error: invalid JSON: the line ends inside a string (missing closing quote)
            {"id": "b", "title": "Broken", "body": "no closing quote}
                                                                     ^
            \(path):3:1: error: expected a JSON object, not an array
            ["not", "an", "object"]
            ^
            \(path):4:1: error: the article has no 'title'
            {"id": "c", "body": "No title."}
            ^
            \(path):5:1: error: 'title' must be a text, not an array
            {"id": "d", "title": ["a", "list"], "body": "Body.", "language": "xx"}
            ^
            \(path):6:1: error: duplicate article id 'a' (first at \(path):1:1)
            """)
    }

    @Test func mappedKeysAndMergedLinesMakeOneArticlePerThread() throws {
        let options = ArticleReader.Options(language: .english, fieldNames: ["id": "thread_id", "title": "question", "body": "answer"],
                                            mergeRepeatedIDs: true)
        let articles = try ArticleReader.read(path: "\(fixtures)/stackfaq-sample.jsonl", options: options)
        #expect(articles.map(\.id) == ["stackfaq_001", "stackfaq_002", "stackfaq_004"])
        #expect(articles[0].title == "Strikethrough with GitHub Markdown")
        #expect(articles[0].body == "Use ~~tildes around the words~~.\n\nI just used the following syntax <del> ... </del> successfully on GitHub in an issue description.")
        // Without --merge a repeated id is an error.
        let unmerged = ArticleReader.Options(fieldNames: options.fieldNames)
        let path = "\(fixtures)/stackfaq-sample.jsonl"
        #expect(readFailure(path, options: unmerged) == "\(path):2:1: error: duplicate article id 'stackfaq_001' (first at \(path):1:1)")
    }
}
