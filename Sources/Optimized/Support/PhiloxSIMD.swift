import Reference

/// Philox4x32-10 on eight counters at once: the words of a stateless stream, block after block.
///
/// The 32×32→64-bit products run as `SIMD8<UInt64>` multiplies (vpmuludq), the rest as
/// `SIMD8<UInt32>` xors; the output is bit-identical to `Reference.Philox`.
enum PhiloxSIMD {
    /// Writes words `[4·firstBlock, 4·(firstBlock + blocks))` of `stream` to `out`.
    static func words(_ stream: Philox, firstBlock: UInt64, blocks: Int, into out: UnsafeMutablePointer<UInt32>) {
        let base = stream.counter
        let baseLow = UInt64(base.0) | UInt64(base.1) << 32, baseHigh = UInt64(base.2) | UInt64(base.3) << 32
        let lanes = SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)
        if firstBlock &+ UInt64(blocks) > 1 << 32 { PathCounter.hit(.philoxHighBlock) }
        if baseLow &+ firstBlock &+ UInt64(blocks) < baseLow { PathCounter.hit(.philoxCarry) }
        // Planted bug (the test-only twin): the block counter truncated to 32 bits.
        #if CONFORM_MUTANTS
        let blockMask: UInt64 = Mutants.on(.philoxBlock32) ? 0xFFFF_FFFF : .max
        #else
        let blockMask: UInt64 = .max
        #endif
        var b = 0
        while b < blocks {
            let offset = (SIMD8<UInt64>(repeating: firstBlock &+ UInt64(b)) &+ lanes) & SIMD8(repeating: blockMask)
            let low = SIMD8<UInt64>(repeating: baseLow) &+ offset
            // A carry out of the low 64 bits bumps the high half (the 128-bit add of docs/OPS.md).
            let carry = SIMD8<UInt64>(repeating: 0).replacing(with: 1, where: low .< SIMD8(repeating: baseLow))
            #if CONFORM_MUTANTS
            let high = SIMD8<UInt64>(repeating: baseHigh) &+ (Mutants.on(.philoxNoCarry) ? SIMD8(repeating: 0) : carry)
            #else
            let high = SIMD8<UInt64>(repeating: baseHigh) &+ carry
            #endif
            var c0 = SIMD8<UInt32>(truncatingIfNeeded: low), c1 = SIMD8<UInt32>(truncatingIfNeeded: low &>> 32)
            var c2 = SIMD8<UInt32>(truncatingIfNeeded: high), c3 = SIMD8<UInt32>(truncatingIfNeeded: high &>> 32)
            var k0 = stream.key.0, k1 = stream.key.1
            for round in 0..<10 {
                let p0 = SIMD8<UInt64>(truncatingIfNeeded: c0) &* 0xD251_1F53
                let p1 = SIMD8<UInt64>(truncatingIfNeeded: c2) &* 0xCD9E_8D57
                let n0 = SIMD8<UInt32>(truncatingIfNeeded: p1 &>> 32) ^ c1 ^ SIMD8(repeating: k0)
                let n2 = SIMD8<UInt32>(truncatingIfNeeded: p0 &>> 32) ^ c3 ^ SIMD8(repeating: k1)
                (c0, c1, c2, c3) = (n0, SIMD8<UInt32>(truncatingIfNeeded: p1), n2, SIMD8<UInt32>(truncatingIfNeeded: p0))
                if round < 9 {
                    k0 &+= 0x9E37_79B9
                    k1 &+= 0xBB67_AE85
                }
            }
            for l in 0..<min(8, blocks - b) {
                let o = out + 4 * (b + l)
                o[0] = c0[l]
                o[1] = c1[l]
                o[2] = c2[l]
                o[3] = c3[l]
            }
            b += 8
        }
    }

    /// Words `[first, first + count)` of `stream` (any alignment), generated in cache-sized chunks.
    static func words(_ stream: Philox, first: Int, count: Int, _ body: (UnsafeBufferPointer<UInt32>, Int) -> Void) {
        let chunkBlocks = 1024
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * chunkBlocks)
        defer { buffer.deallocate() }
        var word = first
        let end = first + count
        if (end - 4 * (first / 4) + 3) / 4 > chunkBlocks { PathCounter.hit(.philoxChunks) }
        // Planted bug (the test-only twin): chunks after the first start one block early.
        #if CONFORM_MUTANTS
        let restart = Mutants.on(.philoxChunkRestart) ? 1 : 0
        #else
        let restart = 0
        #endif
        while word < end {
            let block = word / 4
            let blocks = min(chunkBlocks, (end - 4 * block + 3) / 4)
            words(stream, firstBlock: UInt64(word > first ? block - restart : block), blocks: blocks, into: buffer)
            let skip = word - 4 * block
            let n = min(4 * blocks - skip, end - word)
            body(UnsafeBufferPointer(start: buffer + skip, count: n), word - first)
            word += n
        }
    }
}
