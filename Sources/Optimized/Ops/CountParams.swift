import Reference

/// Keras parameter counts and output shape: closed-form formulas of the layer's configuration,
/// O(rank) arithmetic with nothing to speed up, so this is the reference's computation itself.
///
/// Exact: equal to the reference.
public func countParams(_ layer: KerasLayer, inputShape: [Int?]) throws(OpError) -> LayerCount {
    PathCounter.hit(.countParams)
    var count = try Reference.countParams(layer, inputShape: inputShape)
    #if CONFORM_MUTANTS
    if Mutants.on(.batchNormAllTrainable), case .batchNormalization = layer {
        (count.trainable, count.nonTrainable) = (count.trainable + count.nonTrainable, 0)
    }
    #endif
    return count
}
