/// A dense row-major tensor: a shape and its contiguous scalars.
///
/// No strides, no views: every op reads and writes whole tensors, which keeps the
/// reference ops as plain as their definitions. The windowing op's lazy view is its own type.
public struct Tensor<Scalar: Sendable>: Sendable {
    /// Extent per axis; `[]` is a scalar.
    public let shape: [Int]
    /// Row-major elements; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Scalar]

    /// Wraps scalars in a shape, checking that their counts agree.
    public init(shape: [Int], scalars: [Scalar]) throws(TensorError) {
        let count = try Tensor.elementCount(of: shape)
        guard count == scalars.count else {
            throw .sizeMismatch(shape: shape, elements: scalars.count)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of one repeated value.
    public init(shape: [Int], repeating value: Scalar) throws(TensorError) {
        let count = try Tensor.elementCount(of: shape)
        self.shape = shape
        self.scalars = Array(repeating: value, count: count)
    }

    /// For ops that computed the count from a validated shape themselves (and file readers that
    /// checked it): `scalars.count` must equal the product of `shape`.
    @_spi(Unchecked) public init(validatedShape shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-0 tensor.
    public init(scalar: Scalar) {
        self.shape = []
        self.scalars = [scalar]
    }

    /// The number of elements.
    public var count: Int { scalars.count }
    /// The number of axes.
    public var rank: Int { shape.count }

    /// The product of a shape's extents, with negative extents and overflow reported; the product
    /// of its extents with zeros counted as 1 must stay within `maxTensorExtentProduct`.
    public static func elementCount(of shape: [Int]) throws(TensorError) -> Int {
        var count = 1, extent = 1
        for d in shape {
            guard d >= 0 else { throw .negativeDimension(shape: shape) }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            let (e, extentOverflow) = extent.multipliedReportingOverflow(by: max(d, 1))
            guard !overflow, !extentOverflow, e <= maxTensorExtentProduct else { throw .tooLarge(shape: shape) }
            (count, extent) = (p, e)
        }
        return count
    }

    /// The same elements in another shape of equal size.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }
}

extension Tensor: Equatable where Scalar: Equatable {}

/// The largest product of a shape's extents, zero extents counted as 1 (2⁴⁸): what index
/// arithmetic over the shape may reach, so no op's `h·w·c` can overflow, even for an empty tensor.
public let maxTensorExtentProduct = 1 << 48

/// A shape that no tensor can have.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    case sizeMismatch(shape: [Int], elements: Int)
    case negativeDimension(shape: [Int])
    case tooLarge(shape: [Int])

    public var description: String {
        switch self {
        case let .sizeMismatch(shape, elements):
            "shape \(shape) holds \((try? Tensor<Int>.elementCount(of: shape)).map(String.init) ?? "?") elements, got \(elements)"
        case let .negativeDimension(shape): "shape \(shape) has a negative extent"
        case let .tooLarge(shape): "shape \(shape) has more elements than fit in memory"
        }
    }
}
