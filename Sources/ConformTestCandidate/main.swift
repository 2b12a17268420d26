import Formats
import Foundation
import Optimized
import PropertyCheck
import Reference

// A program for Conform's own end-to-end tests, linked against the planted twins
// (OptimizedPlanted, PropertyCheckPlanted: the same sources compiled with CONFORM_MUTANTS).
//
// `conform-test-candidate worker` is the planted twin's supervised worker (`conform worker`'s
// protocol, where a request may name a planted bug): the supervision tests crash and hang it.
//
// Otherwise it is a candidate: Conform's optimized ops served over conform-candidate/1, with
// --mutant NAME planting one of the twin's planted bugs, or one switchable planted fault
// (--fault NAME; the first two through the twin's planted bugs):
//   padding-side   SAME puts the odd padding pixel at the start (conv2d, conv1d)
//   dropped-frame  frame with pad_end drops its last frame
//   crash-on-7     traps on a conv2d or frame input with an extent of 7
//   hang-on-7      never answers a request whose input has an extent of 7
//   exit-once      exits with status 3 on its first request ever (--marker FILE remembers it), then computes
//   garbage-hello  greets with something that is not a conform-candidate/1 hello
//   refuse-all     refuses every input
//   accept-invalid computes conv2d even when the reference rejects it (channels not divisible)
//   tf-depthwise   depthwise with stride and dilation computed the way tf.nn.depthwise_conv2d does:
//                  the strided convolution on each space-to-batch phase (a quirk, not a failure),
//                  and refusing unequal row and column strides (a known refusal, not a failure)
//   bad-dtypes     greets with a dtypes field that is not an object of dtype lists
//   malformed-KIND answers every request with its outputs malformed: KIND is rank-up (an extra
//                  axis of 1), rank-down (the last axis dropped), scalar, extent (the last axis one
//                  longer), empty (the first axis 0), dtype (another dtype) or nan (every value NaN);
//                  each takes them in turn, one request after another
// --ops a,b limits the ops it offers (default: conv1d, conv2d, frame); --name NAME names it in
// its hello (default test-candidate-FAULT; "tensorflow" makes it the report's live TensorFlow);
// --dtypes op:f8,op:f4 declares the input dtypes it computes (NumPy kinds, "<" implied) and makes
// it refuse any other, so a case Conform sends it anyway fails.
let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let fault = option("--fault") ?? "none"
let ops = (option("--ops") ?? "conv1d,conv2d,frame").split(separator: ",").map(String.init)

if arguments.dropFirst().first == "worker" {
    WorkerServer.serve()
    exit(0)
}

if fault == "garbage-hello" {
    print("hello, I am a candidate")
    exit(0)
}

let mutant: Mutant? = switch fault {
case "padding-side": .sameOddPixelAtStart
case "dropped-frame": .framePadEndFloor
default: option("--mutant").map { name in
    guard let planted = Mutant(rawValue: name) else { fatalError("no planted bug named \(name)") }
    return planted
}
}

// Top-level code runs in order: these must exist before the server starts.
let malformations = ["rank-up", "rank-down", "scalar", "extent", "empty", "dtype", "nan"]
nonisolated(unsafe) var requests = 0

func hasExtent7(_ inputs: [(String, AnyTensor)]) -> Bool { inputs.contains { $0.1.shape.contains(7) } }

// op → NumPy descrs, from --dtypes.
let declared: [String: [String]] = (option("--dtypes") ?? "").split(separator: ",").reduce(into: [:]) { table, item in
    let parts = item.split(separator: ":").map(String.init)
    if parts.count == 2 { table[parts[0], default: []].append("<" + parts[1]) }
}
let dtypes: JSONValue? = fault == "bad-dtypes" ? .string("all")
    : declared.isEmpty ? nil : .object(declared.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .string($0) })) })

