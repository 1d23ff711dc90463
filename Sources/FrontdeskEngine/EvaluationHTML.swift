import Foundation
import FrontdeskCore

/// An evaluation report as one self-contained HTML5 page: no network, no external scripts,
/// styles or fonts. The summary, a confusion-matrix heat map and the two confidence
/// histograms as inline SVG, the most confused pairs, and a per-intent table sorted by
/// clicking its headers (a few lines of inline JavaScript).
///
/// The page is also well-formed XML (every element closed, attributes quoted, only the
/// predefined entities, no `<` or `&` in the script and style), so it can be checked with an
/// XML parser. Every text from the data (intent names, messages, the title) is escaped.
public enum EvaluationHTML {
    /// With more intents than this, the heat map shows the ones with the most errors only.
    public static let defaultHeatMapLimit = 30

    public static func render(
        _ report: EvaluationReport, title: String, subtitle: String = "", pairs: Int = 10,
        heatMapLimit: Int = defaultHeatMapLimit
    ) -> String {
        var html = HTMLPage.start(title: title, generator: "frontdesk eval", style: style)
        if !subtitle.isEmpty { html += "<p class=\"subtitle\">\(escape(subtitle))</p>\n" }
        html += summary(report)
        html += heatMap(report.details, limit: heatMapLimit)
        html += confusedPairs(report.details, pairs: pairs)
        html += confidence(report.details)
        html += intentTable(report.details)
        html += "<script>\(script)</script>\n</body>\n</html>\n"
        return html
    }

    /// Escapes text for element content and quoted attribute values (see `String.xmlEscaped`).
    public static func escape(_ text: String) -> String { text.xmlEscaped }

    /// The intents the heat map shows, by name: all of them, or the `limit` with the most
    /// errors (ties by name); and whether some were left out.
    public static func heatMapIntents(_ details: ClassificationReport, limit: Int) -> (intents: [IntentName], truncated: Bool) {
        let all = details.perIntent
        guard all.count > limit else { return (all.map(\.intent), false) }
        let chosen = all.sorted { $0.errors != $1.errors ? $0.errors > $1.errors : $0.intent < $1.intent }
            .prefix(limit).map(\.intent).sorted()
        return (chosen, true)
    }

    // MARK: - Parts

