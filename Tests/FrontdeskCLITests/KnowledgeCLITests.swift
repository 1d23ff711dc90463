import Foundation
import Testing

/// `frontdesk kb` as a trainer uses it: import, search, list, show, remove, eval; and a
/// knowledge answer through the JSON-lines adapter.
@Suite struct KnowledgeCLITests {
    static let articles = CLI.repositoryRoot.appendingPathComponent("Tests/FrontdeskKnowledgeTests/Fixtures/articles").path
    static let broken = CLI.repositoryRoot.appendingPathComponent("Tests/FrontdeskKnowledgeTests/Fixtures/broken/bad.jsonl").path

    func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-kb-cli-\(UUID().uuidString)/kb.sqlite").path
    }

    func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func importSearchShowRemove() throws {
        let db = temporaryDatabase()
        let imported = try CLI.run(["kb", "import", Self.articles, "--db", db])
        #expect(imported.status == 0)
        #expect(imported.lines.first?.hasPrefix("\(Self.articles): 4 articles: 4 added, 0 updated, 0 unchanged, 0 removed (") == true)
        #expect(imported.lines.dropFirst().first == "  added: reset-password-de, en/cancel-subscription, reset-password, en/vpn-kill-switch")

        let again = try CLI.run(["kb", "import", Self.articles, "--db", db])
        #expect(again.lines.count == 1)
        #expect(again.stdout.contains(": 4 articles: 0 added, 0 updated, 4 unchanged, 0 removed ("))

        let search = try CLI.run(["kb", "search", "--db", db, "--json", "I", "forgot", "my", "password"])
        #expect(search.status == 0)
        let result = try json(search.stdout)
        #expect(result["language"] as? String == "en")
        let results = try #require(result["results"] as? [[String: Any]])
        #expect(results.first?["article"] as? String == "reset-password")
        #expect(results.first?["url"] as? String == "https://help.example.com/en/reset-password")
        #expect(results.first?["answers"] as? Bool == true)
        #expect((results.first?["passage"] as? String)?.hasPrefix("If you forgot your password, you can set a new one in two minutes.\n\nReset it from the sign-in page\n1. Open the sign-in page") == true)

        let text = try CLI.run(["kb", "search", "--db", db, "wie", "setze", "ich", "mein", "Passwort", "zurück"])
        #expect(text.lines.first?.hasPrefix("1. reset-password-de  score ") == true)
        #expect(text.stdout.contains("   Passwort zurücksetzen – https://help.example.com/de/passwort"))

        let list = try CLI.run(["kb", "list", "--db", db])
        #expect(list.lines == [
            "en/cancel-subscription  en              Cancel your subscription",
            "en/vpn-kill-switch      en              Use the VPN kill switch",
            "reset-password          en  2026-05-01  Reset your password",
            "reset-password-de       de              Passwort zurücksetzen",
            "4 articles",
        ])
        let show = try CLI.run(["kb", "show", "reset-password", "--db", db])
        #expect(show.lines.prefix(6) == [
            "id:        reset-password", "title:     Reset your password", "language:  en",
            "url:       https://help.example.com/en/reset-password", "updated:   2026-05-01", "tags:      account, security",
        ])
        #expect(show.stdout.contains("questions:\n  - I forgot my password\n  - can't log in anymore\n\nIf you forgot your password"))

        #expect(try CLI.run(["kb", "remove", "reset-password", "--db", db]).stdout == "removed reset-password\n")
        let gone = try CLI.run(["kb", "show", "reset-password", "--db", db])
        #expect(gone.status == 1)
        #expect(gone.stderr == "error: no article 'reset-password' (frontdesk kb list shows them)\n")
    }

    @Test func aBrokenFileImportsNothingAndSaysWhere() throws {
        let db = temporaryDatabase()
        let failed = try CLI.run(["kb", "import", Self.broken, "--db", db])
        #expect(failed.status == 2)
        #expect(failed.stderr.hasPrefix("\(Self.broken):2:58: error: invalid JSON: the line ends inside a string (missing closing quote)\n"))
        #expect(failed.stderr.hasSuffix("5 errors\nnothing was imported\n"))
        #expect(try CLI.run(["kb", "list", "--db", db]).stdout == "no articles (import some with: frontdesk kb import PATH)\n")
    }

    @Test func evalPrintsTheMeasures() throws {
        let db = temporaryDatabase()
        _ = try CLI.run(["kb", "import", Self.articles, "--db", db])
        let queries = CLI.fixtures.appendingPathComponent("kb/queries.jsonl").path
        let eval = try CLI.run(["kb", "eval", "--queries", queries, "--db", db, "--json"])
        #expect(eval.status == 0)
        let report = try json(eval.stdout)
        // Two of three queries find their article first; the third is labelled with an
        // article that is not among the kill-switch query's results.
        #expect(report["queries"] as? Int == 3)
        #expect(report["p_at_1"] as? Double == 0.6667)
        #expect(report["recall_at_3"] as? Double == 0.6667)
        #expect(report["mrr_at_10"] as? Double == 0.6667)
        #expect((report["ms_per_query"] as? Double ?? -1) >= 0)

        let bad = try CLI.run(["kb", "eval", "--queries", Self.broken, "--db", db])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("\(Self.broken):1:1: error: expected {\"text\": ..., \"article\": ...} with a text\n"))
    }

    @Test func theJSONLinesReplyNamesTheQuotedArticle() throws {
        let db = temporaryDatabase()
        let input = #"{"type":"message","conversation":"kb-1","user":"u1","text":"how do I turn on the vpn kill switch"}"# + "\n"
        let run = try CLI.run(["jsonl", "--db", db, "--seed", "1"], input: input)
        #expect(run.status == 0)
        let reply = try json(run.lines[0])
        #expect(reply["decision"] as? String == "knowledge")
        let knowledge = try #require(reply["knowledge"] as? [String: Any])
        #expect(knowledge["article"] as? String == "vpn-kill-switch")
        #expect(knowledge["title"] as? String == "Use the VPN kill switch")
        #expect(knowledge["url"] as? String == "https://support.kestrel-security.example/en/articles/vpn-kill-switch")
        #expect((knowledge["score"] as? Double ?? 0) >= 0.7)
        let messages = try #require(reply["messages"] as? [[String: Any]])
        #expect((messages.last?["text"] as? String)?.hasSuffix(
            "\n\nSource: Use the VPN kill switch – https://support.kestrel-security.example/en/articles/vpn-kill-switch") == true)
    }
}
