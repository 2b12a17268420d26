import Dispatch
import Formats
import Foundation
import Optimized
import Reference

/// The program side of `conform-candidate/1` (docs/CANDIDATES.md), for any Swift computation: `conform
/// candidate` serves Conform's own optimized ops through it (so a crash in them ends like a crash
/// in anyone's program), and the test candidate serves planted faults.
public enum CandidateServer {
    /// Computes one case's outputs by name; throws to refuse the input (`ok: false`).
    public typealias Compute = (_ op: String, _ attrs: [(String, JSONValue)], _ inputs: [(String, AnyTensor)]) throws -> [String: AnyTensor]

    /// Writes the hello (with `dtypes`, the input dtypes per op when not all), then answers
    /// requests until stdin closes.
    public static func serve(name: String, version: String, ops: [String], dtypes: JSONValue? = nil, compute: Compute) {
        var hello: [(String, JSONValue)] = [("protocol", .string("conform-candidate/1")), ("name", .string(name)), ("version", .string(version)),
                                            ("ops", .array(ops.map { .string($0) }))]
        if let dtypes { hello.append(("dtypes", dtypes)) }
        emit(.object(hello))
        while let line = readLine(strippingNewline: true) {
            guard let request = try? JSONParser.parse(line), let id = request["id"]?.int else {
                emit(.object([("id", .null), ("ok", .bool(false)), ("error", .string("not a request"))]))
                continue
            }
            emit(answer(request, id: id, compute: compute))
        }
    }

    static func answer(_ request: JSONValue, id: Int, compute: Compute) -> JSONValue {
        func refuse(_ why: String) -> JSONValue { .object([("id", JSONValue(id)), ("ok", .bool(false)), ("error", .string(why))]) }
        guard let op = request["op"]?.string, let attrs = request["attrs"]?.object, let inputFiles = request["inputs"]?.object,
              let outputFiles = request["outputs"]?.object else { return refuse("a request needs op, attrs, inputs and outputs") }
        var inputs = [(String, AnyTensor)]()
        for (name, path) in inputFiles {
            guard let file = path.string, let bytes = FileManager.default.contents(atPath: file), let t = try? NPY.decode([UInt8](bytes)) else {
                return refuse("cannot read input \(name)")
            }
            inputs.append((name, t))
        }
        let repeats = request["kind"]?.string == "time" ? max(1, request["repeat"]?.int ?? 1) : 0
        var outputs = [String: AnyTensor]()
        var seconds = [Double]()
        do {
            outputs = try compute(op, attrs, inputs)
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                outputs = try compute(op, attrs, inputs)
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        } catch {
            return refuse("\(error)")
        }
        for (name, path) in outputFiles {
            guard let file = path.string, let t = outputs[name] else { return refuse("no output named \(name)") }
            guard (try? Data(NPY.encode(t)).write(to: URL(fileURLWithPath: file))) != nil else { return refuse("cannot write \(file)") }
        }
        var reply: [(String, JSONValue)] = [("id", JSONValue(id)), ("ok", .bool(true))]
        if repeats > 0 { reply.append(("seconds", .array(seconds.map { JSONValue($0) }))) }
        return .object(reply)
    }

    static func emit(_ json: JSONValue) {
        FileHandle.standardOutput.write(Data((json.description + "\n").utf8))
    }

    /// Conform's optimized ops as a candidate: each case decoded through the op table.
    public static func optimized(_ op: String, _ attrs: [(String, JSONValue)], _ inputs: [(String, AnyTensor)]) throws -> [String: AnyTensor] {
        let prepared = try GeneratedCase(op: op, attrs: attrs, inputs: inputs).prepare()
        guard let run = prepared.optimized else { throw OpError(op: op, field: "(op)", expected: "an optimized op", actual: "none") }
        return try run()
    }
}
