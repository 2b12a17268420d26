// Each op's descriptor, naming the pieces its family files define: the entry (OpEntry+<family>),
// the generator (OpGenerator+<family>), the boundary classes (BoundaryClass+<family>), the laws
// (Properties+<family>), the benchmark cases (BuiltinSuite) and `conform explain` (ExplainSpec+Ops).
extension OpDescriptor {
    public static let conv1d = OpDescriptor(
        entry: .conv1d, generator: .conv1d, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv1d"),
        laws: Properties.laws(of: "conv1d"), benchmarks: { BuiltinSuite.cases(of: "conv1d") },
        explain: .conv1d)
    public static let conv2d = OpDescriptor(
        entry: .conv2d, generator: .conv2d, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv2d"),
        laws: Properties.laws(of: "conv2d"), benchmarks: { BuiltinSuite.cases(of: "conv2d") },
        explain: .conv2d)
    public static let depthwiseConv2d = OpDescriptor(
        entry: .depthwiseConv2d, generator: .depthwiseConv2d, boundaryClasses: BoundaryClass.convolutionClasses(op: "depthwise_conv2d"),
        laws: Properties.laws(of: "depthwise_conv2d"), benchmarks: { BuiltinSuite.cases(of: "depthwise_conv2d") })
    public static let separableConv2d = OpDescriptor(
        entry: .separableConv2d, generator: .separableConv2d, boundaryClasses: BoundaryClass.convolutionClasses(op: "separable_conv2d"),
        laws: Properties.laws(of: "separable_conv2d"), benchmarks: { BuiltinSuite.cases(of: "separable_conv2d") },
        explain: .separableConv2d)
    public static let conv2dAt = OpDescriptor(
        entry: .conv2dAt, generator: .conv2dAt,
        laws: Properties.laws(of: "conv2d_at"), benchmarks: { BuiltinSuite.cases(of: "conv2d_at") },
        explain: .conv2dAt)
    public static let extractGlimpse = OpDescriptor(
        entry: .extractGlimpse, generator: .extractGlimpse, boundaryClasses: BoundaryClass.glimpseClasses(),
        laws: Properties.laws(of: "extract_glimpse"), benchmarks: { BuiltinSuite.cases(of: "extract_glimpse") },
        explain: .extractGlimpse)
    public static let timeseriesWindows = OpDescriptor(
        entry: .timeseriesWindows, generator: .timeseriesWindows, boundaryClasses: BoundaryClass.windowClasses(),
        laws: Properties.laws(of: "timeseries_windows"), benchmarks: { BuiltinSuite.cases(of: "timeseries_windows") },
        explain: .timeseriesWindows)
    public static let frame = OpDescriptor(
        entry: .frame, generator: .frame, boundaryClasses: BoundaryClass.frameClasses(),
        laws: Properties.laws(of: "frame"), benchmarks: { BuiltinSuite.cases(of: "frame") },
        explain: .frame)
    public static let countParams = OpDescriptor(
        entry: .countParams, generator: .countParams,
        laws: Properties.laws(of: "count_params"), benchmarks: { BuiltinSuite.cases(of: "count_params") })
    public static let statelessUniform = OpDescriptor(
        entry: .statelessUniform, generator: .statelessUniform,
        laws: Properties.laws(of: "stateless_uniform"), benchmarks: { BuiltinSuite.cases(of: "stateless_uniform") },
        explain: .statelessUniform)
    public static let epochPairing = OpDescriptor(
        entry: .epochPairing, generator: .epochPairing,
        laws: Properties.laws(of: "epoch_pairing"), benchmarks: { BuiltinSuite.cases(of: "epoch_pairing") },
        explain: .epochPairing)
    public static let conv2dBackpropInput = OpDescriptor(
        entry: .conv2dBackpropInput, generator: .conv2dBackpropInput, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv2d_backprop_input"),
        laws: Properties.laws(of: "conv2d_backprop_input"), benchmarks: { BuiltinSuite.cases(of: "conv2d_backprop_input") },
        explain: .conv2dBackpropInput)
    public static let conv2dBackpropFilter = OpDescriptor(
        entry: .conv2dBackpropFilter, generator: .conv2dBackpropFilter, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv2d_backprop_filter"),
        laws: Properties.laws(of: "conv2d_backprop_filter"), benchmarks: { BuiltinSuite.cases(of: "conv2d_backprop_filter") },
        explain: .conv2dBackpropFilter)
    public static let depthwiseConv2dBackpropInput = OpDescriptor(
        entry: .depthwiseConv2dBackpropInput, generator: .depthwiseConv2dBackpropInput, boundaryClasses: BoundaryClass.convolutionClasses(op: "depthwise_conv2d_backprop_input"),
        laws: Properties.laws(of: "depthwise_conv2d_backprop_input"), benchmarks: { BuiltinSuite.cases(of: "depthwise_conv2d_backprop_input") })
    public static let depthwiseConv2dBackpropFilter = OpDescriptor(
        entry: .depthwiseConv2dBackpropFilter, generator: .depthwiseConv2dBackpropFilter, boundaryClasses: BoundaryClass.convolutionClasses(op: "depthwise_conv2d_backprop_filter"),
        laws: Properties.laws(of: "depthwise_conv2d_backprop_filter"), benchmarks: { BuiltinSuite.cases(of: "depthwise_conv2d_backprop_filter") })
    public static let conv1dBackpropInput = OpDescriptor(
        entry: .conv1dBackpropInput, generator: .conv1dBackpropInput, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv1d_backprop_input"),
        laws: Properties.laws(of: "conv1d_backprop_input"), benchmarks: { BuiltinSuite.cases(of: "conv1d_backprop_input") })
    public static let conv1dBackpropFilter = OpDescriptor(
        entry: .conv1dBackpropFilter, generator: .conv1dBackpropFilter, boundaryClasses: BoundaryClass.convolutionClasses(op: "conv1d_backprop_filter"),
        laws: Properties.laws(of: "conv1d_backprop_filter"), benchmarks: { BuiltinSuite.cases(of: "conv1d_backprop_filter") })
    public static let conv2dTranspose = OpDescriptor(
        entry: .conv2dTranspose, generator: .conv2dTranspose,
        laws: Properties.laws(of: "conv2d_transpose"), benchmarks: { BuiltinSuite.cases(of: "conv2d_transpose") })
    public static let conv1dTranspose = OpDescriptor(
        entry: .conv1dTranspose, generator: .conv1dTranspose,
        laws: Properties.laws(of: "conv1d_transpose"), benchmarks: { BuiltinSuite.cases(of: "conv1d_transpose") })
}
