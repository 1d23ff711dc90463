import FrontdeskCore

/// Built-in replies for English and German, used when `bot.yaml` does not set its own.
enum DefaultReplies {
    static let disclosure = make([
        "en": ["Hi, I'm {bot_name}, an automated assistant (a bot, not a human). You can ask for a human at any time."],
        "de": ["Hallo, ich bin {bot_name}, ein automatischer Assistent (ein Bot, kein Mensch). Sie können jederzeit nach einem Menschen fragen."],
    ])
    static let fallback = make([
        "en": ["Sorry, I didn't understand that. Could you say it in other words?"],
        "de": ["Entschuldigung, das habe ich nicht verstanden. Können Sie es anders formulieren?"],
    ])
    static let didYouMean = make([
        "en": ["Did you mean \u{201C}{option_1}\u{201D} or \u{201C}{option_2}\u{201D}?"],
        "de": ["Meinten Sie \u{201E}{option_1}\u{201C} oder \u{201E}{option_2}\u{201C}?"],
    ])
    static let rephrase = make([
        "en": ["All right. Could you tell me in other words what you need?"],
        "de": ["Alles klar. Können Sie mir mit anderen Worten sagen, worum es geht?"],
    ])

    static let formInvalid = make([
        "en": ["Sorry, that doesn't look right."],
        "de": ["Entschuldigung, das scheint nicht zu passen."],
    ])
    static let formCancelConfirm = make([
        "en": ["Do you want to stop here? Your answers so far will not be kept."],
        "de": ["Möchten Sie hier abbrechen? Ihre bisherigen Angaben werden dann nicht gespeichert."],
    ])
    static let formCancelled = make([
        "en": ["All right, I've stopped. Is there anything else I can help with?"],
        "de": ["In Ordnung, ich habe abgebrochen. Kann ich sonst noch etwas für Sie tun?"],
    ])
    static let formGaveUp = make([
        "en": ["I'm sorry, I can't get this right. Would you like to talk to a human colleague? Just write \u{201C}human\u{201D}."],
        "de": ["Das tut mir leid, ich komme hier nicht weiter. Möchten Sie mit einem Menschen sprechen? Schreiben Sie einfach \u{201E}Mitarbeiter\u{201C}."],
    ])
    static let formRestart = make([
        "en": ["No problem, let's go through it again."],
        "de": ["Kein Problem, dann gehen wir es noch einmal durch."],
    ])

    static let handoff = make([
        "en": ["I'm handing you over to a human colleague, who will reply here shortly."],
        "de": ["Ich übergebe an einen menschlichen Kollegen, der Ihnen hier gleich antwortet."],
    ])
    static let handoffClosed = make([
        "en": ["Our team isn't available right now; they are back {next_open}. Leave your details and we'll get back to you."],
        "de": ["Unser Team ist gerade nicht erreichbar, wieder ab {next_open}. Hinterlassen Sie Ihre Kontaktdaten, dann melden wir uns."],
    ])
    static let handedBack = make([
        "en": ["You're talking to {bot_name}, the automated assistant, again. How else can I help?"],
        "de": ["Sie schreiben wieder mit {bot_name}, dem automatischen Assistenten. Wobei kann ich noch helfen?"],
    ])

    static let knowledgeAnswer = make([
        "en": ["{answer}\n\nSource: {source}"],
        "de": ["{answer}\n\nQuelle: {source}"],
    ])

