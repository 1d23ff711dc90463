import ArgumentParser
import Foundation
import FrontdeskAdapter
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskStore
import FrontdeskSafety
import FrontdeskTesting
import Logging

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to the bot (the default subcommand).",
        discussion: """
            On a terminal: line editing, history kept across runs, Tab completes slash commands; \
            type /help for the commands. With piped input, each line is a customer message \
            and only the bot's replies are printed, one message per line.
            """)

    @OptionGroup var options: BotOptions

    @Option(name: .long, help: ArgumentHelp("Fix the conversation's language (otherwise it is detected).", valueName: "code"))
    var lang: String?

    @Option(name: .long, help: ArgumentHelp("Seed for choosing reply variations (the same seed gives the same replies; default: a random one, saved by /save).", valueName: "n"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Where /save writes transcripts.", valueName: "dir"))
    var transcripts: String = "transcripts"

    @Option(name: .long, help: ArgumentHelp("The customer's name, for {user_name} in replies.", valueName: "name"))
    var userName: String?

    @Option(name: .long, help: ArgumentHelp("The line-history file (default: 'history' next to the database).", valueName: "file"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("Resume this conversation from the database (or start one with this id); default: a new one.", valueName: "id"))
    var conversation: String?

    func run() throws {
        options.logging.bootstrap()
        let logger = Logger(label: "frontdesk.chat")
        let store: Store
        let loaded: EngineLoader.Result
        let variations = VariationChooser.seeded(seed ?? UInt64.random(in: 1...999_999))
        do {
            store = try Store(path: options.db, logger: logger)
            loaded = try EngineLoader.load(botDirectory: options.bot, store: store, variations: variations, logger: logger)
        } catch {
            report(error)
            throw ExitCode(2)
        }
        let interactive = isatty(STDIN_FILENO) == 1
        for warning in loaded.warnings { printError(warning.rendered) }
        var retention = Retention(bot: loaded.engine.bot, store: store, logger: logger)
        retention.applyIfDue()

        let session: ChatSession
        do {
            session = try ChatSession(
                engine: loaded.engine, store: store, botDirectory: options.bot, transcriptsDirectory: transcripts,
                variations: variations, style: Style.forStandardOutput(), interactive: interactive, userName: userName,
                conversationID: conversation, logger: logger)
        } catch {
            report(error)
            throw ExitCode(2)
        }
        if let lang {
            guard session.setLanguage(lang) else { throw ExitCode(2) }
        }
        if interactive {
            let historyPath = history ?? ((options.db as NSString).deletingLastPathComponent.nilIfEmpty.map { "\($0)/history" } ?? ".frontdesk_history")
            let editor = LineEditor(historyPath: historyPath, completions: ChatSession.commands.map(\.name))
            session.printBanner()
            while let line = editor.readLine(prompt: session.prompt) {
                guard session.handle(line) else { break }
            }
        } else {
            while let line = Swift.readLine(strippingNewline: true) {
                guard session.handle(line) else { break }
            }
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// The state of one REPL session: the engine (replaced by /reload), the conversation (kept in
/// the database after every turn, like the JSON-lines adapter's) and the toggles. Prints to
/// stdout; errors to stderr.
final class ChatSession {
    private(set) var engine: Engine
    private var conversation: Conversation
    private let conversations: Conversations
    private var debug = false
    /// The id of the last message answered, for `/rate`.
    private var lastRequestID: String?
    /// The conversation so far, for /save.
    private var recorder: TranscriptRecorder
    private let store: Store
    private let botDirectory: String
    private let transcriptsDirectory: String
    private var variations: VariationChooser
    private let style: Style
    private let interactive: Bool
    private let userName: String?
    private let logger: Logger

    init(engine: Engine, store: Store, botDirectory: String, transcriptsDirectory: String, variations: VariationChooser,
         style: Style, interactive: Bool, userName: String?, conversationID: String?, logger: Logger) throws(FrontdeskError) {
        self.engine = engine
        self.store = store
        self.botDirectory = botDirectory
        self.transcriptsDirectory = transcriptsDirectory
        self.variations = variations
        self.style = style
        self.interactive = interactive
        self.userName = userName
        self.logger = logger
        conversations = Conversations(engine: engine, store: store, logger: logger)
        conversations.variations = { _ in variations }
        let id = conversationID ?? Self.newConversationID()
        resumed = try store.conversation(id)
        conversation = try conversations.conversation(id)
        if let userName { conversation.userName = userName }
        recorder = TranscriptRecorder(language: nil)
    }

    /// The stored conversation this session resumed, if any.
    private let resumed: ConversationRecord?

    /// `repl-20261129-061502-3f9a`: when it started, and a random part.
    static func newConversationID() -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return "repl-\(stamp)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }

    struct Command {
        let name: String
        let arguments: String
        let help: String
    }

    static let commands: [Command] = [
        Command(name: "/help", arguments: "", help: "this list"),
        Command(name: "/debug", arguments: "", help: "toggle the debug view: top intents with confidences, language, time per turn"),
        Command(name: "/reset", arguments: "", help: "start a new conversation (this one stays in the database)"),
        Command(name: "/kb", arguments: "QUERY", help: "search the knowledge base: the best articles with scores, and the passage the bot would quote"),
        Command(name: "/state", arguments: "", help: "show the running form, its slot values and pending question, or the hand-off"),
        Command(name: "/rate", arguments: "good|bad [comment]", help: "rate the bot's last reply (stored with it; bad ones show up in frontdesk inbox)"),
        Command(name: "/handback", arguments: "", help: "act as the human agent handing the conversation back to the bot"),
        Command(name: "/reload", arguments: "", help: "re-read the bot files, keeping the conversation (on errors the old bot stays)"),
        Command(name: "/lang", arguments: "[code|auto]", help: "show, fix or auto-detect the conversation's language"),
        Command(name: "/save", arguments: "NAME", help: "save this conversation as a test, transcripts/NAME.txt (the bot's replies are the expectations)"),
        Command(name: "/load", arguments: "FILE", help: "replay a transcript in a new conversation, show where it diverges, then go on from there"),
        Command(name: "/quit", arguments: "", help: "leave (Ctrl-D works too)"),
    ]

    var prompt: String { style.enabled ? "\u{1}\u{1B}[1m\u{2}you>\u{1}\u{1B}[0m\u{2} " : "you> " }

    func printBanner() {
        let bot = engine.bot
        let articles = (try? store.knowledgeArticleCount()) ?? 0
        output(style.dim("\(bot.name) · languages \(bot.languages.map(\.rawValue).joined(separator: ", ")) · \(bot.intents.count) intents · \(articles) articles · /help for commands"))
        if let resumed, resumed.messages > 0 {
            output(style.dim("resuming conversation \(conversation.id): \(resumed.messages) message(s) so far; /state shows where it stands"))
        } else {
            output(style.dim("conversation \(conversation.id) (resume it later with --conversation \(conversation.id))"))
        }
    }

    /// Lines longer than this (in UTF-8 bytes) are not answered.
    static let maximumLineLength = 64 * 1024
    private var lineNumber = 0

    /// Handles one input line; returns false when the session should end.
    func handle(_ rawLine: String) -> Bool {
        lineNumber += 1
        guard rawLine.utf8.count <= Self.maximumLineLength else {
            printError("error: input line \(lineNumber) is longer than \(Self.maximumLineLength / 1024) KiB; skipped")
            return true
        }
        var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty { return true }
        if line.hasPrefix("//") {
            line.removeFirst()  // "//start" sends the message "/start"
        } else if line.hasPrefix("/") {
            return command(line)
        }
        let start = ContinuousClock.now
        let now = Date()
        let turn: Turn
        do {
            // Each message gets an id, so that `/rate` can say which reply it rates.
            let requestID = "repl-\(conversation.turn + 1)"
            let pending = try conversations.respond(to: UserMessage(text: line, timestamp: now), conversation: conversation.id,
                                                    user: userName, userName: userName, requestID: requestID)
            try conversations.commit(pending)
            lastRequestID = requestID
            conversation = pending.conversation
            turn = pending.turn
        } catch {
            report(error)
            printError("the message was not answered; the conversation is unchanged")
            return true
        }
        let elapsed = ContinuousClock.now - start
        recorder.record(customer: line, turn: turn, at: now)
        printReplies(turn)
        if debug { output(style.dim(debugLine(turn, elapsed: elapsed))) }
        if turn.decision == .silent, interactive || debug {
            output(style.dim("  (a human has this conversation: the bot stays silent; /handback gives it back)"))
        }
        if interactive || debug {
            for event in turn.events { output(style.yellow("  [event] \(Self.describe(event, timeZone: engine.bot.timeZone, language: turn.language))")) }
        }
        return true
    }

    static func describe(_ event: DialogueEvent, timeZone: TimeZone, language: LanguageCode) -> String {
        var values = event.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formatted(in: timeZone, language: language))" }
        if let summary = event.summary {
            values.insert("reason=\(summary.reason)", at: 0)
            values.append("intents=\(summary.intents.map(\.rawValue).joined(separator: ">"))")
            values.append("last messages=\(summary.lastMessages.count)")
            values += summary.slots.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.formatted(in: timeZone, language: language))" }
        }
        return event.name + (event.form.map { " (form \($0))" } ?? "") + (values.isEmpty ? "" : ": " + values.joined(separator: ", "))
    }

    /// `/rate good|bad [comment]`: feedback on the last reply, stored with it.
    private func rate(_ argument: String) {
        let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
        guard let rating = parts.first?.lowercased(), ["good", "bad"].contains(rating) else {
            printError("usage: /rate good|bad [comment]")
            return
        }
        guard let requestID = lastRequestID else {
            printError("there is no reply to rate yet in this session")
            return
        }
        let comment = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        do {
            let masked = comment.map { engine.bot.privacy.maskPersonalData ? PersonalData.mask($0).text : $0 }
            try store.recordFeedback(conversation: conversation.id, requestID: requestID, rating: rating, comment: masked, at: Date())
            output(style.dim("rated the last reply \(rating)" + (comment == nil ? "" : ", with your comment")))
        } catch {
            report(error)
        }
    }

    /// `/state`: what the conversation holds.
    private func printState() {
        output(style.dim("conversation \(conversation.id), turn \(conversation.turn), language \(conversation.language) (\(conversation.languageIsFixed ? "fixed" : "detected"))"))
        for context in conversation.contexts where context.turnsLeft > 0 {
            output(style.dim("context \(context.name): \(context.turnsLeft) more message(s), until \(TranscriptTime.format(context.expires))"))
        }
        switch conversation.state {
        case .idle:
            output(style.dim("no form running, nothing pending"))
        case .awaitingChoice(let options):
            output(style.dim("waiting for the pick: \(options.map(\.rawValue).joined(separator: " or "))"))
        case .handedOff:
            output(style.dim("handed off to a human: the bot stays silent until /handback"))
        case .form(let state):
            let phase: String
            switch state.phase {
            case .asking: phase = "asking for \(state.pending?.rawValue ?? "?") (invalid answers so far: \(state.attempts))"
            case .confirming: phase = "waiting for the confirmation"
            case .confirmingCancel: phase = "asking whether to stop"
            }
            output(style.dim("form \(state.form): \(phase)"))
            for (name, value) in state.values.sorted(by: { $0.key < $1.key }) {
                output(style.dim("  \(name) = \(value.formatted(in: engine.bot.timeZone, language: conversation.language))"))
            }
        }
    }

    private func printReplies(_ turn: Turn) {
        for message in turn.messages {
            output(interactive ? "\(style.cyan(style.bold(engine.bot.name + ":"))) \(message.text)" : message.text)
            if !message.quickReplies.isEmpty {
                let buttons = message.quickReplies.enumerated().map { "[\($0.offset + 1)] \($0.element.title)" }
                output("  " + style.yellow(buttons.joined(separator: "  ")))
            }
        }
    }

    func debugLine(_ turn: Turn, elapsed: Duration) -> String {
        let top = turn.ranking.prefix(3).map { "\($0.intent) \(String(format: "%.2f", $0.confidence))" }.joined(separator: ", ")
        let decision: String
        switch turn.decision {
        case .answer(let score): decision = "answer \(score.intent)"
        case .clarify(let a, let b): decision = "did you mean \(a.intent) or \(b.intent)"
        case .fallback: decision = "fallback"
        case .knowledge(let answer): decision = "knowledge \(answer.hit.article) \(String(format: "%.2f", answer.hit.score))"
        case .rephrase: decision = "rephrase"
        case .form, .handoff, .handoffClosed, .silent, .handedBack, .disclosure, .moderated: decision = TranscriptRunner.describe(turn.decision)
        }
        var language = "language \(turn.language)"
        if let detected = turn.detectedLanguage { language += " (detected \(detected))" }
        var line = "  [debug] \(top) | \(decision) | \(language) | \(String(format: "%.2f", elapsed.seconds * 1000)) ms"
        if !turn.knowledgeCandidates.isEmpty {
            line += "\n  [debug] articles (threshold \(String(format: "%.2f", engine.bot.knowledge.threshold))): "
                + turn.knowledgeCandidates.prefix(3).map { "\($0.article) \(String(format: "%.2f", $0.score))" }.joined(separator: ", ")
        }
        var trust = "sentiment \(String(format: "%+.2f", turn.sentiment)), frustration \(String(format: "%.2f", turn.frustration))"
        if turn.offeredHuman { trust += " (human offered)" }
        if let verdict = turn.moderation {
            trust += " | moderation \(verdict.categories.map(\.rawValue).joined(separator: "+")) \(verdict.severity.rawValue) -> \(verdict.action.rawValue)"
                + (verdict.hide ? ", hide" : "") + " (list: \(verdict.terms.joined(separator: ", ")))"
        } else {
            trust += " | moderation: nothing flagged"
        }
        if !turn.personalData.isEmpty { trust += " | masked: \(turn.personalData.map(\.rawValue).joined(separator: ", "))" }
        line += "\n  [debug] " + trust
        if !turn.entities.isEmpty {
            let zone = engine.bot.timeZone
            line += "\n  [debug] entities: " + turn.entities.map { entity in
                "\(entity.name) \(entity.value.formatted(in: zone))" + (entity.text == entity.value.formatted(in: zone) ? "" : " from \"\(entity.text)\"") + " (\(entity.extractor))"
            }.joined(separator: ", ")
        }
        return line
    }

    private func command(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case "/help":
            for c in Self.commands {
                output("  \((c.name + (c.arguments.isEmpty ? "" : " " + c.arguments)).padding(toLength: 20, withPad: " ", startingAt: 0)) \(c.help)")
            }
        case "/rate":
            rate(argument)
        case "/debug":
            debug.toggle()
            output(style.dim("debug view \(debug ? "on" : "off")"))
        case "/reset":
            let language = conversation.languageIsFixed ? conversation.language : nil
            startConversation(language: language)
            output(style.dim("new conversation"))
        case "/reload":
            do {
                let loaded = try EngineLoader.load(botDirectory: botDirectory, store: store, variations: variations, logger: logger)
                for warning in loaded.warnings { printError(warning.rendered) }
                engine = loaded.engine
                if !engine.bot.languages.contains(conversation.language) {
                    conversation.language = engine.bot.defaultLanguage
                    conversation.languageIsFixed = false
                }
                if case .awaitingChoice(let options) = conversation.state, options.contains(where: { engine.bot.intent(named: $0) == nil }) {
                    conversation.state = .idle
                }
                conversations.replace(engine: engine)
                persist()
                let retrained = loaded.trained.isEmpty ? "no retraining needed" : "retrained \(loaded.trained.map(\.rawValue).joined(separator: ", "))"
                output(style.dim("reloaded \(engine.bot.name): \(engine.bot.intents.count) intents, \(retrained)"))
            } catch {
                report(error)
                printError("the bot was not reloaded; the previous version keeps running")
            }
        case "/lang":
            if argument.isEmpty {
                output(style.dim("language \(conversation.language) (\(conversation.languageIsFixed ? "fixed" : "detected from messages"))"))
            } else if setLanguage(argument) {
                output(style.dim(conversation.languageIsFixed ? "language fixed to \(conversation.language)" : "language detected from messages"))
            }
        case "/state":
            printState()
        case "/kb":
            searchKnowledge(argument)
        case "/handback":
            do {
                if let pending = try conversations.handBack(conversation: conversation.id) {
                    try conversations.commit(pending)
                    conversation = pending.conversation
                    recorder.recordHandBack(pending.turn)
                    printReplies(pending.turn)
                } else {
                    printError("the conversation is not with a human")
                }
            } catch {
                report(error)
            }
        case "/save":
            save(argument)
        case "/load":
            load(argument)
        case "/quit", "/exit":
            return false
        default:
            printError("unknown command \(parts[0]); /help lists the commands (to send a message starting with /, type it as //)")
        }
        return true
    }

    private func startConversation(language: LanguageCode?) {
        conversation = engine.startConversation(id: Self.newConversationID(), language: language, userName: userName)
        recorder = TranscriptRecorder(language: conversation.languageIsFixed ? conversation.language : nil)
        if language != nil || userName != nil { persist() }
    }

    /// Stores the conversation after a change made outside a turn (/lang, /load, /reload).
    private func persist() {
        do {
            try conversations.save(conversation)
        } catch {
            report(error)
        }
    }

    /// `/save NAME`: the conversation so far as a transcript whose expectations are the
    /// bot's actual replies.
    private func save(_ name: String) {
        guard !name.isEmpty else {
            printError("usage: /save NAME (writes \(transcriptsDirectory)/NAME.\(Transcript.fileExtension))")
            return
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "_-./".contains($0) }), !name.hasPrefix("."), !name.contains("..") else {
            printError("error: use letters, digits, '_', '-', '.' and '/' in the name")
            return
        }
        guard !recorder.isEmpty else {
            printError("error: nothing to save yet: the conversation has no messages")
            return
        }
        let file = name.hasSuffix(".\(Transcript.fileExtension)") ? name : "\(name).\(Transcript.fileExtension)"
        let path = "\(transcriptsDirectory)/\(file)"
        guard !FileManager.default.fileExists(atPath: path) else {
            printError("error: \(path) already exists; choose another name")
            return
        }
        let title = String((file as NSString).lastPathComponent.dropLast(Transcript.fileExtension.count + 1)).replacingOccurrences(of: "_", with: " ")
        let transcript = recorder.transcript(title: title, path: path, user: userName, seed: variations.seed ?? Transcript.defaultSeed)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try transcript.formatted().write(toFile: path, atomically: true, encoding: .utf8)
            output(style.dim("saved \(transcript.turns.count) turns to \(path); run it with: frontdesk test \(path)"))
        } catch {
            printError("error: \(path): cannot write: \(error.localizedDescription)")
        }
    }

    /// `/load FILE`: replays a transcript in a new conversation and shows where it diverges.
    private func load(_ path: String) {
        guard !path.isEmpty else {
            printError("usage: /load FILE")
            return
        }
        let transcript: Transcript
        do {
            transcript = try Transcript.read(path: path)
        } catch {
            report(error)
            return
        }
        variations = .seeded(transcript.seed)
        engine.variations = variations
        conversations.replace(engine: engine)
        let chooser = variations
        conversations.variations = { _ in chooser }
        startConversation(language: transcript.language.flatMap { engine.bot.languages.contains($0) ? $0 : nil })
        conversation.userName = transcript.user ?? userName
        output(style.dim("replaying \(path): \(transcript.title)"))
        var diverging = 0
        var clock = transcript.time ?? Transcript.defaultTime
        for step in transcript.steps {
            if case .time(let date, _) = step { clock = date }
            if case .language(let language, _) = step {
                recorder.recordLanguage(language)
            }
            let played = TranscriptRunner.play([step], engine: engine, conversation: &conversation, clock: clock)
            for turn in played {
                output("\(style.bold("you>")) \(turn.turn.customer)")
                recorder.record(customer: turn.turn.customer, turn: turn.actual, at: clock)
                printReplies(turn.actual)
                if !turn.failures.isEmpty {
                    diverging += 1
                    for failure in turn.failures {
                        output(FailureReport.lines(failure, in: turn, file: path, style: style).map { "  " + style.yellow("│") + " " + $0 }.joined(separator: "\n"))
                    }
                }
            }
        }
        persist()
        let turns = transcript.turns.count
        output(style.dim(diverging == 0 ? "all \(turns) turns as expected; the conversation goes on from here"
                                        : "\(diverging) of \(turns) turns diverge; the conversation goes on from here"))
    }

    /// `/kb QUERY`: the knowledge base's candidates in the conversation's language, and the
    /// passage the bot would quote.
    private func searchKnowledge(_ query: String) {
        guard !query.isEmpty else {
            printError("usage: /kb QUERY")
            return
        }
        guard let knowledge = engine.knowledge else {
            printError("this bot has no knowledge base")
            return
        }
        let result = knowledge.search(query, language: conversation.language, scope: .all, limit: Engine.knowledgeCandidates)
        guard let best = result.best else {
            output(style.dim("no article matches (language \(conversation.language))"))
            return
        }
        let threshold = engine.bot.knowledge.threshold
        for (index, hit) in result.candidates.enumerated() {
            let mark = hit.score >= threshold ? "" : "  (below the threshold \(String(format: "%.2f", threshold)))"
            output("\(index + 1). \(String(format: "%.3f", hit.score))  \(hit.article)  \(hit.title)\(mark)")
        }
        output(style.dim("passage of \(best.hit.article)" + (best.hit.url.map { " (\($0))" } ?? "") + ":"))
        for line in best.passage.split(separator: "\n", omittingEmptySubsequences: false) { output("  " + line) }
    }

    /// Fixes the language, or with "auto" lets it follow the customer's messages.
    func setLanguage(_ code: String) -> Bool {
        if code == "auto" {
            conversation.languageIsFixed = false
            recorder.recordLanguage(nil)
            persist()
            return true
        }
        let language = LanguageCode(code)
        guard engine.bot.languages.contains(language) else {
            printError("error: the bot does not speak '\(code)' (languages: \(engine.bot.languages.map(\.rawValue).joined(separator: ", ")), or auto)")
            return false
        }
        conversation.language = language
        conversation.languageIsFixed = true
        recorder.recordLanguage(language)
        persist()
        return true
    }
}
