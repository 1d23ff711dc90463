import FrontdeskKnowledge
import Testing

@Suite struct PassageTests {
    @Test func placeholder() {
        let passages = MarkdownText.passages("Intro.\n\n## Steps\n\n1. One\n2. Two")
        #expect(passages.count == 2)
    }
}
