extension String {
    /// The lines of a text file, split at any line break ("\n", "\r\n", "\r"), without a
    /// leading byte-order mark.
    public var sourceLines: [String] {
        let text = hasPrefix("\u{FEFF}") ? String(dropFirst()) : self
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }
}

/// A place in a source file. Lines and columns start at 1; columns count Unicode scalars.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a user's file, in the `file:line:column: error: message` form that
/// compilers use, optionally followed by the offending source line and a caret.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public let severity: Severity
    public let location: SourceLocation
    public let message: String
    /// The text of the line the location points at, when known.
    public let sourceLine: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, sourceLine: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:column: error: message`
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The description, then the source line and a caret under the column, when the line is known.
    public var rendered: String {
        guard let sourceLine else { return description }
        let prefix = sourceLine.unicodeScalars.prefix(max(0, location.column - 1))
        // Keep tabs so that the caret lines up under the same column in a terminal.
        let padding = String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " }))
        return "\(description)\n\(sourceLine)\n\(padding)^"
    }
}

/// The public error type of Frontdesk: a stable code for programs, a message for people,
/// and the diagnostics that led to it (for example every problem found in a bot's files).
public struct FrontdeskError: Error, Sendable, CustomStringConvertible {
    /// Stable codes; their raw values never change meaning.
    public enum Code: String, Sendable {
        /// The bot's files have errors; see `diagnostics`.
        case invalidBot = "invalid_bot"
        /// An input data file (training or test data) has a bad line; see `diagnostics`.
        case invalidData = "invalid_data"
        /// A file could not be read or written.
        case io = "io"
        /// The SQLite file could not be opened, migrated or written.
        case storage = "storage"
        /// A cached model could not be decoded (it is retrained).
        case corruptModel = "corrupt_model"
        /// A transcript (conversation test) is malformed; see `diagnostics`.
        case invalidTranscript = "invalid_transcript"
    }

    public let code: Code
    public let message: String
    public let diagnostics: [Diagnostic]

    public init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.isEmpty ? message : diagnostics.map(\.rendered).joined(separator: "\n")
    }
}
