import Foundation
import Testing

/// The planted twins are the shipped sources compiled again: each of their folders is a link to
/// the shipped module's folder of the same name, and nothing else. A folder added to Optimized or
/// PropertyCheck without its link would leave the twin (and so every planted-bug test) behind.
@Suite("Planted twins")
struct PlantedTwinTests {
    @Test("each twin links every folder of its module and holds nothing else", arguments: [
        ("Optimized", "OptimizedPlanted"), ("PropertyCheck", "PropertyCheckPlanted"),
    ])
    func linksEveryFolder(module: String, twin: String) throws {
        let files = FileManager.default
        let sources = Paths.repository.appendingPathComponent("Sources")
        let shipped = try files.contentsOfDirectory(atPath: sources.appendingPathComponent(module).path).sorted()
        let linked = try files.contentsOfDirectory(atPath: sources.appendingPathComponent(twin).path).sorted()
        #expect(linked == shipped, "\(twin) has \(linked), \(module) has \(shipped)")
        for name in shipped {
            var isFolder: ObjCBool = false
            _ = files.fileExists(atPath: sources.appendingPathComponent("\(module)/\(name)").path, isDirectory: &isFolder)
            #expect(isFolder.boolValue, "\(module)/\(name) is not a folder: the twin links folders only")
            let target = try? files.destinationOfSymbolicLink(atPath: sources.appendingPathComponent("\(twin)/\(name)").path)
            #expect(target == "../\(module)/\(name)", "\(twin)/\(name) should link to ../\(module)/\(name), links to \(target ?? "nothing")")
        }
    }
}
