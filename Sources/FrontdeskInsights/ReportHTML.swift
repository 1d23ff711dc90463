import Foundation
import FrontdeskCore

/// The report as one self-contained HTML5 page for a support lead: key figures, then inline
/// SVG charts (messages and sentiment per day, top intents, hand-off reasons, moderation
/// categories) and tables. No script, no network: no external styles, fonts or images.
///
/// As the evaluation page, it is also well-formed XML (every element closed, attributes
/// quoted, only the predefined entities, no `<` or `&` in the style), and every text from the
/// store (messages, intent names, reasons) is escaped.
public enum ReportHTML {
    /// The per-day charts show at most this many days (the latest).
    public static let dayLimit = 120

    public static func render(_ report: Report, title: String = "Frontdesk: conversation report") -> String {
        var html = HTMLPage.start(title: title, generator: "frontdesk report", style: style)
        html += """
            <p class="subtitle">\(escape(report.periodDescription.prefix(1).uppercased() + report.periodDescription.dropFirst()))</p>

            """
        html += figures(report)
        html += perDay(report)
        html += section("intents", "Top intents (answered)",
                        intro: "Customer messages answered by each intent (\(report.answeredMessages) in all).",
                        bars(report.topIntents, total: report.answeredMessages, color: "#2e86c1", label: "top intents"), empty: report.topIntents.isEmpty,
                        emptyText: "No message was answered by an intent.")
        html += unanswered(report)
        html += section("handoffs", "Hand-offs by reason",
                        intro: "\(count(report.handoffs, "hand-off")) in \(count(report.handedOffConversations, "conversation")).",
                        bars(report.handoffReasons, total: report.handoffs, color: "#ca6f1e", label: "hand-off reasons"),
                        empty: report.handoffReasons.isEmpty, emptyText: "No conversation was handed off.")
        html += moderation(report)
        html += feedback(report)
        html += definitions
        html += "</body>\n</html>\n"
        return html
    }

    static func escape(_ text: some StringProtocol) -> String { String(text).xmlEscaped }

    private static func count(_ n: Int, _ word: String) -> String { Format.plural(n, word) }

    // MARK: - Parts

    private static func figures(_ r: Report) -> String {
        let cards: [(value: String, label: String, note: String)] = [
            ("\(r.conversations)", "conversations", "with a customer message"),
            ("\(r.customerMessages)", "customer messages", ""),
            (Format.percent(r.containment), "containment", "conversations never handed off"),
            (Format.percent(r.fallbackRate), "fallback rate", "\(r.fallbacks) of \(r.customerMessages) messages"),
            (Format.percent(r.handoffRate), "hand-off rate", count(r.handedOffConversations, "conversation")),
            (Format.percent(r.feedbackScore), "feedback score", "\(r.feedbackGood) good, \(r.feedbackBad) bad"),
            (r.meanSentiment.map { String(format: "%+.2f", $0) } ?? "–", "mean sentiment", "−1 negative … +1 positive"),
            ("\(r.frustrationOffers)", "human offered", "because of frustration"),
            ("\(r.moderatedMessages)", "moderated messages", "\(r.hiddenMessages) hidden"),
        ]
        var html = "<section id=\"figures\">\n<h2>Key figures</h2>\n<div class=\"cards\">\n"
        for card in cards {
            html += "<div class=\"card\"><div class=\"value\">\(escape(card.value))</div><div class=\"label\">\(escape(card.label))</div>"
                + (card.note.isEmpty ? "" : "<div class=\"note\">\(escape(card.note))</div>") + "</div>\n"
        }
        return html + "</div>\n</section>\n"
    }

    private static func section(_ id: String, _ title: String, intro: String, _ body: String, empty: Bool, emptyText: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(escape(title))</h2>\n"
            + (empty ? "<p>\(escape(emptyText))</p>\n" : "<p>\(escape(intro))</p>\n" + body)
            + "</section>\n"
    }

