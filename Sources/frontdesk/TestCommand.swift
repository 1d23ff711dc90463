import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Logging

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay conversation tests (transcripts) against the bot.",
        discussion: """
            Each transcript runs in a fresh conversation with its own seed for reply variations \
            and its fixed clock. Prints one line per transcript and, for each failing turn, the \
            file and line, the expected and the actual reply with a word diff, and the intent \
            that led there. Exit status: 0 all passed, 1 some failed or none ran, 2 the bot or a \
            transcript has errors. The format is described in docs/transcripts.md.
            """)

    @Argument(help: ArgumentHelp("Transcript files or folders (searched for *.txt).", valueName: "path"))
    var paths: [String] = ["transcripts"]

    @OptionGroup var options: BotOptions

    @Option(name: .long, help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Run only transcripts whose title or path matches this regular expression.", valueName: "regex"))
    var filter: String?

    func validate() throws {
        if let filter, (try? NSRegularExpression(pattern: filter)) == nil {
            throw ValidationError("--filter is not a valid regular expression: \(filter)")
        }
    }

    func run() throws {
        options.logging.bootstrap()
        let logger = Logger(label: "frontdesk.test")
        let style = Style.forStandardOutput()
        let engine: Engine
        do {
            let store = try Store(path: options.db, logger: logger)
            engine = try EngineLoader.load(botDirectory: options.bot, store: store, variations: .first, logger: logger).engine
        } catch {
            report(error)
            throw ExitCode(2)
        }
        let files: [String]
        do {
            files = try TranscriptFiles.find(paths)
        } catch {
            report(error)
            throw ExitCode(2)
        }
        let regex = filter.flatMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
        let runner = TranscriptRunner(engine: engine)
        var cases: [JUnitReport.Case] = []
        var passed = 0, failed = 0, invalid = 0

        for file in files {
            let transcript: Transcript
            do {
                transcript = try Transcript.read(path: file)
            } catch {
                if let regex, !regex.matches(file) { continue }
                invalid += 1
                output("\(style.red("ERROR")) \(file)")
                report(error)
                cases.append(JUnitReport.Case(name: file, className: TranscriptFiles.className(file), file: file, seconds: 0,
                                              error: ("invalid transcript", error.diagnostics.map(\.description).joined(separator: "\n"))))
                continue
            }
            if let regex, !regex.matches(file), !regex.matches(transcript.title) { continue }
            let result = runner.run(transcript)
            let milliseconds = String(format: "%.0f ms", result.seconds * 1000)
            if result.passed {
                passed += 1
                output("\(style.green("PASS"))  \(file)  \(transcript.title) \(style.dim("(\(result.turns.count) turns, \(milliseconds))"))")
            } else {
                failed += 1
                output("\(style.red("FAIL"))  \(file)  \(transcript.title) \(style.dim("(\(result.turns.count) turns, \(milliseconds))"))")
                for (turn, failure) in result.failures {
                    output(FailureReport.lines(failure, in: turn, file: file, style: style).map { "      " + $0 }.joined(separator: "\n"))
                }
            }
            cases.append(JUnitReport.Case(
                name: transcript.title, className: TranscriptFiles.className(file), file: file, seconds: result.seconds,
                failures: result.failures.map { ("\(file):\($0.failure.line): \($0.failure.message)", FailureReport.lines($0.failure, in: $0.turn, file: file, style: Style(enabled: false)).joined(separator: "\n")) }))
        }

        let total = passed + failed + invalid
        var summary = "\(total) transcript\(total == 1 ? "" : "s"): \(passed) passed, \(failed) failed"
        if invalid > 0 { summary += ", \(invalid) invalid" }
        output(summary)
        if let junit {
            do {
                try JUnitReport.xml(suite: "frontdesk test", cases: cases).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                printError("error: \(junit): cannot write the JUnit report: \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if invalid > 0 { throw ExitCode(2) }
        if total == 0 {
            printError("error: no transcripts to run in \(paths.joined(separator: ", "))\(filter.map { " matching --filter \($0)" } ?? "")")
            throw ExitCode(1)
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

enum TranscriptFiles {
    /// The transcript files named by `paths` (folders are searched for `*.txt`), sorted.
    static func find(_ paths: [String]) throws(FrontdeskError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FrontdeskError(.io, "\(path): no such file or folder")
            }
            if isDirectory.boolValue {
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                let found = (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".\(Transcript.fileExtension)") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
                    .sorted()
                files += found.map { "\(base)/\($0)" }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// `transcripts/refund_de.txt` → `transcripts.refund_de`, for JUnit's classname.
    static func className(_ file: String) -> String {
        let withoutExtension = file.hasSuffix(".\(Transcript.fileExtension)") ? String(file.dropLast(Transcript.fileExtension.count + 1)) : file
        return withoutExtension.split(separator: "/").filter { $0 != "." }.joined(separator: ".")
    }
}

/// How a failing turn is shown to a person.
enum FailureReport {
    static func lines(_ failure: TurnFailure, in turn: PlayedTurn, file: String, style: Style) -> [String] {
        var lines = ["\(file):\(failure.line): \(failure.message)"]
        lines.append("  customer: \(turn.turn.customer)  \(style.dim("(line \(turn.turn.line))"))")
        if let expected = failure.expected { lines.append("  expected: \(expected)") }
        if let actual = failure.actual { lines.append("  actual:   \(actual)") }
        if let expected = failure.expected, let actual = failure.actual, failure.message == "the bot's reply differs" {
            let pieces = WordDiff.diff(expected, actual).map { piece -> String in
                switch piece {
                case .same(let s): return s
                case .removed(let s): return style.red("[-\(s)-]")
                case .added(let s): return style.green("{+\(s)+}")
                }
            }
            lines.append("  diff:     \(pieces.joined(separator: " "))")
        }
        lines.append("  led by:   \(TranscriptRunner.describe(turn.actual.decision)), language \(turn.actual.language)")
        return lines
    }
}

extension NSRegularExpression {
    func matches(_ text: String) -> Bool {
        firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