Threading.count = 1
Mutants.with(mutant) {
    CandidateServer.serve(name: option("--name") ?? "test-candidate-\(fault)", version: "1", ops: ops, dtypes: dtypes) { op, attrs, inputs in
        if let allowed = declared[op], let other = inputs.first(where: { !allowed.contains($0.1.dtype.npyDescr) }) {
            throw OpError(op: op, field: other.0, expected: allowed.joined(separator: " or "), actual: other.1.dtype.npyDescr)
        }
        if fault == "crash-on-7" && hasExtent7(inputs) { fatalError("planted crash on an extent of 7") }
        if fault == "exit-once", let marker = option("--marker"), !FileManager.default.fileExists(atPath: marker) {
            FileManager.default.createFile(atPath: marker, contents: nil)
            exit(3)
        }
        if fault == "hang-on-7" && hasExtent7(inputs) { while true { sleep(1) } }
        if fault == "refuse-all" { throw OpError(op: op, field: "(all)", expected: "nothing", actual: "refused by the planted fault") }
        if fault == "accept-invalid", op == "conv2d", case let .float32(x)? = inputs.first(where: { $0.0 == "input" })?.1,
           case let .float32(f)? = inputs.first(where: { $0.0 == "filters" })?.1, x.shape.count == 4, f.shape.count == 4,
           x.shape[3] % max(f.shape[2], 1) != 0 {
            return ["output": .float32(try Tensor(shape: [1], scalars: [0]))]
        }
        if fault == "tf-depthwise", op == "depthwise_conv2d", let strides = attrs.first(where: { $0.0 == "strides" })?.1.array?.compactMap(\.int),
           strides.count == 2, strides[0] != strides[1] {
            throw OpError(op: op, field: "strides", expected: "equal row and column strides",
                          actual: "\(strides): current implementation only supports equal length strides in the row and column dimensions")
        }
        if fault == "tf-depthwise", op == "depthwise_conv2d",
           let strides = attrs.first(where: { $0.0 == "strides" })?.1.array?.compactMap(\.int),
           let dilations = attrs.first(where: { $0.0 == "dilations" })?.1.array?.compactMap(\.int),
           zip(strides, dilations).contains(where: { $0 > 1 && $1 > 1 }),
           let answer = try spaceToBatchDepthwise(attrs, inputs, strides: strides, dilations: dilations) {
            return ["output": .float32(answer)]
        }
        let answer = try CandidateServer.optimized(op, attrs, inputs)
        if fault.hasPrefix("malformed-") {
            var kind = String(fault.dropFirst("malformed-".count))
            if kind == "each" {
                kind = malformations[requests % malformations.count]
                requests += 1
            }
            return answer.mapValues { malformed($0, kind) }
        }
        return answer
    }
}

/// `t` made wrong in one way (`kind`), its values kept where the new shape has room for them.
func malformed(_ t: AnyTensor, _ kind: String) -> AnyTensor {
    let shape = t.shape
    let changed: [Int] = switch kind {
    case "rank-up": shape + [1]
    case "rank-down": Array(shape.dropLast())
    case "scalar": []
    case "extent": shape.isEmpty ? [2] : Array(shape.dropLast()) + [shape[shape.count - 1] + 1]
    case "empty": shape.isEmpty ? [0] : [0] + Array(shape.dropFirst())
    default: shape
    }
    func reshaped<S>(_ x: Tensor<S>, _ zero: S) -> Tensor<S> {
        let count = changed.reduce(1, *)
        let kept = Array(x.scalars.prefix(count))
        return try! Tensor(shape: changed, scalars: kept + Array(repeating: zero, count: count - kept.count))
    }
    switch (kind, t) {
    case let ("dtype", .float32(x)): return .float64(try! Tensor(shape: x.shape, scalars: x.scalars.map(Double.init)))
    case let ("dtype", .float64(x)): return .float32(try! Tensor(shape: x.shape, scalars: x.scalars.map(Float.init)))
    case let ("dtype", .float16(x)): return .float32(try! Tensor(shape: x.shape, scalars: x.scalars.map(Float.init)))
    case let ("dtype", .int64(x)): return .int32(try! Tensor(shape: x.shape, scalars: x.scalars.map { Int32(truncatingIfNeeded: $0) }))
    case let ("dtype", .int32(x)): return .int64(try! Tensor(shape: x.shape, scalars: x.scalars.map(Int64.init)))
    case let ("dtype", .bool(x)): return .int32(try! Tensor(shape: x.shape, scalars: x.scalars.map { $0 ? 1 : 0 }))
    case let ("nan", .float32(x)): return .float32(try! Tensor(shape: x.shape, scalars: x.scalars.map { _ in .nan }))
    case let ("nan", .float64(x)): return .float64(try! Tensor(shape: x.shape, scalars: x.scalars.map { _ in .nan }))
    case let ("nan", .float16(x)): return .float16(try! Tensor(shape: x.shape, scalars: x.scalars.map { _ in .nan }))
    case let (_, .float32(x)): return .float32(reshaped(x, 0))
    case let (_, .float64(x)): return .float64(reshaped(x, 0))
    case let (_, .float16(x)): return .float16(reshaped(x, 0))
    case let (_, .int32(x)): return .int32(reshaped(x, 0))
    case let (_, .int64(x)): return .int64(reshaped(x, 0))
    case let (_, .bool(x)): return .bool(reshaped(x, false))
    }
}

