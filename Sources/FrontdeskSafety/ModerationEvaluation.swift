import Foundation
import FrontdeskCore

/// Precision and recall of moderation on labelled messages (`frontdesk moderation eval`).
public enum ModerationEvaluation {
    /// A labelled message: `label` is a category, or nil for a message that is fine, or
    /// `.any` for one labelled only "offensive" (any category).
    public struct Example: Sendable, Equatable {
        public let text: String
        public let label: Label
        public init(text: String, label: Label) {
            self.text = text
            self.label = label
        }
    }

    public enum Label: Sendable, Equatable {
        case none
        case offensive
        case category(ModerationCategory)

        /// Reads a label as datasets write it: a category name (`insult`, `self_harm`, ...),
        /// a generic offensive label (`offensive`, `OFF`, `OFFENSE`, `abusive`, `toxic`,
        /// `hate`...), or a clean one (`none`, `NOT`, `OTHER`, `clean`, `normal`, `0`).
        public init?(_ text: String) {
            let folded = text.lowercased().trimmingCharacters(in: .whitespaces)
            if let category = ModerationCategory(rawValue: folded) ?? (folded == "sexual harassment" ? .sexualHarassment : folded == "self-harm" ? .selfHarm : nil) {
                self = .category(category)
            } else if ["offensive", "off", "offense", "abusive", "abuse", "toxic", "profane", "1", "true", "yes"].contains(folded) {
                self = .offensive
            } else if ["none", "not", "other", "clean", "normal", "neither", "ok", "0", "false", "no"].contains(folded) {
                self = .none
            } else {
                return nil
            }
        }
    }

    public struct Score: Sendable, Equatable {
        public var truePositives = 0, falsePositives = 0, falseNegatives = 0
        public var support: Int { truePositives + falseNegatives }
        public var precision: Double? { truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double? { support == 0 ? nil : Double(truePositives) / Double(support) }
        public var f1: Double? {
            guard let p = precision, let r = recall, p + r > 0 else { return nil }
            return 2 * p * r / (p + r)
        }
    }

    public struct Report: Sendable, Equatable {
        /// Flagged at all (any category) against labelled offensive (any category).
        public var any = Score()
        /// Per category, over the messages labelled with a category or as fine.
        public var categories: [ModerationCategory: Score] = [:]
        public var messages = 0
        /// Messages labelled fine that were flagged, with their categories (for a look).
        public var falseAlarms: [(text: String, categories: [ModerationCategory])] = []
        public var misses: [String] = []

        public static func == (a: Report, b: Report) -> Bool {
            a.any == b.any && a.categories == b.categories && a.messages == b.messages
        }
    }

    /// Scores `moderator` on `examples`. A message counts as flagged when a hit is at least
    /// `minimum` severe (`clear` by default: a borderline word alone leads to nothing).
    public static func run(_ examples: [Example], moderator: Moderator, minimum: ModerationSeverity = .clear) -> Report {
        var report = Report()
        for example in examples {
            report.messages += 1
            let flagged = Set(moderator.assess(example.text).filter { $0.severity >= minimum }.map(\.category))
            let positive = example.label != .none
            switch (positive, !flagged.isEmpty) {
            case (true, true): report.any.truePositives += 1
            case (false, true):
                report.any.falsePositives += 1
                if report.falseAlarms.count < 50 { report.falseAlarms.append((example.text, flagged.sorted())) }
            case (true, false):
                report.any.falseNegatives += 1
                if report.misses.count < 50 { report.misses.append(example.text) }
            case (false, false): break
            }
            if case .offensive = example.label { continue }  // no category to score against
            for category in ModerationCategory.allCases {
                let labelled = example.label == .category(category)
                let hit = flagged.contains(category)
                guard labelled || hit else { continue }
                var score = report.categories[category] ?? Score()
                if labelled && hit { score.truePositives += 1 } else if hit { score.falsePositives += 1 } else { score.falseNegatives += 1 }
                report.categories[category] = score
            }
        }
        return report
    }
}
