@preconcurrency import CReadline
import Foundation

/// GNU readline with a history file that is appended after every line, so that nothing
/// typed is lost even if the process is killed; Tab completes slash commands; Ctrl-C clears
/// the line being typed.
final class LineEditor {
    private let historyPath: String
    static let historyLimit: Int32 = 2000

    init(historyPath: String, completions: [String]) {
        self.historyPath = historyPath
        completionWords = completions
        frontdesk_rl_set_readline_name("frontdesk")
        frontdesk_rl_set_completion(completeSlashCommand)
        frontdesk_rl_clear_line_on_sigint()
        using_history()
        let folder = (historyPath as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        if FileManager.default.fileExists(atPath: historyPath) {
            read_history(historyPath)
        } else {
            write_history(historyPath)
        }
    }

    /// The next line, or `nil` at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            append_history(1, historyPath)
            history_truncate_file(historyPath, Self.historyLimit)
        }
        return line
    }
}

/// Words offered by Tab at the start of a line. Set once, before readline runs; readline
/// calls back on the main thread only.
nonisolated(unsafe) private var completionWords: [String] = []
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0

private func completeSlashCommand(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    frontdesk_rl_set_no_default_completion()
    guard start == 0, let text, String(cString: text).hasPrefix("/") else { return nil }
    return rl_completion_matches(text, completionGenerator)
}

private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 {
        let prefix = text.map { String(cString: $0) } ?? ""
        completionMatches = completionWords.filter { $0.hasPrefix(prefix) }
        completionIndex = 0
    }
    guard completionIndex < completionMatches.count else { return nil }
    defer { completionIndex += 1 }
    return strdup(completionMatches[completionIndex])
}
