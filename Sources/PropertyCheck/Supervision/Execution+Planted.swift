import Formats
import Optimized

extension Execution {
    /// The planted bug in force as fields of a worker request; none outside the planted twin.
    var plantedFields: [(String, JSONValue)] {
        #if CONFORM_MUTANTS
        mutant.map { [("mutant", .string($0.rawValue))] } ?? []
        #else
        []
        #endif
    }

    /// Runs `body` with the planted bug a worker request names. The shipped worker has none to
    /// plant and refuses a request that names one rather than run it unplanted.
    ///
    /// - Throws: `FixtureError` for a name that is no planted bug of this build, or what `body` throws.
    static func planting<R>(_ request: JSONValue, _ body: () throws -> R) throws -> R {
        guard let name = request["mutant"]?.string else { return try body() }
        #if CONFORM_MUTANTS
        if let mutant = Mutant(rawValue: name) { return try Mutants.with(mutant, body) }
        #endif
        throw FixtureError(.invalidInput, file: "(worker)", field: "mutant", expected: "a planted bug of the test-only planted twin",
                           actual: name)
    }
}
