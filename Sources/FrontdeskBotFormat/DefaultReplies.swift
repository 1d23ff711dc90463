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
    ]

    /// Placeholders only some built-in replies can use.
    static let extraPlaceholders: [String: Set<String>] = [
        "did_you_mean": ["option_1", "option_2"], "handoff_closed": ["next_open"], "knowledge_answer": ["answer", "source", "title", "url"],
    ]

    private static func make(_ texts: [LanguageCode: [String]]) -> Variations {
        texts.mapValues { $0.compactMap { try? ReplyTemplate(parsing: $0) } }
    }
}