    private static func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
    private static func fixed(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    private static func summary(_ report: EvaluationReport) -> String {
        let d = report.details
        var rows: [(String, String)] = []
        if let folds = report.folds {
            rows.append(("Mode", "cross-validation, \(folds) stratified folds, seed \(report.seed ?? 0)"))
            rows.append(("Examples", "\(report.testExamples)"))
        } else {
            rows.append(("Mode", "train / test"))
            rows.append(("Training examples", "\(report.trainExamples)"))
            rows.append(("Test examples", "\(report.testExamples)"))
        }
        rows.append(("Intents", "\(report.intents)"))
        rows.append(("Accuracy", percent(report.accuracy)))
        rows.append(("Errors", "\(report.predictions.filter { !$0.isCorrect }.count)"))
        rows.append(("Macro precision / recall / F1", "\(fixed(d.macro.precision)) / \(fixed(d.macro.recall)) / \(fixed(d.macro.f1))"))
        rows.append(("Micro precision / recall / F1", "\(fixed(d.micro.precision)) / \(fixed(d.micro.recall)) / \(fixed(d.micro.f1))"))
        if let a = report.inScopeAccuracy { rows.append(("In-scope accuracy", percent(a))) }
        if let r = report.oosRecall { rows.append(("Out-of-scope recall", percent(r))) }
        if let oos = report.oosLabel { rows.append(("Out-of-scope label", oos.rawValue)) }
        rows.append(("Threshold", "\(report.threshold)"))
        if d.noIntent > 0 { rows.append(("Predicted as no intent", "\(d.noIntent)")) }
        rows.append(("Training time", "\(fixed(report.trainSeconds, 2)) s\(report.folds == nil ? "" : " (all folds)")"))
        rows.append(("Static word embeddings", report.embeddings ? "yes" : "no"))
        rows.append(("Intent names as examples", report.namesAsExamples ? "yes" : "no"))
        rows.append(("Time per message", "\(fixed(report.msPerMessage)) ms (p99 \(fixed(report.msP99)) ms)"))
        var html = "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<tbody>\n"
        for (name, value) in rows { html += "<tr><th scope=\"row\">\(escape(name))</th><td>\(escape(value))</td></tr>\n" }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private static func heatMap(_ details: ClassificationReport, limit: Int) -> String {
        let (intents, truncated) = heatMapIntents(details, limit: limit)
        var html = "<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n"
        guard !intents.isEmpty else { return html + "<p>No test messages.</p>\n</section>\n" }
        let total = details.perIntent.count
        html += "<p>Rows: the expected intent; columns: the predicted one. Green: right predictions; red: errors "
            + "(the darker, the more). Hover over a cell for its count.</p>\n"
        if truncated {
            html += "<p class=\"note\">\(total) intents: showing the \(intents.count) with the most errors only "
                + "(errors of other intents into or from them are not shown).</p>\n"
        }
        // Counts among the shown intents (and the no-intent column when there is one).
        var columns: [IntentName?] = intents
        let showNoIntent = details.noIntent > 0
        if showNoIntent { columns.append(nil) }
        let rowIndex = Dictionary(uniqueKeysWithValues: intents.enumerated().map { ($1, $0) })
        var cells: [[Int]] = Array(repeating: Array(repeating: 0, count: columns.count), count: intents.count)
        for metrics in details.perIntent { if let r = rowIndex[metrics.intent] { cells[r][r] = metrics.correct } }
        for pair in details.confusions {
            guard let r = rowIndex[pair.expected] else { continue }
            if let predicted = pair.predicted {
                if let c = rowIndex[predicted] { cells[r][c] = pair.count }
            } else if showNoIntent {
                cells[r][columns.count - 1] = pair.count
            }
        }
        var maxRight = 1, maxWrong = 1
        for r in cells.indices {
            for c in cells[r].indices {
                if r == c { maxRight = max(maxRight, cells[r][c]) } else { maxWrong = max(maxWrong, cells[r][c]) }
            }
        }
        let cell = 16
        let names = columns.map { ClassificationReport.display($0) }
        func short(_ name: String) -> String { name.count > 28 ? String(name.prefix(27)) + "…" : name }
        let labelWidth = min(200, max(40, (names.map { short($0).count }.max() ?? 0) * 7 + 8))
        let width = labelWidth + columns.count * cell + labelWidth / 2 + 10, height = labelWidth + intents.count * cell + 10
        html += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"confusion matrix\">\n"
        for (c, name) in names.enumerated() {
            let x = labelWidth + c * cell + cell / 2 + 4
            html += "<text class=\"col\" x=\"\(x)\" y=\"\(labelWidth - 4)\" transform=\"rotate(-60 \(x) \(labelWidth - 4))\">"
                + "<title>\(escape(name))</title>\(escape(short(name)))</text>\n"
        }
        for (r, intent) in intents.enumerated() {
            let y = labelWidth + r * cell
            html += "<text class=\"row\" x=\"\(labelWidth - 4)\" y=\"\(y + cell - 4)\"><title>\(escape(intent.rawValue))</title>\(escape(short(intent.rawValue)))</text>\n"
            for c in columns.indices {
                let count = cells[r][c]
                let x = labelWidth + c * cell
                var attributes = "x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\""
                if count == 0 {
                    html += "<rect \(attributes) class=\"empty\"/>\n"
                    continue
                }
                let right = r == c
                let opacity = 0.15 + 0.85 * Double(count) / Double(right ? maxRight : maxWrong)
                attributes += " fill=\"\(right ? "#1e8449" : "#c0392b")\" fill-opacity=\"\(fixed(opacity, 2))\""
                html += "<rect \(attributes)><title>\(escape(intent.rawValue)) → \(escape(names[c])): \(count)</title></rect>\n"
            }
        }
        return html + "</svg>\n</section>\n"
    }

    private static func confusedPairs(_ details: ClassificationReport, pairs: Int) -> String {
        var html = "<section id=\"pairs\">\n<h2>Most confused pairs</h2>\n"
        let shown = details.confusions.prefix(max(0, pairs))
        guard !shown.isEmpty else { return html + "<p>No errors.</p>\n</section>\n" }
        html += "<p>\(shown.count) of \(details.confusions.count) pairs, with up to \(ClassificationReport.examplesPerPair) messages each.</p>\n"
        html += "<table class=\"pairs\">\n<thead><tr><th>Count</th><th>Expected</th><th>Predicted</th><th>Messages</th></tr></thead>\n<tbody>\n"
        for pair in shown {
            html += "<tr><td class=\"num\">\(pair.count)</td><td>\(escape(pair.expected.rawValue))</td>"
                + "<td>\(escape(ClassificationReport.display(pair.predicted)))</td><td><ul>"
            for example in pair.examples { html += "<li>\(escape(example))</li>" }
            html += "</ul></td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    private static func confidence(_ details: ClassificationReport) -> String {
        var html = "<section id=\"confidence\">\n<h2>Confidence of the best intent</h2>\n"
        html += "<p>How many predictions fell in each confidence bin of 0.1, for right and for wrong predictions "
            + "(each chart has its own scale).</p>\n<div class=\"charts\">\n"
        html += histogram(details.correctConfidence, title: "Right predictions", color: "#1e8449")
        html += histogram(details.wrongConfidence, title: "Wrong predictions", color: "#c0392b")
        return html + "</div>\n</section>\n"
    }

    private static func histogram(_ counts: [Int], title: String, color: String) -> String {
        let width = 380, height = 220, left = 40, bottom = 30, top = 30
        let barWidth = (width - left - 10) / max(1, counts.count)
        let peak = max(1, counts.max() ?? 0)
        let plot = height - top - bottom
        let total = counts.reduce(0, +)
        var svg = "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">\n"
        svg += "<text class=\"title\" x=\"\(left)\" y=\"16\">\(escape(title)) (\(total))</text>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"#555\"/>\n"
        for (bin, count) in counts.enumerated() {
            let barHeight = Int((Double(count) / Double(peak) * Double(plot)).rounded())
            let x = left + bin * barWidth
            let y = height - bottom - barHeight
            svg += "<rect x=\"\(x + 2)\" y=\"\(y)\" width=\"\(barWidth - 4)\" height=\"\(barHeight)\" fill=\"\(color)\">"
                + "<title>\(ClassificationReport.binLabel(bin)): \(count)</title></rect>\n"
            svg += "<text class=\"count\" x=\"\(x + barWidth / 2)\" y=\"\(y - 3)\">\(count)</text>\n"
        }
        for tick in 0...counts.count {
            svg += "<text class=\"tick\" x=\"\(left + tick * barWidth)\" y=\"\(height - bottom + 14)\">"
                + "\(String(format: "%.1f", Double(tick) / Double(max(1, counts.count))))</text>\n"
        }
        return svg + "</svg>\n</figure>\n"
    }

    private static func intentTable(_ details: ClassificationReport) -> String {
        var html = "<section id=\"intents\">\n<h2>Per intent</h2>\n<p>Click a header to sort by it (again to reverse).</p>\n"
        html += "<table id=\"per-intent\" class=\"sortable\">\n<thead><tr>"
        let headers: [(String, String)] = [
            ("Intent", "text"), ("Precision", "number"), ("Recall", "number"), ("F1", "number"), ("Support", "number"),
            ("Predicted", "number"), ("Errors", "number"),
        ]
        for (name, type) in headers { html += "<th data-type=\"\(type)\" title=\"sort\">\(name)</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in details.perIntent {
            let name = escape(row.intent.rawValue)
            html += "<tr><td data-value=\"\(name)\">\(name)</td>"
            for value in [row.precision, row.recall, row.f1] {
                html += "<td class=\"num\" data-value=\"\(value)\">\(fixed(value))</td>"
            }
            for value in [row.support, row.predicted, row.errors] { html += "<td class=\"num\" data-value=\"\(value)\">\(value)</td>" }
            html += "</tr>\n"
        }
        html += "</tbody>\n<tfoot>\n"
        let total = details.perIntent.reduce(0) { $0 + $1.support }
        for (name, a) in [("macro average", details.macro), ("micro average", details.micro)] {
            html += "<tr><th scope=\"row\">\(name)</th><td class=\"num\">\(fixed(a.precision))</td><td class=\"num\">\(fixed(a.recall))</td>"
                + "<td class=\"num\">\(fixed(a.f1))</td><td class=\"num\">\(total)</td><td></td><td></td></tr>\n"
        }
        return html + "</tfoot>\n</table>\n</section>\n"
    }

    // No `<` or `&` in either (the page stays well-formed XML).
    private static let style = """

        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
        .subtitle, .note { color: #555; }
        table { border-collapse: collapse; }
        th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.sortable thead th { cursor: pointer; user-select: none; background: #f4f4f4; }
        table.sortable thead th[aria-sort=ascending]::after { content: " \\25B2"; }
        table.sortable thead th[aria-sort=descending]::after { content: " \\25BC"; }
        tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #ccc; }
        table.pairs ul { margin: 0; padding-left: 1.2em; }
        svg text { font-size: 10px; fill: #333; }
        svg.heatmap text.row { text-anchor: end; }
        svg.heatmap rect.empty { fill: #fafafa; stroke: #eee; stroke-width: 0.5; }
        svg.histogram text.count, svg.histogram text.tick { text-anchor: middle; }
        svg.histogram text.title { font-size: 12px; font-weight: bold; }
        .charts { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; }

        """

    private static let script = """

        document.querySelectorAll("table.sortable").forEach(function (table) {
          var headers = table.querySelectorAll("thead th");
          headers.forEach(function (th, column) {
            th.addEventListener("click", function () {
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              var numeric = th.getAttribute("data-type") === "number";
              var ascending = th.getAttribute("aria-sort") !== "ascending";
              headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
              th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              rows.sort(function (a, b) {
                var x = a.cells[column].getAttribute("data-value"), y = b.cells[column].getAttribute("data-value");
                var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
        });

        """
}
