import Foundation
import FrontdeskCore
import FrontdeskKnowledge
import FrontdeskStore
import Logging
import Testing

/// A knowledge base in memory with the fixture articles (three English, one German).
func fixtureKnowledgeBase() throws -> KnowledgeBase {
    let store = try Store(inMemory: Logger(label: "test"))
    let knowledge = KnowledgeBase(store: store, logger: Logger(label: "test"))
    _ = try knowledge.importArticles(try ArticleReader.read(path: "\(fixtures)/articles"), source: "fixtures", prune: false,
                                     now: Date(timeIntervalSince1970: 0))
    return knowledge
}

@Suite struct KnowledgeImportTests {
    @Test func reImportIsIdempotentAndPruneKeepsOtherSources() throws {
        let store = try Store(inMemory: Logger(label: "test"))
        let knowledge = KnowledgeBase(store: store, logger: Logger(label: "test"))
        var articles = try ArticleReader.read(path: "\(fixtures)/articles")

        let first = try knowledge.importArticles(articles, source: "help-centre", prune: true)
        #expect(first.added.count == 4)
        #expect(first.summary == "4 added, 0 updated, 0 unchanged, 0 removed")
        let generation = try store.knowledgeGeneration()

        // The same articles again: nothing is written.
        let again = try knowledge.importArticles(articles, source: "help-centre", prune: true)
        #expect(again.summary == "0 added, 0 updated, 4 unchanged, 0 removed")
        #expect(try store.knowledgeGeneration() == generation)

        // One changed article is replaced; its new text is found, the old one is not.
        articles[2].body = "Completely new text about parrots."
        let changed = try knowledge.importArticles(articles, source: "help-centre", prune: true)
        #expect(changed.updated == [articles[2].id])
        #expect(changed.unchanged == 3)
        #expect(knowledge.search("parrots", language: .english, scope: .all, limit: 3).candidates.first?.article == articles[2].id)
        #expect(try store.knowledgeArticle(id: articles[2].id)?.article.body == "Completely new text about parrots.")

        // Another source's articles are not pruned by this one.
        let other = try knowledge.importArticles(try ArticleReader.read(path: "\(fixtures)/articles.csv"), source: "export.csv", prune: true)
        #expect(other.added == ["refund", "invoice"])
        let pruned = try knowledge.importArticles(Array(articles.dropLast()), source: "help-centre", prune: true)
        #expect(pruned.removed == [articles.last!.id])
        #expect(try store.knowledgeArticles().map(\.article.id).sorted() == ["en/cancel-subscription", "invoice", "refund", "reset-password", "reset-password-de"])
        // An unchanged article imported again from another source moves to it.
        let moved = try knowledge.importArticles([articles[0]], source: "other", prune: false)
        #expect(moved.updated == [articles[0].id])
        #expect(try store.knowledgeArticle(id: articles[0].id)?.source == "other")
        _ = try knowledge.importArticles([articles[0]], source: "help-centre", prune: false)
        // Without --prune nothing is removed.
        let kept = try knowledge.importArticles([articles[0]], source: "help-centre", prune: false)
        #expect(kept.removed.isEmpty)
        #expect(try store.knowledgeArticles().count == 5)
    }

    @Test func aFolderIsReadAgainOnlyWhenItsFilesChange() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-kb-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: "\(fixtures)/articles", toPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(inMemory: Logger(label: "test"))
        let knowledge = KnowledgeBase(store: store, logger: Logger(label: "test"))

        #expect(try knowledge.importFolderIfChanged(folder)?.added.count == 4)
        #expect(try knowledge.importFolderIfChanged(folder)?.skipped == true)

