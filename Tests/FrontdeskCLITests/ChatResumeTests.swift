import Foundation
import Testing

/// The REPL keeps its conversation in the database like the JSON-lines adapter, and
/// `chat --conversation ID` picks it up where it was.
@Suite(.serialized) struct ChatResumeTests {
    static let sharedDatabase = CLI.temporaryDatabase()
    let db = ChatResumeTests.sharedDatabase

    @Test func aConversationResumesMidFormInANewProcess() throws {
        let first = try CLI.run(["chat", "--db", db, "--seed", "3", "--conversation", "resume-1"], input: "I want a refund\nKS-1234567\n")
        #expect(first.status == 0)
        #expect(first.stderr == "")
        let firstLast = first.lines.last ?? ""
        #expect(firstLast == "Thanks! In a few words, why would you like a refund?")

        // A new process: /state shows the stored form, and the answer goes to the pending question.
        let second = try CLI.run(["chat", "--db", db, "--seed", "3", "--conversation", "resume-1"], input: "/state\nit arrived broken\n")
        #expect(second.status == 0)
        #expect(second.stderr == "")
        let expected = [
            "conversation resume-1, turn 2, language en (detected)",
            "form refund: asking for refund_reason (invalid answers so far: 0)",
            "  order_number = KS-1234567",
            "A refund for order KS-1234567 because: “it arrived broken”. Is that right?",
            "  [1] Yes  [2] No",
        ]
        #expect(second.lines == expected)
    }

    @Test func withoutAConversationIDEachRunStartsANewConversation() throws {
        let first = try CLI.run(["chat", "--db", db, "--seed", "3"], input: "I want a refund\n")
        let second = try CLI.run(["chat", "--db", db, "--seed", "3"], input: "KS-1234567\n")
        #expect(first.status == 0 && second.status == 0)
        // A new conversation introduces the bot again and does not take the order number as a form answer.
        let secondFirst = second.lines.first ?? ""
        #expect(secondFirst.contains("automated assistant"))
        #expect(!second.stdout.contains("why would you like a refund"))
    }
}
