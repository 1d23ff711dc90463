import Testing

@testable import FrontdeskSafety

@Suite struct BotQuestionTests {
    @Test(arguments: [
        "Are you a bot?", "are you a human", "Are you an AI?", "are you a real person", "Are you a machine?",
        "are you a robot", "Are you ChatGPT?", "am I talking to a human?", "Am I chatting with a bot right now?",
        "is this automated?", "Is this chat automated", "is this an automated response?", "is there a real person?",
        "r u a bot", "ru a bot?", "are u human", "Are you even human?", "are you a bot or a human?", "you're a bot?",
        "You are a bot, aren't you?", "bot?", "Human?", "a real person?", "are you real", "are you an a.i.?",
        "Hi! Are you a person or a machine? I need help with my order", "who am I talking to?", "are you a humna?",
        "are you a rboot", "is a human reading this?",
        // German
        "Bist du ein Bot?", "bist du ein Mensch", "Bist du ein Roboter?", "bist du eine KI?", "Sind Sie ein Mensch?",
        "Rede ich mit einem Menschen?", "Ist das ein Bot?", "Spreche ich mit einer echten Person?", "bist du echt?",
        "Sind Sie eine echte Person oder ein Bot?", "Ist das hier automatisiert?", "Chatte ich gerade mit einer KI?",
        "Gibt es hier einen echten Menschen?", "Mit wem spreche ich?", "du bist ein Bot?", "Schreibt hier ein echter Mensch?",
        "Bin ich mit einem Bot verbunden?", "biste n bot", "bist du ein mensh?", "antwortet hier eine maschine",
        "you sound like a bot lol", "this feels like talking to a robot", "das klingt nach einem bot", "Du klingst wie ein Roboter",
    ])
    func asking(_ text: String) {
        #expect(BotQuestion.isAsking(text), "\(text)")
    }

    @Test(arguments: [
        "I want to talk to a human", "I want to talk to a human?", "Can I speak to a real person?", "Connect me with an agent",
        "how do I protect against bots?", "Are you open on Sunday?", "are you able to help me?", "Is this the right place?",
        "Is this real? I got an e-mail about a refund", "is there a real person I can talk to?", "Are you the manager?",
        "are you sure?", "Are you human resources?", "Is there a bot protection on the login?", "the robot vacuum is broken",
        "Is this a real company?", "Are you for real?", "Where is my order?", "It sounds like a problem with the server",
        "you sound like my mother", "Das klingt nach einem Fehler", "Es wirkt wie ein Virus",
        // German
        "Ich möchte mit einem Menschen sprechen", "Kann ich mit einem echten Menschen reden?", "Bist du sicher?",
        "Sind Sie heute erreichbar?", "Ist das ein Fehler?", "Ist das echt? Ich habe eine Mail bekommen",
        "Gibt es einen Mitarbeiter, der mir helfen kann?", "Ich will einen Menschen!", "Mein Roboter ist kaputt",
    ])
    func notAsking(_ text: String) {
        #expect(!BotQuestion.isAsking(text), "\(text)")
    }
}

@Suite struct HumanClaimTests {
    @Test(arguments: [
        "I'm a human", "I am a real person", "I'm not a bot", "I am not an AI", "Yes, I'm human.", "I am definitely not a robot",
        "No, I'm a real human being", "You're talking to a real person.", "You are chatting with a human", "This is a real person",
        "I'm not automated", "I am a human agent",
        "Ich bin ein Mensch", "Ich bin kein Bot", "ich bin keine KI", "Hier schreibt ein echter Mensch", "Ich bin ein echter Mitarbeiter",
        "Sie sprechen mit einem echten Menschen", "Nein, ich bin kein Roboter.",
        "I'm a human and happy to help", "Ich bin ein Mensch und helfe gern.", "I am a real person from the support team",
    ])
    func claims(_ reply: String) {
        #expect(HumanClaim.claims(reply), "\(reply)")
    }

    @Test(arguments: [
        "I'm not a human, I'm a bot", "I'll connect you with a human", "I am a virtual assistant", "I'm a bot, not a human",
        "A human will take over shortly", "I am not a human agent, but I can connect you to one", "I'm the Frontdesk assistant",
        "Our human resources team will call you", "I'm happy to help", "Sorry, I am not a real person.",
        "Ich bin kein Mensch, sondern ein Bot", "Ich verbinde Sie mit einem Menschen", "Ich bin ein virtueller Assistent",
        "Ein Mitarbeiter meldet sich gleich", "Ich bin nur ein Bot", "Ich bin gerne für Sie da",
        "I'm a bot and a human colleague can take over", "I am the human resources assistant bot",
    ])
    func doesNotClaim(_ reply: String) {
        #expect(!HumanClaim.claims(reply), "\(reply)")
    }
}

@Suite struct AppealTests {
    @Test(arguments: [
        "you misunderstood me", "That's not what I meant", "I didn't mean it that way", "I wasn't insulting you",
        "that was a quote", "Why did you block me?", "that's unfair", "It was not meant as an insult",
        "Scunthorpe is a town in England!", "I was just quoting the error message", "why was my message removed?",
        "Sie haben mich falsch verstanden", "So war das nicht gemeint", "Das war kein Angriff", "Warum wurde ich blockiert?",
        "das war doch nur ein Witz", "Ich habe Sie nicht beleidigt", "Das ist total unfair!", "Das war ein Zitat",
    ])
    func appeals(_ text: String) {
        #expect(Appeal.isAppeal(text), "\(text)")
    }

    @Test(arguments: [
        "I understand", "Where is my refund?", "the quote you sent me is wrong", "That's not what I ordered",
        "I didn't get an email", "Ich habe es verstanden", "Warum dauert das so lange?", "Das Angebot ist fair",
        "Wie blockiere ich eine Karte?",
    ])
    func notAppeals(_ text: String) {
        #expect(!Appeal.isAppeal(text), "\(text)")
    }
}