        try "# Use the VPN kill switch\n\nNew text.".write(toFile: "\(folder)/en/vpn-kill-switch.md", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: "\(folder)/de/passwort.md")
        let report = try knowledge.importFolderIfChanged(folder)
        #expect(report?.updated == ["en/vpn-kill-switch"])
        #expect(report?.removed == ["reset-password-de"])
        #expect(try knowledge.importFolderIfChanged("\(folder)/missing") == nil)
        // The whole folder deleted: its articles go too.
        try FileManager.default.removeItem(atPath: folder)
        #expect(try knowledge.importFolderIfChanged(folder)?.removed.count == 3)
        #expect(try store.knowledgeArticleCount() == 0)
    }

    @Test func aRemovedArticleIsNoLongerFound() throws {
        let knowledge = try fixtureKnowledgeBase()
        #expect(try knowledge.store.removeKnowledgeArticle(id: "reset-password"))
        #expect(try knowledge.store.removeKnowledgeArticle(id: "reset-password") == false)
        let found = knowledge.search("I forgot my password", language: .english, scope: .all, limit: 5)
        #expect(!found.candidates.contains { $0.article == "reset-password" })
    }
}

@Suite struct RetrievalTests {
    @Test func findsTheRightArticleWithItsSource() throws {
        let knowledge = try fixtureKnowledgeBase()
        let result = knowledge.search("I forgot my password, what now?", language: .english, scope: .all, limit: 3)
        let best = try #require(result.best)
        #expect(best.hit.article == "reset-password")
        #expect(best.hit.title == "Reset your password")
        #expect(best.hit.url == "https://help.example.com/en/reset-password")
        #expect(best.hit.score >= 0.5)
        #expect(result.candidates.first == best.hit)

        #expect(knowledge.search("how do I cancel my subscription", language: .english, scope: .all, limit: 3).best?.hit.article
            == "en/cancel-subscription")
    }

    @Test func onlyArticlesInTheConversationsLanguage() throws {
        let knowledge = try fixtureKnowledgeBase()
        let german = knowledge.search("Ich habe mein Passwort vergessen", language: .german, scope: .all, limit: 5)
        #expect(german.candidates.map(\.article) == ["reset-password-de"])
        let english = knowledge.search("password", language: .english, scope: .all, limit: 5)
        #expect(!english.candidates.contains { $0.article == "reset-password-de" })
    }

    @Test func toleratesTyposAndOtherWords() throws {
        let knowledge = try fixtureKnowledgeBase()
        // Misspelt words match indexed words one or two edits away.
        #expect(knowledge.search("pasword resett", language: .english, scope: .all, limit: 3).best?.hit.article == "reset-password")
        #expect(knowledge.search("kil swich", language: .english, scope: .all, limit: 3).best?.hit.article == "en/vpn-kill-switch")
        // "terminate" is a synonym of "cancel".
        #expect(knowledge.search("terminate my subscription", language: .english, scope: .all, limit: 3).best?.hit.article == "en/cancel-subscription")
    }

    @Test func unrelatedQuestionsScoreBelowTheThreshold() throws {
        let knowledge = try fixtureKnowledgeBase()
        let result = knowledge.search("what will the weather be like in Paris tomorrow", language: .english, scope: .all, limit: 3)
        #expect((result.best?.hit.score ?? 0) < KnowledgeSettings().threshold)
    }

    @Test func scopesByTagAndByArticle() throws {
        let knowledge = try fixtureKnowledgeBase()
        let billing = knowledge.search("password subscription kill switch", language: .english, scope: .tags(["billing"]), limit: 5)
        #expect(billing.candidates.map(\.article) == ["en/cancel-subscription"])
        let one = knowledge.search("password subscription kill switch", language: .english, scope: .articles(["en/vpn-kill-switch"]), limit: 5)
        #expect(one.candidates.map(\.article) == ["en/vpn-kill-switch"])
        #expect(knowledge.search("password", language: .english, scope: .tags(["nothing"]), limit: 5).candidates.isEmpty)
    }

    @Test func customerTextIsNeverSearchSyntax() throws {
        let knowledge = try fixtureKnowledgeBase()
        let hostile = [
            "refund\" OR 1=1 --", "NEAR(a b)", "title:*", "((((", "\"", "AND", "OR NOT", "*", "^kill", "{title questions}: x",
            "body:password", "password\" AND \"", "kill* switch^", ":::", "''''", "NOT NOT NOT", "\u{0}", "🙂🙂", "",
            "   ", String(repeating: "password ( ", count: 1000),
        ]
        for text in hostile {
            // No error and no crash: a result, possibly empty.
            _ = knowledge.search(text, language: .english, scope: .all, limit: 3)
        }
        // Column names and operators are ordinary words: "title:password" finds the password article.
        #expect(knowledge.search("title:password", language: .english, scope: .all, limit: 3).best?.hit.article == "reset-password")
        let query = knowledge.rank("title:* AND body:kill NOT switch^ NEAR(a b)", language: .english).query
        #expect(query.terms.map(\.stem) == ["titl", "bodi", "kill", "switch", "near"])
        // A 10,000-character message is read up to its first 2,000 characters.
        let long = String(repeating: "kill switch ", count: 900)
        #expect(knowledge.search(long, language: .english, scope: .all, limit: 3).best?.hit.article == "en/vpn-kill-switch")
    }

    @Test func germanCompoundsAreSplitIntoIndexedWords() throws {
        let knowledge = try fixtureKnowledgeBase()
        let found = knowledge.rank("Passwortanmeldeseite", language: .german)
        #expect(found.query.terms.map { $0.alternatives.map(\.word) } == [["passwort", "anmeldeseit"]])
        #expect(found.ranked.first?.hit.article == "reset-password-de")
    }

    @Test func germanSpellingsAreFolded() throws {
        let knowledge = try fixtureKnowledgeBase()
        // ß → ss, ö → oe, ä → ae, on both sides.
        for query in ["größere Schließfächer", "groessere Schliessfaecher", "GRÖSSERE SCHLIESSFÄCHER"] {
            let result = knowledge.search(query, language: .german, scope: .all, limit: 3)
            #expect(result.best?.hit.article == "reset-password-de", "\(query)")
            #expect(result.best?.passage == "Größere Schließfächer\nFür Geschäftskunden gibt es eine Straße weiter größere Schließfächer.")
        }
    }
}

