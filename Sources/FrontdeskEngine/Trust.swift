import Foundation
import FrontdeskCore
import FrontdeskSafety

/// The moderation policy as a pure function: what the bot does about a flagged message,
/// given the bot's settings and what the conversation has seen so far.
public enum TrustPolicy {
    /// Stronger first: a caring reply goes before everything, ending before handing over.
    static let strength: [ModerationAction] = [.care, .end, .escalate, .warn, .calm, .none]

    /// The verdict on a message with these hits, updating the conversation's counters.
    /// A single borderline flag leads to nothing (it is only counted); a second one in the
    /// same conversation is acted on. A mention of self-harm always gets the caring reply.
    /// `warn` turns into `end` once the conversation has had `warningsBeforeEnd` warnings.
    public static func verdict(hits: [ModerationHit], settings: ModerationSettings, trust: inout TrustState,
                               humanHasIt: Bool = false) -> ModerationVerdict? {
        guard let severity = hits.map(\.severity).max() else { return nil }
        let categories = Array(Set(hits.map(\.category))).sorted()
        let acting = severity > .borderline || trust.borderline >= 1
        if severity == .borderline { trust.borderline += 1 }
        var actions: [ModerationAction] = []
        for hit in hits {
            if hit.category == .selfHarm {
                actions.append(settings.action(for: .selfHarm))
            } else if acting, hit.severity == severity || severity == .borderline {
                actions.append(settings.action(for: hit.category))
            }
        }
        var action = strength.first { actions.contains($0) } ?? .none
        if humanHasIt { action = .none }  // a human reads along and decides
        if action == .warn {
            if trust.warnings >= settings.warningsBeforeEnd { action = .end } else { trust.warnings += 1 }
        }
        if action != .none { trust.moderated = true }
        if action == .end { trust.ended = true }
        let hide = hits.contains { $0.severity > .borderline && settings.hide.contains($0.category) }
        return ModerationVerdict(categories: categories, severity: severity, action: action, hide: hide, terms: hits.map(\.term))
    }

    /// The domains of the URLs in the bot's variables: links to them are never spam.
    public static func ownDomains(of bot: Bot) -> Set<String> {
        var domains = bot.moderation.allowedDomains
        for value in bot.variables.values {
            guard let host = URLComponents(string: value.trimmingCharacters(in: .whitespaces))?.host?.lowercased(), host.contains(".") else { continue }
            domains.insert(host.hasPrefix("www.") ? String(host.dropFirst(4)) : host)
        }
        return domains
    }
}
