import Reference

/// Direct convolution: register blocks of output pixels × output channels, SIMD across the
/// channels, fed by per-pixel source pointers (`DirectFloat`). Float takes every float32 path
/// (shared blocks for narrow groups, row-merged, pointer table); Float64 the pointer table with
/// its own kernel (`conv_block_f64`: 8 pixels × 16 doubles with AVX-512, 4 × 8 with AVX2 and portable).
@usableFromInline
enum Direct {
    static func conv2d<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        typealias S = Specialize
        if T.self == Float.self {
            DirectFloat.conv2d(S.cast(x, to: UnsafePointer<Float>.self), S.cast(f, to: UnsafePointer<Float>.self),
                               S.cast(y, to: UnsafeMutablePointer<Float>.self), g)
        } else {
            let isa = Execution.current.kernelISA
            PathCounter.hit(isa.path)
            DirectFloat.pointerTable(S.cast(x, to: UnsafePointer<Double>.self), S.cast(f, to: UnsafePointer<Double>.self),
                                     S.cast(y, to: UnsafeMutablePointer<Double>.self), g, isa: isa)
        }
    }
}
