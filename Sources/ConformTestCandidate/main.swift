import Foundation
import Optimized
import PropertyCheck
import Reference
import Report

// A candidate program for Conform's own end-to-end tests: Conform's optimized ops served over
// conform-candidate/1, with one switchable planted fault (--fault NAME; debug builds plant the
// semantic ones through Conform's mutants):
//   padding-side   SAME puts the odd padding pixel at the start (conv2d, conv1d)
//   dropped-frame  frame with pad_end drops its last frame
//   crash-on-7     traps on a conv2d or frame input with an extent of 7
//   hang-on-7      never answers a request whose input has an extent of 7
//   garbage-hello  greets with something that is not a conform-candidate/1 hello
//   refuse-all     refuses every input
//   accept-invalid computes conv2d even when the reference rejects it (channels not divisible)
//   tf-depthwise   depthwise with stride and dilation returns consecutive rows and columns of the
//                  stride-1 dilated output, as TensorFlow's known quirk does (a quirk, not a failure)
// --ops a,b limits the ops it offers (default: conv1d, conv2d, frame).
let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let fault = option("--fault") ?? "none"
let ops = (option("--ops") ?? "conv1d,conv2d,frame").split(separator: ",").map(String.init)

if fault == "garbage-hello" {
    print("hello, I am a candidate")
    exit(0)
}

let mutant: Mutant? = switch fault {
case "padding-side": .sameOddPixelAtStart
case "dropped-frame": .framePadEndFloor
default: nil
}

func hasExtent7(_ inputs: [(String, AnyTensor)]) -> Bool { inputs.contains { $0.1.shape.contains(7) } }

Threading.count = 1
Mutants.with(mutant) {
    CandidateServer.serve(name: "test-candidate-\(fault)", version: "1", ops: ops) { op, attrs, inputs in
        if fault == "crash-on-7" && hasExtent7(inputs) { fatalError("planted crash on an extent of 7") }
        if fault == "hang-on-7" && hasExtent7(inputs) { while true { sleep(1) } }
        if fault == "refuse-all" { throw OpError(op: op, field: "(all)", expected: "nothing", actual: "refused by the planted fault") }
        if fault == "accept-invalid", op == "conv2d", case let .float32(x)? = inputs.first(where: { $0.0 == "input" })?.1,
           case let .float32(f)? = inputs.first(where: { $0.0 == "filters" })?.1, x.shape.count == 4, f.shape.count == 4,
           x.shape[3] % max(f.shape[2], 1) != 0 {
            return ["output": .float32(try Tensor(shape: [1], scalars: [0]))]
        }
        if fault == "tf-depthwise", op == "depthwise_conv2d",
           let strides = attrs.first(where: { $0.0 == "strides" })?.1.array?.compactMap(\.int),
           let dilations = attrs.first(where: { $0.0 == "dilations" })?.1.array?.compactMap(\.int),
           strides.max() ?? 1 > 1, dilations.max() ?? 1 > 1 {
            // The first rows and columns of the stride-1 dilated output, where the definition takes every s-th.
            guard case let .float32(definition)? = try CandidateServer.optimized(op, attrs, inputs)["output"],
                  case let .float32(full)? = try CandidateServer.optimized(op, attrs.map { $0.0 == "strides" ? ($0.0, .array([JSONValue(1), JSONValue(1)])) : $0 }, inputs)["output"]
            else { return try CandidateServer.optimized(op, attrs, inputs) }
            let (n, oh, ow, c) = (definition.shape[0], definition.shape[1], definition.shape[2], definition.shape[3])
            let (fh, fw) = (full.shape[1], full.shape[2])
            var out = [Float]()
            for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for k in 0..<c { out.append(full.scalars[((b * fh + i) * fw + j) * c + k]) } } } }
            return ["output": .float32(try Tensor(shape: definition.shape, scalars: out))]
        }
        return try CandidateServer.optimized(op, attrs, inputs)
    }
}
