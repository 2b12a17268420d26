import Formats
import Foundation
import Reference

/// Writes a report's files: `REPORT.md`, `report.json`, `report.html` and one CSV per table.
///
/// Everything is rendered in memory first; each file is then written to a temporary name and
/// renamed over the old one, so a crash leaves every previous file whole.
public enum ReportWriter {
    /// The file names a report consists of.
    public static let files = ["REPORT.md", "report.json", "report.html", "discrepancies.csv", "performance.csv", "campaign.csv", "paths.csv", "quirks.csv"]

    public static func write(_ report: ReportData, to directory: URL) throws {
        var contents: [(String, String)] = [
            ("REPORT.md", Markdown.render(report)),
            ("report.json", ReportJSON.render(report).serialized(indent: 1) + "\n"),
            ("report.html", HTMLReport.render(report)),
        ]
        for table in report.tables { contents.append(("\(table.name).csv", CSV.render(table))) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in contents {
            try OutputFile.write(Data(text.utf8), to: directory.appendingPathComponent(name))
        }
    }
}