@Suite struct PassageSelectionTests {
    @Test func theSectionThatAnswersIsQuoted() throws {
        let knowledge = try fixtureKnowledgeBase()
        let mail = knowledge.search("my password reset e-mail never arrives, is it in the spam folder?", language: .english, scope: .all, limit: 1)
        #expect(mail.best?.passage == """
            You don't get the e-mail
            Check your spam folder. The link is valid for 24 hours; ask for a new one after that. See our e-mail tips (https://help.example.com/en/email-tips).
            """)
        let steps = knowledge.search("reset my password from the sign-in page", language: .english, scope: .all, limit: 1)
        #expect(steps.best?.passage == """
            Reset it from the sign-in page
            1. Open the sign-in page and click Forgot password?
            2. Enter your e-mail address.
            3. Open the link in the e-mail we send you and choose a new password.
            """)
    }

    @Test func longPassagesAreShortened() throws {
        let store = try Store(inMemory: Logger(label: "test"))
        var options = RankingOptions()
        options.maxPassageCharacters = 80
        let knowledge = KnowledgeBase(store: store, options: options, logger: Logger(label: "test"))
        let body = "Parrots talk. " + String(repeating: "They repeat words they hear often. ", count: 10)
        _ = try knowledge.importArticles([Article(id: "parrots", title: "Parrots", body: body, language: .english)], source: "t", prune: false)
        let passage = try #require(knowledge.search("do parrots talk", language: .english, scope: .all, limit: 1).best?.passage)
        #expect(passage.count <= 80)
        #expect(passage.hasSuffix(" …"))
        #expect(passage.hasPrefix("Parrots talk. They repeat words they hear often."))
    }
}