/// TensorFlow's `with_space_to_batch` route, step by step: pad by the base padding plus what makes
/// each axis a multiple of the dilation, split into dilation² phases, run the strided VALID
/// convolution on each phase, interleave the phases and crop the extra. nil when the geometry
/// leaves nothing (the ordinary path then answers or refuses).
func spaceToBatchDepthwise(_ attrs: [(String, JSONValue)], _ inputs: [(String, AnyTensor)], strides: [Int], dilations: [Int]) throws -> Tensor<Float>? {
    guard case let .float32(x)? = inputs.first(where: { $0.0 == "input" })?.1, case let .float32(f)? = inputs.first(where: { $0.0 == "filter" })?.1,
          x.shape.count == 4, f.shape.count == 4, strides.count == 2, dilations.count == 2 else { return nil }
    let (n, c) = (x.shape[0], x.shape[3])
    var before = [0, 0], after = [0, 0]
    switch attrs.first(where: { $0.0 == "padding" })?.1 {
    case .string("SAME")?:
        for a in 0..<2 { let total = (f.shape[a] - 1) * dilations[a]; (before[a], after[a]) = (total / 2, total - total / 2) }
    case let .array(pairs)?:
        let p = pairs.compactMap { $0.array?.compactMap(\.int) }
        guard p.count == 2, p.allSatisfy({ $0.count == 2 }) else { return nil }
        for a in 0..<2 { (before[a], after[a]) = (p[a][0], p[a][1]) }
    default: break
    }
    var extra = [0, 0], padded = [0, 0]
    for a in 0..<2 {
        let size = x.shape[a + 1] + before[a] + after[a]
        extra[a] = (dilations[a] - size % dilations[a]) % dilations[a]
        padded[a] = size + extra[a]
    }
    let (r, s) = (dilations, strides)
    let phase = [padded[0] / r[0], padded[1] / r[1]]
    guard phase[0] >= f.shape[0], phase[1] >= f.shape[1] else { return nil }
    let kept = [(phase[0] - f.shape[0]) / s[0] + 1, (phase[1] - f.shape[1]) / s[1] + 1]
    let whole = [kept[0] * r[0], kept[1] * r[1]]
    var interleaved = [Float](repeating: 0, count: n * whole[0] * whole[1] * c * f.shape[3])
    let phaseAttrs = attrs.map { key, value -> (String, JSONValue) in
        switch key {
        case "padding": (key, .string("VALID"))
        case "dilations": (key, .array([JSONValue(1), JSONValue(1)]))
        default: (key, value)
        }
    }
    for p in 0..<r[0] {
        for q in 0..<r[1] {
            var sub = [Float]()
            for b in 0..<n {
                for i in 0..<phase[0] {
                    for j in 0..<phase[1] {
                        let (y, z) = (i * r[0] + p - before[0], j * r[1] + q - before[1])
                        for ch in 0..<c {
                            let inside = y >= 0 && y < x.shape[1] && z >= 0 && z < x.shape[2]
                            sub.append(inside ? x.scalars[((b * x.shape[1] + y) * x.shape[2] + z) * c + ch] : 0)
                        }
                    }
                }
            }
            let phaseInput = try Tensor(shape: [n, phase[0], phase[1], c], scalars: sub)
            let phaseInputs = inputs.map { $0.0 == "input" ? ($0.0, AnyTensor.float32(phaseInput)) : $0 }
            guard case let .float32(out)? = try CandidateServer.optimized("depthwise_conv2d", phaseAttrs, phaseInputs)["output"] else { return nil }
            let oc = out.shape[3]
            for b in 0..<n {
                for m in 0..<kept[0] {
                    for l in 0..<kept[1] {
                        for ch in 0..<oc {
                            interleaved[((b * whole[0] + m * r[0] + p) * whole[1] + l * r[1] + q) * oc + ch] = out.scalars[((b * kept[0] + m) * kept[1] + l) * oc + ch]
                        }
                    }
                }
            }
        }
    }
    let oc = c * f.shape[3]
    let (h, w) = (whole[0] - extra[0], whole[1] - extra[1])
    guard h > 0, w > 0 else { return nil }
    var cropped = [Float]()
    for b in 0..<n { for i in 0..<h { for j in 0..<w { for ch in 0..<oc { cropped.append(interleaved[((b * whole[0] + i) * whole[1] + j) * oc + ch]) } } } }
    return try Tensor(shape: [n, h, w, oc], scalars: cropped)
}
