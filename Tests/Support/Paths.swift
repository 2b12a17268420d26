import Foundation

/// Where the repository and the built products are, for tests that read fixtures or run the CLI.
enum Paths {
    /// The package's root: the nearest folder above this file with a Package.swift (each test
    /// target compiles this file through its own `Support` link, at its own depth).
    static let repository: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()
    static let fixtures = repository.appendingPathComponent("fixtures/tensorflow")

    /// The folder holding the test runner, and beside it the `conform` executable.
    static var products: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// A fresh temporary folder.
    static func temporary(_ name: String = "conform-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
