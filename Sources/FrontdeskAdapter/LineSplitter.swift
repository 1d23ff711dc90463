/// Cuts a byte stream into lines as it arrives, numbering them from 1. A line longer than the
/// limit is not kept: its bytes are counted and dropped as they come, so a 1 GB line costs no
/// more memory than a short one. A trailing `\r` (CRLF) is removed.
public struct LineSplitter: Sendable {
    public enum Item: Equatable, Sendable {
        /// A complete line, without its line break.
        case line(bytes: [UInt8], number: Int)
        /// A line over the limit, skipped; `bytes` is its length.
        case tooLong(number: Int, bytes: Int)
    }

    /// The longest line kept, in bytes (without the line break).
    public let limit: Int
    private var buffer: [UInt8] = []
    private var skipping = false
    private var skipped = 0
    /// The last byte counted while skipping (a CR before the LF is not part of the line).
    private var lastSkipped: UInt8 = 0
    /// The number of the line being read.
    public private(set) var lineNumber = 1

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Feeds the next bytes of the stream; calls `emit` for every line they complete.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (Item) throws -> Void) rethrows {
        var start = 0
        while start < chunk.count {
            let newline = chunk[start...].firstIndex(of: 0x0A)
            let end = newline ?? chunk.count
            take(UnsafeBufferPointer(rebasing: chunk[start..<end]))
            guard let newline else { return }
            try emit(finishLine())
            start = newline + 1
        }
    }

    /// Feeds bytes from an array (for tests and small inputs).
    public mutating func feed(_ bytes: [UInt8], emit: (Item) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { try feed($0, emit: emit) }
    }

    /// The end of the stream: a last line without a line break, if there is one.
    public mutating func finish() -> Item? {
        guard skipping || !buffer.isEmpty else { return nil }
        return finishLine()
    }

    private mutating func take(_ bytes: UnsafeBufferPointer<UInt8>) {
        if skipping {
            skipped += bytes.count
            if let last = bytes.last { lastSkipped = last }
        } else if buffer.count + bytes.count > limit + 1 {  // + 1: room for a CR before the LF
            skipping = true
            skipped = buffer.count + bytes.count
            lastSkipped = bytes.last ?? buffer.last ?? 0
            buffer.removeAll(keepingCapacity: false)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func finishLine() -> Item {
        defer { lineNumber += 1 }
        if skipping {
            let length = lastSkipped == 0x0D ? skipped - 1 : skipped
            skipping = false
            skipped = 0
            return .tooLong(number: lineNumber, bytes: length)
        }
        if buffer.last == 0x0D { buffer.removeLast() }
        if buffer.count > limit {
            let length = buffer.count
            buffer.removeAll(keepingCapacity: true)
            return .tooLong(number: lineNumber, bytes: length)
        }
        let line = buffer
        buffer.removeAll(keepingCapacity: true)
        return .line(bytes: line, number: lineNumber)
    }
}
