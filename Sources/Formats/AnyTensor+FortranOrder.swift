@_spi(Unchecked) import Reference

extension AnyTensor {
    /// A tensor read as Fortran-order data of `shape`, in C order: the data is the C-order
    /// array of the reversed shape, whose full transpose is the array meant.
    func fromFortranOrder() -> AnyTensor {
        let reversed = AnyTensor.reshapedUnchecked(self, Array(shape.reversed()))
        return reversed.transposedAll()
    }

    private static func reshapedUnchecked(_ t: AnyTensor, _ shape: [Int]) -> AnyTensor {
        switch t {
        case let .float16(x): .float16(Tensor(validatedShape: shape, scalars: x.scalars))
        case let .float32(x): .float32(Tensor(validatedShape: shape, scalars: x.scalars))
        case let .float64(x): .float64(Tensor(validatedShape: shape, scalars: x.scalars))
        case let .int32(x): .int32(Tensor(validatedShape: shape, scalars: x.scalars))
        case let .int64(x): .int64(Tensor(validatedShape: shape, scalars: x.scalars))
        case let .bool(x): .bool(Tensor(validatedShape: shape, scalars: x.scalars))
        }
    }
}
