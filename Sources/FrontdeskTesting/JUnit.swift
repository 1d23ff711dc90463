import Foundation

/// JUnit XML, which CI systems (GitLab, Jenkins, GitHub actions with a reporter) show as test results.
public enum JUnitReport {
    /// One test case: a transcript that ran (with its failures) or could not be read.
    public struct Case: Sendable {
        public let name: String
        public let className: String
        public let file: String
        public let seconds: Double
        /// Failure messages with their details; empty when it passed.
        public let failures: [(message: String, details: String)]
        /// Set when the transcript could not be run at all.
        public let error: (message: String, details: String)?

        public init(name: String, className: String, file: String, seconds: Double,
                    failures: [(message: String, details: String)] = [], error: (message: String, details: String)? = nil) {
            self.name = name
            self.className = className
            self.file = file
            self.seconds = seconds
            self.failures = failures
            self.error = error
        }
    }

    public static func xml(suite: String, cases: [Case]) -> String {
        let failures = cases.filter { $0.error == nil && !$0.failures.isEmpty }.count
        let errors = cases.filter { $0.error != nil }.count
        let time = String(format: "%.3f", cases.map(\.seconds).reduce(0, +))
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(time)\">\n"
        out += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(time)\">\n"
        for c in cases {
            let attributes = "classname=\"\(escape(c.className))\" name=\"\(escape(c.name))\" file=\"\(escape(c.file))\" time=\"\(String(format: "%.3f", c.seconds))\""
            if let error = c.error {
                out += "    <testcase \(attributes)>\n      <error message=\"\(escape(error.message))\">\(escape(error.details))</error>\n    </testcase>\n"
            } else if c.failures.isEmpty {
                out += "    <testcase \(attributes)/>\n"
            } else {
                out += "    <testcase \(attributes)>\n"
                for failure in c.failures {
                    out += "      <failure message=\"\(escape(failure.message))\">\(escape(failure.details))</failure>\n"
                }
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Escapes text for XML content and attributes (see `String.xmlEscaped`).
    static func escape(_ text: String) -> String { text.xmlEscaped }
}
