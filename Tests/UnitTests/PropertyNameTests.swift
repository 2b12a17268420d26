import PropertyCheck
import Testing

/// A candidate's failures of the differential law are named after it, and those names replay.
@Suite("Property names")
struct PropertyNameTests {
    @Test("the differential law takes the candidate's name; other laws keep theirs; every reported name resolves back")
    func reportedNames() throws {
        #expect(Properties.reportedName("conv2d/optimized-vs-reference", candidate: "my-ops") == "conv2d/my-ops-vs-reference")
        #expect(Properties.reportedName("conv2d/optimized-vs-reference", candidate: nil) == "conv2d/optimized-vs-reference")
        #expect(Properties.reportedName("conv2d/invalid-input-raises", candidate: "my-ops") == "conv2d/invalid-input-raises")
        // Not a plain word, or a law's own name: the generic name.
        for odd in ["python3 candidates/x.py", "", "a/b", "other-variant", "every-variant", "naïve"] {
            #expect(Properties.reportedName("frame/optimized-vs-reference", candidate: odd) == "frame/candidate-vs-reference", "\(odd)")
        }
        for property in Properties.all {
            for name in ["my-ops", "tensorflow", "x"] {
                let reported = Properties.reportedName(property.name, candidate: name)
                #expect(Properties.named(reported)?.name == property.name, "\(reported)")
            }
        }
        #expect(Properties.named("conv2d/no-such-law") == nil)
        #expect(Properties.named("nosuchop/x-vs-reference") == nil)
    }
}