    static let botQuestion = make([
        "en": ["Yes, I'm {bot_name}, an automated assistant: a bot, not a human. If you'd rather talk to a person, just ask for a human."],
        "de": ["Ja, ich bin {bot_name}, ein automatischer Assistent: ein Bot, kein Mensch. Wenn Sie lieber mit einer Person sprechen möchten, fragen Sie einfach nach einem Mitarbeiter."],
    ])
    static let moderationCalm = make([
        "en": ["I can tell this is frustrating, and I want to help. Let's keep it friendly."],
        "de": ["Ich verstehe, dass das ärgerlich ist, und ich möchte Ihnen helfen. Bleiben wir bitte freundlich."],
    ])
    static let moderationWarn = make([
        "en": ["Please keep our conversation respectful. If abusive messages go on, I will have to end this conversation."],
        "de": ["Bitte bleiben Sie respektvoll. Wenn beleidigende Nachrichten weitergehen, muss ich dieses Gespräch beenden."],
    ])
    static let moderationEnd = make([
        "en": ["I'm ending this conversation because of its abusive messages. If I misunderstood you, write \u{201C}you misunderstood me\u{201D} and a human colleague will look at it."],
        "de": ["Ich beende dieses Gespräch wegen beleidigender Nachrichten. Falls ich Sie missverstanden habe, schreiben Sie \u{201E}Sie haben mich falsch verstanden\u{201C}, dann sieht sich ein Kollege das an."],
    ])
    static let moderationEscalate = make([
        "en": ["I'm passing this conversation to a human colleague."],
        "de": ["Ich gebe dieses Gespräch an einen menschlichen Kollegen weiter."],
    ])
    static let selfHarm = make([
        "en": ["I'm really sorry you're feeling like this. You don't have to go through it alone: please talk to someone now. In the UK and Ireland you can call Samaritans on 116 123, in the US call or text 988, in Germany call the Telefonseelsorge on 0800 111 0 111 (free, day and night). If you are in danger right now, call 112 or 911. I can also connect you with a human colleague here."],
        "de": ["Es tut mir sehr leid, dass es Ihnen so geht. Sie müssen da nicht allein durch: Bitte sprechen Sie jetzt mit jemandem. Die Telefonseelsorge ist kostenlos und rund um die Uhr erreichbar: 0800 111 0 111 oder 0800 111 0 222. In akuter Gefahr rufen Sie bitte die 112 an. Ich kann Sie auch hier mit einem menschlichen Kollegen verbinden."],
    ])
    static let appeal = make([
        "en": ["I'm sorry if I got that wrong. I'm passing the conversation to a human colleague, who will read it and reply."],
        "de": ["Entschuldigung, falls ich das falsch verstanden habe. Ich gebe das Gespräch an einen menschlichen Kollegen weiter, der es liest und Ihnen antwortet."],
    ])
    static let frustrationOffer = make([
        "en": ["I'm sorry this is not going well. Would you like me to connect you with a human colleague?"],
        "de": ["Es tut mir leid, dass das gerade nicht gut läuft. Möchten Sie, dass ich Sie mit einem menschlichen Kollegen verbinde?"],
    ])

    /// Replies that a language without built-in replies gets in English rather than not at
    /// all: the truthful answer to "are you a bot?", and what moderation and care say.
    static let englishIfMissing: Set<String> = [
        "bot_question", "moderation_calm", "moderation_warn", "moderation_end", "moderation_escalate", "self_harm", "appeal",
        "frustration_offer",
    ]

    /// Defaults for languages without one of their own, for replies that need no words to
    /// translate: a knowledge answer is the passage, then its source.
    static let anyLanguage: [String: [ReplyTemplate]] = [
        "knowledge_answer": [(try? ReplyTemplate(parsing: "{answer}\n\n— {source}"))].compactMap { $0 },
    ]

    /// The defaults by built-in reply name.
    static let named: [String: Variations] = [
        "disclosure": disclosure, "fallback": fallback, "did_you_mean": didYouMean, "rephrase": rephrase,
        "form_invalid": formInvalid, "form_cancel_confirm": formCancelConfirm, "form_cancelled": formCancelled,
        "form_gave_up": formGaveUp, "form_restart": formRestart, "handoff": handoff, "handoff_closed": handoffClosed,
        "handed_back": handedBack, "knowledge_answer": knowledgeAnswer,
        "bot_question": botQuestion, "moderation_calm": moderationCalm, "moderation_warn": moderationWarn,
        "moderation_end": moderationEnd, "moderation_escalate": moderationEscalate, "self_harm": selfHarm, "appeal": appeal,
        "frustration_offer": frustrationOffer,
    ]

    /// Placeholders only some built-in replies can use.
    static let extraPlaceholders: [String: Set<String>] = [
        "did_you_mean": ["option_1", "option_2"], "handoff_closed": ["next_open"], "knowledge_answer": ["answer", "source", "title", "url"],
    ]

    private static func make(_ texts: [LanguageCode: [String]]) -> Variations {
        texts.mapValues { $0.compactMap { try? ReplyTemplate(parsing: $0) } }
    }
}