    private static func perDay(_ r: Report) -> String {
        var html = "<section id=\"days\">\n<h2>Per day</h2>\n"
        guard !r.days.isEmpty else { return html + "<p>No customer messages in this period.</p>\n</section>\n" }
        let days = Array(r.days.suffix(dayLimit))
        if days.count < r.days.count {
            html += "<p class=\"note\">The last \(days.count) of \(r.days.count) days.</p>\n"
        }
        html += "<div class=\"charts\">\n"
        html += dayBars(days)
        html += sentimentLine(days)
        return html + "</div>\n</section>\n"
    }

    /// Where a day's column is, and which days get a label (about eight).
    private static func dayAxis(_ count: Int) -> (width: Int, left: Int, step: Int, labelEvery: Int) {
        let left = 40
        let step = max(4, min(36, 640 / max(1, count)))
        // At least wide enough for the chart's title.
        return (max(380, left + step * count + 12), left, step, max(1, Int((Double(count) / 8).rounded(.up))))
    }

    private static func dayBars(_ days: [Report.Day]) -> String {
        let axis = dayAxis(days.count)
        let height = 220, top = 30, bottom = 40
        let plot = height - top - bottom
        let peak = max(1, days.map(\.messages).max() ?? 0)
        var svg = "<figure>\n<svg class=\"chart\" width=\"\(axis.width)\" height=\"\(height)\" viewBox=\"0 0 \(axis.width) \(height)\" "
            + "role=\"img\" aria-label=\"customer messages per day\">\n"
        svg += "<text class=\"title\" x=\"\(axis.left)\" y=\"16\">Customer messages per day</text>\n"
        svg += "<line x1=\"\(axis.left)\" y1=\"\(height - bottom)\" x2=\"\(axis.width - 8)\" y2=\"\(height - bottom)\" stroke=\"#555\"/>\n"
        svg += "<text class=\"tick end\" x=\"\(axis.left - 4)\" y=\"\(top + 4)\">\(peak)</text>\n"
        svg += "<text class=\"tick end\" x=\"\(axis.left - 4)\" y=\"\(height - bottom)\">0</text>\n"
        for (i, day) in days.enumerated() {
            let barHeight = Int((Double(day.messages) / Double(peak) * Double(plot)).rounded())
            let x = axis.left + i * axis.step
            svg += "<rect x=\"\(x + 1)\" y=\"\(height - bottom - barHeight)\" width=\"\(max(1, axis.step - 2))\" height=\"\(barHeight)\" fill=\"#2e86c1\">"
                + "<title>\(escape(day.day)): \(count(day.messages, "message")) in \(count(day.conversations, "conversation"))</title></rect>\n"
            if i % axis.labelEvery == 0 {
                svg += "<text class=\"tick\" x=\"\(x + axis.step / 2)\" y=\"\(height - bottom + 14)\">\(escape(String(day.day.dropFirst(5))))</text>\n"
            }
        }
        return svg + "</svg>\n</figure>\n"
    }

