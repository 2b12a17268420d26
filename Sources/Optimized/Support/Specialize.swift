import Reference

/// Public ops are generic over `ConformFloat`; across modules that generic code would run
/// unspecialised (witness-table calls per SIMD operation). Each op therefore re-enters its
/// kernels with a concrete type, so the optimizer specialises them inside this module.
@usableFromInline
enum Specialize {
    /// Reinterprets a value whose generic parameter is known to be `B`'s (T == Float or T == Double).
    @inline(__always) @usableFromInline
    static func cast<A, B>(_ a: A, to _: B.Type) -> B { unsafeBitCast(a, to: B.self) }

    /// Runs `float` when `T` is Float and `double` otherwise, converting the result back to `Tensor<T>`.
    @inline(__always) @usableFromInline
    static func tensor<T: ConformFloat>(
        _: T.Type, float: () throws(OpError) -> Tensor<Float>, double: () throws(OpError) -> Tensor<Double>
    ) throws(OpError) -> Tensor<T> {
        T.self == Float.self ? cast(try float(), to: Tensor<T>.self) : cast(try double(), to: Tensor<T>.self)
    }
}
