import Reference

/// Partial results of an op split into pixel chunks (one copy of the result per chunk, laid end
/// to end), added in chunk order: the sum depends on the chunk count only, not on which thread ran
/// which chunk.
@usableFromInline
enum ChunkSums {
    /// The first `size` elements plus every later chunk's, chunk by chunk.
    @inlinable
    static func total<T: ConformFloat>(_ partial: [T], chunks: Int, size: Int) -> [T] {
        var result = [T](partial[0..<size])
        for chunk in 1..<max(chunks, 1) {
            for e in 0..<size { result[e] += partial[chunk * size + e] }
        }
        return result
    }
}
