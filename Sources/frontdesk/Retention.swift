import Foundation
import FrontdeskCore
import FrontdeskStore
import Logging

/// The bot's retention setting (`privacy: retention_days`), applied when `chat` and `jsonl`
/// start and, in a long-running `jsonl`, every hour: conversations idle for longer are deleted.
struct Retention {
    let days: Int?
    let store: Store
    let logger: Logger
    private(set) var lastRun: Date?

    init(bot: Bot, store: Store, logger: Logger) {
        self.days = bot.privacy.retentionDays
        self.store = store
        self.logger = logger
    }

    /// Purges when due (at once the first time, then hourly). A failure is logged, not fatal:
    /// the conversations stay until the next run.
    mutating func applyIfDue(now: Date = Date()) {
        guard let days, lastRun.map({ now.timeIntervalSince($0) >= 3600 }) ?? true else { return }
        lastRun = now
        do {
            let report = try store.purge(inactiveBefore: now.addingTimeInterval(-Double(days) * 86_400))
            if !report.conversations.isEmpty {
                logger.notice("retention: deleted conversations idle for more than \(days) days",
                              metadata: ["conversations": "\(report.conversations.count)", "events": "\(report.events)", "feedback": "\(report.feedback)"])
            }
        } catch {
            logger.error("retention: could not delete old conversations", metadata: ["error": "\(error.message)"])
        }
    }
}
