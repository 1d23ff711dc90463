import Testing

@testable import FrontdeskUnderstanding

@Suite struct AnswersTests {
    @Test func understandsYesAndNoInEnglishAndGerman() {
        for yes in ["yes", "Yes please", "yep", "that's right", "sure", "Ja", "genau", "ja, stimmt", "passt"] {
            #expect(Answers.yesNo(yes) == true, "\(yes)")
        }
        for no in ["no", "No!", "nope", "that's wrong", "Nein", "stimmt nicht", "nein danke", "not right"] {
            #expect(Answers.yesNo(no) == false, "\(no)")
        }
        for neither in ["maybe", "KS-1234567", "how long does it take?", "I have no idea what you mean by that at all"] {
            #expect(Answers.yesNo(neither) == nil, "\(neither)")
        }
    }

    @Test func understandsStopping() {
        for stop in ["stop", "never mind", "Cancel", "forget it", "abbrechen", "vergiss es", "bitte abbrechen"] {
            #expect(Answers.isCancel(stop), "\(stop)")
        }
        for other in ["cancel my subscription", "I want to cancel my vpn plan now", "stop the charges on my card"] {
            #expect(!Answers.isCancel(other), "\(other)")
        }
    }

    @Test func recognisesQuestions() {
        #expect(Answers.isQuestion("how long does a refund take"))
        #expect(Answers.isQuestion("Refund time?"))
        #expect(Answers.isQuestion("Wie lange dauert das"))
        #expect(!Answers.isQuestion("it was charged twice"))
    }
}