    private static func sentimentLine(_ days: [Report.Day]) -> String {
        let axis = dayAxis(days.count)
        let height = 220, top = 30, bottom = 40
        let plot = Double(height - top - bottom)
        func y(_ score: Double) -> Int { top + Int(((1 - max(-1, min(1, score))) / 2 * plot).rounded()) }
        var svg = "<figure>\n<svg class=\"chart\" width=\"\(axis.width)\" height=\"\(height)\" viewBox=\"0 0 \(axis.width) \(height)\" "
            + "role=\"img\" aria-label=\"mean sentiment per day\">\n"
        svg += "<text class=\"title\" x=\"\(axis.left)\" y=\"16\">Mean sentiment per day (−1 … +1)</text>\n"
        for (value, label) in [(1.0, "+1"), (0.0, "0"), (-1.0, "−1")] {
            svg += "<line x1=\"\(axis.left)\" y1=\"\(y(value))\" x2=\"\(axis.width - 8)\" y2=\"\(y(value))\" stroke=\"\(value == 0 ? "#555" : "#ddd")\"/>\n"
            svg += "<text class=\"tick end\" x=\"\(axis.left - 4)\" y=\"\(y(value) + 4)\">\(label)</text>\n"
        }
        // One polyline per run of days that have a score.
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"#8e44ad\" stroke-width=\"2\"/>\n" }
            run.removeAll()
        }
        for (i, day) in days.enumerated() {
            let x = axis.left + i * axis.step + axis.step / 2
            if let score = day.sentiment {
                run.append("\(x),\(y(score))")
            } else {
                flush()
            }
            if i % axis.labelEvery == 0 {
                svg += "<text class=\"tick\" x=\"\(x)\" y=\"\(height - bottom + 14)\">\(escape(String(day.day.dropFirst(5))))</text>\n"
            }
        }
        flush()
        for (i, day) in days.enumerated() {
            guard let score = day.sentiment else { continue }
            let x = axis.left + i * axis.step + axis.step / 2
            svg += "<circle cx=\"\(x)\" cy=\"\(y(score))\" r=\"3\" fill=\"\(score < 0 ? "#c0392b" : "#1e8449")\">"
                + "<title>\(escape(day.day)): \(String(format: "%+.2f", score)) over \(count(day.sentimentMessages, "message"))</title></circle>\n"
        }
        if days.allSatisfy({ $0.sentiment == nil }) {
            svg += "<text class=\"tick\" x=\"\(axis.width / 2)\" y=\"\(y(0) - 8)\">no sentiment recorded</text>\n"
        }
        return svg + "</svg>\n</figure>\n"
    }

    /// Horizontal bars, one per name, with its count and share of `total`.
    private static func bars(_ counts: [NamedCount], total: Int, color: String, label: String) -> String {
        guard !counts.isEmpty else { return "" }
        let labelWidth = 190, barWidth = 340, rowHeight = 22, top = 6
        let width = labelWidth + barWidth + 110, height = top + rowHeight * counts.count + 6
        let peak = max(1, counts.map(\.count).max() ?? 0)
        var svg = "<svg class=\"chart bars\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
            + "role=\"img\" aria-label=\"\(escape(label))\">\n"
        for (i, item) in counts.enumerated() {
            let y = top + i * rowHeight
            let length = max(1, Int((Double(item.count) / Double(peak) * Double(barWidth)).rounded()))
            let share = total > 0 ? " (\(Format.percent(Double(item.count) / Double(total))))" : ""
            svg += "<text class=\"name\" x=\"\(labelWidth - 6)\" y=\"\(y + 15)\"><title>\(escape(item.name))</title>\(escape(Format.clip(item.name, 30)))</text>\n"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" fill=\"\(color)\">"
                + "<title>\(escape(item.name)): \(item.count)\(escape(share))</title></rect>\n"
            svg += "<text class=\"count\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(item.count)\(escape(share))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func unanswered(_ r: Report) -> String {
        var html = "<section id=\"unanswered\">\n<h2>Top unanswered questions</h2>\n"
        guard !r.unanswered.isEmpty else { return html + "<p>No fallbacks in this period.</p>\n</section>\n" }
        html += "<p>Messages that got the fallback reply, grouped by similarity, the largest groups first. "
            + "<code>frontdesk inbox</code> lists them all, with low-confidence answers and bad ratings, and exports them as training data.</p>\n"
        html += "<table class=\"questions\">\n<thead><tr><th>Messages</th><th>Latest</th><th>Examples</th><th>Guessed intent</th></tr></thead>\n<tbody>\n"
        for question in r.unanswered {
            html += "<tr><td class=\"num\">\(question.count)</td><td>\(escape(Format.minute(question.latest, r.timeZone)))</td><td><ul>"
            for example in question.examples { html += "<li>\(escape(example))</li>" }
            html += "</ul></td><td>\(escape(question.guess ?? "–"))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private static func moderation(_ r: Report) -> String {
        var html = "<section id=\"moderation\">\n<h2>Moderation</h2>\n"
        guard r.moderatedMessages > 0 else { return html + "<p>No message was flagged.</p>\n</section>\n" }
        html += "<p>\(escape(count(r.moderatedMessages, "flagged message"))), \(r.hiddenMessages) of them hidden. "
            + "A message flagged in two categories counts in both.</p>\n"
        html += "<h3>By category</h3>\n" + bars(r.moderationCategories, total: r.moderatedMessages, color: "#c0392b", label: "moderation categories")
        html += "<h3>By action</h3>\n<table class=\"counts\">\n<thead><tr><th>Action</th><th>Messages</th></tr></thead>\n<tbody>\n"
        for action in r.moderationActions {
            html += "<tr><td>\(escape(action.name))</td><td class=\"num\">\(action.count)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private static func feedback(_ r: Report) -> String {
        var html = "<section id=\"feedback\">\n<h2>Feedback</h2>\n"
        let total = r.feedbackGood + r.feedbackBad
        guard total > 0 else { return html + "<p>No ratings in this period.</p>\n</section>\n" }
        let width = 480, good = Int((Double(r.feedbackGood) / Double(total) * Double(width)).rounded())
        html += "<p>\(r.feedbackGood) good and \(r.feedbackBad) bad ratings: a score of \(escape(Format.percent(r.feedbackScore))).</p>\n"
        html += "<svg class=\"chart\" width=\"\(width)\" height=\"24\" viewBox=\"0 0 \(width) 24\" role=\"img\" aria-label=\"good and bad ratings\">\n"
        html += "<rect x=\"0\" y=\"2\" width=\"\(good)\" height=\"20\" fill=\"#1e8449\"><title>good: \(r.feedbackGood)</title></rect>\n"
        html += "<rect x=\"\(good)\" y=\"2\" width=\"\(width - good)\" height=\"20\" fill=\"#c0392b\"><title>bad: \(r.feedbackBad)</title></rect>\n"
        return html + "</svg>\n</section>\n"
    }

    private static let definitions = """
        <section id="definitions">
        <h2>How the numbers are counted</h2>
        <ul>
        <li><b>Conversations</b>: those with at least one customer message in the period.</li>
        <li><b>Containment</b>: the share of those conversations that were never handed off (no hand-off to a human, no out-of-hours callback offer).</li>
        <li><b>Hand-off rate</b>: the share that were handed off; a conversation handed off twice counts once here, twice by reason.</li>
        <li><b>Fallback rate</b>: fallback replies per customer message.</li>
        <li><b>Feedback score</b>: good ratings divided by all ratings given in the period.</li>
        <li><b>Sentiment</b>: the mean score of the customer messages (−1 negative to +1 positive).</li>
        <li>Days are counted in the time zone shown at the top. Texts are shown as stored, with personal data masked.</li>
        </ul>
        </section>

        """

    // No `<` or `&` (the page stays well-formed XML).
    private static let style = """

        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { font-size: 1.05em; }
        .subtitle, .note { color: #555; }
        .cards { display: flex; flex-wrap: wrap; gap: 0.8em; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 10em; background: #fafafa; }
        .card .value { font-size: 1.6em; font-weight: bold; font-variant-numeric: tabular-nums; }
        .card .label { font-weight: bold; color: #333; }
        .card .note { font-size: 0.85em; }
        table { border-collapse: collapse; }
        th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
        thead th { background: #f4f4f4; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.questions ul { margin: 0; padding-left: 1.2em; }
        svg text { font-size: 11px; fill: #333; }
        svg text.title { font-size: 12px; font-weight: bold; }
        svg text.tick { text-anchor: middle; font-size: 10px; }
        svg text.end, svg.bars text.name { text-anchor: end; }
        .charts { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; }

        """
}
