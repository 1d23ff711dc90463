import FrontdeskKnowledge
import Testing

@Suite struct PassageTests {
    @Test func sectionsBecomePassagesWithPlainText() {
        let markdown = """
            Intro with **bold** and _emphasis_ and `code`.

            ## Reset it

            1. Open the **sign-in** page.
            2. Click [Forgot password](https://help.example.com/forgot).

            - a list
            - that continues after a blank line

            ## Links
            See [https://example.com](https://example.com), <https://x.example> and snake_case_name.
            """
        let passages = MarkdownText.passages(markdown)
        #expect(passages.count == 3)
        #expect(passages[0].heading == nil)
        #expect(passages[0].text == "Intro with bold and emphasis and code.")
        #expect(passages[1].heading == "Reset it")
        #expect(passages[1].text == """
            1. Open the sign-in page.
            2. Click Forgot password (https://help.example.com/forgot).
            • a list
            • that continues after a blank line
            """)
        // Indexed words leave the URLs out.
        #expect(passages[1].words.contains("2. Click Forgot password.\n"))
        #expect(passages[2].text == "See https://example.com, https://x.example and snake_case_name.")
    }

    @Test func aLongSectionIsSplitAtParagraphs() {
        let paragraph = String(repeating: "word ", count: 50).trimmingCharacters(in: .whitespaces)  // 249 characters
        let markdown = "## Long\n\n" + Array(repeating: paragraph, count: 4).joined(separator: "\n\n")
        let passages = MarkdownText.passages(markdown, maxCharacters: 600)
        #expect(passages.map(\.text.count) == [499, 499])
        #expect(passages.allSatisfy { $0.heading == "Long" })
    }

    @Test func shortenedCutsAtASentenceEnd() {
        let text = "First sentence here. Second sentence is longer than the rest. Third."
        #expect(MarkdownText.shortened(text, limit: 65) == "First sentence here. Second sentence is longer than the rest. …")
        // The only sentence end is in the first half: cut at a word instead.
        #expect(MarkdownText.shortened(text, limit: 50) == "First sentence here. Second sentence is longer …")
        #expect(MarkdownText.shortened(text, limit: 200) == text)
        // No sentence end in the second half: cut at a word.
        #expect(MarkdownText.shortened("one two three four five six", limit: 12) == "one two …")
    }
}
