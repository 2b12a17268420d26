import Reference

/// The direct convolution's SIMD paths: register blocks of `CPU.pixelBlock` pixels × a block of
/// output channels computed by `convBlock` (AVX-512 or AVX2, resolved once per call from
/// `Execution`), fed by a table of source pointers. Float32 takes every path below (shared blocks
/// for narrow groups, row-merged, pointer table); float64 the pointer table (`pointerTable`).
///
/// Per output row, the table holds for every pixel and tap a pointer to the input channels it
/// reads, or to a row of zeros when the tap lands in the padding; the kernel then runs branch-free.
/// Filters are repacked once into zero-padded panels `[group][chunk][tap][c][channelBlock]`.
enum DirectFloat {
    static func conv2d(_ x: UnsafePointer<Float>, _ f: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry) {
        let isa = Execution.current.kernelISA(narrow: runsNarrow(g))
        PathCounter.hit(isa.path)
        if sharesBlocks(g) {
            // Its own panels and tables: none of the plain path's are built.
            PathCounter.hit(.directGroupBlocked)
            groupBlocked(x, f, y, g, isa: isa)
            return
        }
        if g.groups == 1 && g.cols.dilation == 1 && g.channelsPerGroup < 16 {
            PathCounter.hit(.directRowMerged)
            rowMerged(x, f, y, g, isa: isa)
            return
        }
        if mergesGroupRows(g) {
            PathCounter.hit(.directRowMergedGroups)
            pairedRows(x, f, y, g, isa: isa)
            return
        }
        pointerTable(x, f, y, g, isa: isa)
    }

    /// The general path, float32 or float64: per tile, a table of every pixel's source pointer
    /// per tap (few input channels: per pixel, its patch packed), then `convBlock` over blocks of
    /// pixels × `T.channelBlock` output channels, taps sliced so a slice's weights stay in L1.
    static func pointerTable<T: DirectScalar>(_ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                              _ g: Conv2DGeometry, isa: Execution.ISA) {
        let (h, w, cin, cpg, cout, opg) = (g.height, g.width, g.inputChannels, g.channelsPerGroup, g.outputChannels,
                                           g.outputChannelsPerGroup)
        let (kh, kw, ho, wo) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let (block, width) = (CPU.pixelBlock(isa), T.channelBlock(isa))
        let taps = kh * kw
        let panels = FilterPanels(f, g, width: width)
        defer { panels.deallocate() }
        let chunks = panels.chunks
        let zeros = UnsafeMutablePointer<T>.allocate(capacity: max(cpg, 1))
        zeros.initialize(repeating: 0, count: max(cpg, 1))
        defer { zeros.deallocate() }
        // Few input channels make the inner loop too short to pay for each tap's pointer loads:
        // then every pixel's patch is first gathered into one contiguous row (im2col for one tile),
        // and the kernel runs with a single tap over taps·cpg channels. The panel layout
        // [tap][c][lane] is the same memory either way.
        let packed = cpg < 16 && taps > 1
        let k = taps * cpg
        let tableTaps = packed ? 1 : taps
        PathCounter.hit(packed ? .directPacked : .directTable)
        let slice = max(1, CPU.panelSliceBytes / ((packed ? k : cpg) * width * MemoryLayout<T>.stride))
        if slice < tableTaps { PathCounter.hit(.directTapSlices) }
        // Planted bugs (the test-only twin): the last column read as padding; packed channels reversed;
        // later tap slices overwriting instead of accumulating.
        #if CONFORM_MUTANTS
        let lastColumnPadding = Mutants.on(.tableLastColumnAsPadding)
        let reversed = Mutants.on(.packedChannelsReversed)
        let overwrite = Mutants.on(.tapSlicesOverwrite)
        #else
        let lastColumnPadding = false
        let reversed = false
        let overwrite = false
        #endif
        // Planted bug (the test-only twin): in float64, each block's fourth pixel reads the third one's input.
        #if CONFORM_MUTANTS
        let fourthReadsThird = T.self == Double.self && Mutants.on(.float64FourthPixel)
        #else
        let fourthReadsThird = false
        #endif
        if T.self == Double.self { PathCounter.hit(.directFloat64) }
        forEachTile(g, isa: isa) { b, q0, count in
            let image = x + b * h * w * cin
            let whole = (count + block - 1) / block * block
            let table = UnsafeMutablePointer<UnsafePointer<T>>.allocate(capacity: whole * tableTaps)
            let patches = UnsafeMutablePointer<T>.allocate(capacity: packed ? whole * k : 0)
            defer { table.deallocate(); patches.deallocate() }
            for group in 0..<g.groups {
                // Source pointers for every pixel of the tile (the last one repeated up to whole blocks) and tap.
                // Planted bugs (the test-only twin): the stride scaled by the dilation, every group reading group 0.
                #if CONFORM_MUTANTS
                let (sr, sc) = Mutants.on(.dilationAppliedToStride) ? (g.rows.dilation, g.cols.dilation) : (1, 1)
                let groupOffset = Mutants.on(.groupsMixChannels) ? 0 : group * cpg
                #else
                let (sr, sc) = (1, 1)
                let groupOffset = group * cpg
                #endif
                let (rowStride, colStride) = (g.rows.stride &* sr, g.cols.stride &* sc)
                let (dh, dw) = (g.rows.dilation, g.cols.dilation)
                forEachPixel(q0, count: count, whole: whole, columns: wo) { p, i, j in
                    let y0 = i &* rowStride &- g.rows.padBefore, x0 = j &* colStride &- g.cols.padBefore
                    for di in 0..<kh {
                        let yy = y0 &+ di &* dh
                        let rowInside = yy >= 0 && yy < h
                        let row = image + (yy &* w &* cin &+ groupOffset)
                        for dj in 0..<kw {
                            let xx = x0 &+ dj &* dw
                            let inside = rowInside && xx >= 0 && xx < (lastColumnPadding && !packed ? w - 1 : w)
                            let t = di &* kw &+ dj
                            if packed {
                                // cpg < 16: an element loop beats a memcpy call per tap.
                                let dst = patches + (p &* k &+ t &* cpg)
                                if inside {
                                    let src = row + xx &* cin
                                    for c in 0..<cpg { dst[c] = src[reversed ? cpg - 1 - c : c] }
                                } else {
                                    for c in 0..<cpg { dst[c] = 0 }
                                }
                            } else {
                                table[p &* taps &+ t] = inside ? row + xx &* cin : UnsafePointer(zeros)
                            }
                        }
                    }
                    if packed { table[p] = UnsafePointer(patches + p &* k) }
                }
                if fourthReadsThird {
                    for p in stride(from: 3, to: whole, by: block) { (table + p * tableTaps).update(from: table + (p - 1) * tableTaps, count: tableTaps) }
                }
                // The taps go in slices whose weights stay in L1 while every block of the tile uses them.
                let channels = packed ? k : cpg
                for chunk in 0..<chunks {
                    let panel = UnsafePointer(panels.panel(group: group, chunk: chunk))
                    let lanes = min(width, opg - chunk * width)
                    for t0 in stride(from: 0, to: tableTaps, by: slice) {
                        var p = 0
                        while p < count {
                            T.convBlock(isa, table + p * tableTaps + t0, tableStride: tableTaps, taps: min(slice, tableTaps - t0),
                                        cpg: channels, panel: panel + t0 * channels * width,
                                        y + (b * ho * wo + q0 + p) * cout + group * opg + chunk * width,
                                        outStride: cout, pixels: min(block, count - p), lanes: lanes, accumulate: t0 > 0 && !overwrite)
                            p += block
                        }
                    }
                }
            }
        }
    }

    /// Whether narrow groups share register blocks (`groupBlocked`): two or more groups of at most
    /// 16 output channels. The cost model asks the same question.
    static func sharesBlocks(_ g: Conv2DGeometry) -> Bool {
        g.groups > 1 && g.outputChannelsPerGroup <= 16 && !mergesGroupRows(g)
    }

    /// Whether two groups of at most 8 output channels and fewer than 8 input channels each run
    /// row-merged side by side (`pairedRows`, `pairedBlock`: 16 lanes, 8 a group, each half broadcasting its own
    /// group's channel): the group kernel would fill two of its four slots and load a pointer per
    /// tap for a handful of channels. Pairing beats both sharing blocks and row-merging one group at
    /// a time (conform bench, the grouped conv1d stem; figures in docs/REPORT.md).
    static func mergesGroupRows(_ g: Conv2DGeometry) -> Bool {
        g.groups == 2 && g.outputChannelsPerGroup <= 8 && g.channelsPerGroup < 8 && g.cols.dilation == 1
    }

    /// Whether an ungrouped layer runs the AVX2 module's 16-lane kernel on an AVX-512 host: at most
    /// 16 output channels would fill half of the AVX-512 kernel's 32 lanes with nothing, and the 16
    /// lanes do the same work in ymm FMAs, twice the throughput where AVX-512 runs on 256-bit units
    /// and the same where it does not. A case that names its ISA (the campaign's) runs that
    /// one. The cost model asks the same question.
    static func runsNarrow(_ g: Conv2DGeometry) -> Bool {
        g.groups == 1 && g.outputChannelsPerGroup <= 16 && Execution.current.isa == nil
    }

    /// Narrow groups (at most 16 output channels each): `groupedBlock` computes four 8-lane slots
    /// per pixel, a group taking one slot (≤ 8 channels) or two, so two or four groups share a
    /// block where the plain kernel would fill 32 lanes with one group's 8 or 16 channels; groups
    /// of at most 4 take half a slot each (`groupedHalfBlock`), eight to a block. Each slot (or
    /// half) broadcasts its own group's input channel; eight whole groups of exactly four input
    /// channels (ResNeXt 32×4d) load a slot's two groups at once and spread each channel within the
    /// 128-bit lanes (`grouped4Block`); with AVX-512, groups of 9 to 16 channels take a zmm half
    /// each and one broadcast per group (`pairedWideBlock`). Filters are repacked into
    /// `[block][tap][c][32]` panels, a group's lanes at `4h` (half slots) or `8·slotsPerGroup·h`,
    /// zero past its channels.
    static func groupBlocked(_ x: UnsafePointer<Float>, _ f: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                             isa: Execution.ISA) {
        let (h, w, cin, cpg, cout, opg) = (g.height, g.width, g.inputChannels, g.channelsPerGroup, g.outputChannels,
                                           g.outputChannelsPerGroup)
        let (kh, kw, ho, wo, taps) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output, g.kernelHeight * g.kernelWidth)
        let halves = opg <= 4
        if halves { PathCounter.hit(.directGroupHalves) }
        let slotsPerGroup = (opg + 7) / 8, groupsPerBlock = halves ? 8 : 4 / slotsPerGroup
        let laneStride = halves ? 4 : 8 * slotsPerGroup
        let blocks = (g.groups + groupsPerBlock - 1) / groupsPerBlock
        let panels = FilterPanels(f, g, width: 32, groupsPerPanel: groupsPerBlock, laneStride: laneStride)
        defer { panels.deallocate() }
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: cin)
        zeros.initialize(repeating: 0, count: cin)
        defer { zeros.deallocate() }
        // Groups of 9 to 16 channels on AVX-512: two to a block in zmm halves, one broadcast per
        // group (`pairedWideBlock`: half the broadcasts of one group a block).
        let widePairs = isa.wide && slotsPerGroup == 2
        if widePairs { PathCounter.hit(.directGroupWidePairs) }
        let pixelBlock = halves ? CPU.groupedHalfPixelBlock(isa)
            : widePairs ? CPU.pairedWidePixelBlock : CPU.groupedPixelBlock(isa)
        // Planted bugs (the test-only twin): the stride scaled by the dilation, every block reading the
        // first block's groups, a block's second slot reading its first group, a high half reading its low half's group.
        #if CONFORM_MUTANTS
        let (sr, sc) = Mutants.on(.dilationAppliedToStride) ? (g.rows.dilation, g.cols.dilation) : (1, 1)
        let mixed = Mutants.on(.groupsMixChannels), firstGroup = Mutants.on(.groupBlockedSlotReadsFirstGroup)
        let highReadsLow = Mutants.on(.groupHalvesHighReadsLow)
        #else
        let (sr, sc) = (1, 1)
        let mixed = false, firstGroup = false
        let highReadsLow = false
        #endif
        // Blocks of eight whole groups of exactly four input channels take the pair kernel (counted
        // once per call: a count per block would cost more than the block on small images).
        let pairs = halves && cpg == 4 && !highReadsLow && !mixed
        if pairs && g.groups >= 8 { PathCounter.hit(.directGroupPairs) }
        // Planted bug (the test-only twin): each group's last output channel left unwritten.
        #if CONFORM_MUTANTS
        let pairLanes = Mutants.on(.groupPairsDropLastLane) && opg > 1 ? opg - 1 : opg
        #else
        let pairLanes = opg
        #endif
        forEachTile(g, isa: isa, block: pixelBlock) { b, q0, count in
            let image = x + b * h * w * cin
            let whole = (count + pixelBlock - 1) / pixelBlock * pixelBlock
            let table = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: whole * taps)
            let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 16)
            defer { table.deallocate(); offsets.deallocate() }
            // One table for every block: pointers at each pixel's channel 0 (or a zero row as long
            // as a pixel); a block reads from its first group's channel on through its offsets.
            forEachPixel(q0, count: count, whole: whole, columns: wo) { p, i, j in
                let y0 = i &* g.rows.stride &* sr &- g.rows.padBefore, x0 = j &* g.cols.stride &* sc &- g.cols.padBefore
                for di in 0..<kh {
                    let yy = y0 &+ di &* g.rows.dilation
                    let row = image + yy &* w &* cin
                    for dj in 0..<kw {
                        let xx = x0 &+ dj &* g.cols.dilation
                        let inside = yy >= 0 && yy < h && xx >= 0 && xx < w
                        table[p &* taps &+ di &* kw &+ dj] = inside ? row + xx &* cin : UnsafePointer(zeros)
                    }
                }
            }
            for block in 0..<blocks {
                let offset = mixed ? 0 : block * groupsPerBlock * cpg
                let present = min(groupsPerBlock, g.groups - block * groupsPerBlock)
                var p = 0
                if halves {
                    // Half h: its group's channel offset (a group past the last reads the first) and first output.
                    for half in 0..<8 {
                        let real = half < present
                        offsets[half] = offset + (real && !mixed ? (highReadsLow && half % 2 == 1 ? half - 1 : half) * cpg : 0)
                        offsets[8 + half] = real ? (block * groupsPerBlock + half) * opg : 0
                    }
                    // Eight whole groups of exactly four input channels: one load brings a slot's two groups.
                    if pairs && present == 8 {
                        while p < count {
                            CPU.grouped4Block(isa, table + p * taps, tableStride: taps, taps: taps, base: offset,
                                              panel: panels.panel(block), y + (b * ho * wo + q0 + p) * cout, outStride: cout,
                                              firstOutput: block * groupsPerBlock * opg, lanes: pairLanes, pixels: min(pixelBlock, count - p))
                            p += pixelBlock
                        }
                        continue
                    }
                    while p < count {
                        CPU.groupedHalfBlock(isa, table + p * taps, tableStride: taps, taps: taps, cpg: cpg, halfInputs: offsets,
                                             panel: panels.panel(block), y + (b * ho * wo + q0 + p) * cout, outStride: cout,
                                             halfOutputs: offsets + 8, lanes: opg, halves: present, pixels: min(pixelBlock, count - p))
                        p += pixelBlock
                    }
                    continue
                }
                if widePairs {
                    // Planted bug (the test-only twin): the second group reads the first one's channels.
                    #if CONFORM_MUTANTS
                    let second = offset + (present == 2 && !mixed && !Mutants.on(.widePairsSecondReadsFirst) ? cpg : 0)
                    #else
                    let second = offset + (present == 2 && !mixed ? cpg : 0)
                    #endif
                    while p < count {
                        CPU.pairedWideBlock(table + p * taps, tableStride: taps, taps: taps, cpg: cpg, first: offset, second: second,
                                            groups: present, panel: panels.panel(block), y + (b * ho * wo + q0 + p) * cout + block * 2 * opg,
                                            outStride: cout, lanes: opg, pixels: min(pixelBlock, count - p))
                        p += pixelBlock
                    }
                    continue
                }
                /// Slot `j`: its group's input channel offset, its first output channel, its lanes.
                func slot(_ j: Int) -> (input: Int, output: Int, lanes: Int) {
                    let member = j / slotsPerGroup, sub = j % slotsPerGroup
                    guard member < present else { return (offset, 0, 0) }
                    return (offset + (mixed ? 0 : member * cpg), (block * groupsPerBlock + member) * opg + sub * 8, min(8, opg - sub * 8))
                }
                let s = (slot(0), slot(1), slot(2), slot(3))
                let inputs = (s.0.input, firstGroup ? s.0.input : s.1.input, s.2.input, s.3.input)
                while p < count {
                    CPU.groupedBlock(isa, table + p * taps, tableStride: taps, taps: taps, cpg: cpg, slotInputs: inputs,
                                     panel: panels.panel(block), y + (b * ho * wo + q0 + p) * cout, outStride: cout,
                                     slotOutputs: (s.0.output, s.1.output, s.2.output, s.3.output),
                                     slotLanes: (s.0.lanes, s.1.lanes, s.2.lanes, s.3.lanes), pixels: min(pixelBlock, count - p))
                    p += pixelBlock
                }
            }
        }
    }

    /// Runs `body(image, firstPixel, count)` over tiles of each image's output pixels, flattened
    /// row-major: register blocks then run across row ends, so only an image's last block is partial.
    /// Tiles hold 16 blocks of `block` pixels (the caller's kernel's), fewer where that leaves
    /// fewer than 8 tiles a thread: then the tiles are as many as make their total a multiple of
    /// the threads, so no thread idles through a last round (ResNeXt 32×8d's 784 pixels were 9
    /// tiles of 96, 5 rounds on 2 threads; 10 of 84 take 5 each).
    ///
    /// A convolution of fewer than `serialFLOPs` runs on the calling thread whatever the thread
    /// count (waking a second thread costs more than such a small layer computes), unless the case
    /// names its threads (the campaign's).
    static func forEachTile(_ g: Conv2DGeometry, isa: Execution.ISA, block: Int? = nil, _ body: (Int, Int, Int) -> Void) {
        let block = block ?? CPU.pixelBlock(isa)
        let pixels = g.rows.output * g.cols.output
        // The product of the extents, padding taps included (`g.flops` walks every output to leave them out).
        let work = 2 * Double(g.batch * pixels * g.outputChannels) * Double(g.kernelHeight * g.kernelWidth * g.channelsPerGroup)
        let serial = work < serialFLOPs && Execution.current.threads == nil
        let threads = serial ? 1 : Threading.current
        var tiles = (pixels + 16 * block - 1) / (16 * block)
        if threads > 1 && g.batch * tiles < 8 * threads {
            let total = (g.batch * tiles + threads - 1) / threads * threads
            tiles = min((total + g.batch - 1) / g.batch, (pixels + block - 1) / block)
        }
        let tile = ((pixels + tiles - 1) / tiles + block - 1) / block * block
        tiles = (pixels + tile - 1) / tile
        func run(_ task: Int) {
            let (b, t) = (task / tiles, task % tiles)
            body(b, t * tile, min(tile, pixels - t * tile))
        }
        if serial {
            for task in 0..<(g.batch * tiles) { run(task) }
        } else {
            Threading.forEach(g.batch * tiles, run)
        }
    }

    /// Calls `body(p, row, column)` for a tile's flattened output pixels `q0 + p`, `p < whole`, the
    /// last real one (`count - 1`) repeated up to whole blocks. One division per tile: two per pixel
    /// cost as much as the kernel itself where a pixel has few channels (conv1d 800×10 → 16).
    @inline(__always)
    static func forEachPixel(_ q0: Int, count: Int, whole: Int, columns: Int, _ body: (Int, Int, Int) -> Void) {
        var (i, j) = (q0 / columns, q0 % columns)
        for p in 0..<whole {
            body(p, i, j)
            if p + 1 < count {
                j += 1
                if j == columns { (i, j) = (i + 1, 0) }
            }
        }
    }

    /// Below this many FLOPs a direct convolution stays on one thread.
    static let serialFLOPs = 4e6

    /// Ungrouped, width dilation 1, few channels: the taps of one kernel row read `KW·Cin`
    /// consecutive floats of the input, so the kernel runs with KH "taps" of KW·Cin channels each:
    /// no gathering. A kernel row that crosses the left or right padding is assembled in a
    /// per-tile patch, one above or below the image reads a row of zeros; the rest read the input
    /// in place (no padded copy, which costs a pass over the input for nothing). With 64 or more
    /// channels the plain pointer table is faster, so this path is for the stems.
    static func rowMerged(_ x: UnsafePointer<Float>, _ f: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                          isa: Execution.ISA) {
        let (h, w, cin, cout) = (g.height, g.width, g.inputChannels, g.outputChannels)
        let (kh, kw, ho, wo) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let (block, width) = (CPU.pixelBlock(isa), CPU.channelBlock(isa))
        let panels = FilterPanels(f, g, width: width)
        defer { panels.deallocate() }
        let rowFloats = kw * cin
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: rowFloats)
        zeros.initialize(repeating: 0, count: rowFloats)
        defer { zeros.deallocate() }
        // Planted bug (the test-only twin): one input row per kernel row whatever the height dilation.
        #if CONFORM_MUTANTS
        let rowDilation = Mutants.on(.rowMergedUndilated) ? 1 : g.rows.dilation
        #else
        let rowDilation = g.rows.dilation
        #endif
        let rowStep = rowDilation &* w &* cin
        // Output columns whose kernel row crosses the left or right padding.
        let edgeColumns = (0..<wo).count { j in
            let x0 = j &* g.cols.stride &- g.cols.padBefore
            return x0 < 0 || x0 &+ kw > w
        }
        forEachTile(g, isa: isa, block: block) { b, q0, count in
            let whole = (count + block - 1) / block * block
            let image = x + b * h * w * cin
            let table = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: whole * kh)
            // Room for a patch per edge pixel and kernel row: the tile's `count` pixels span at most count/wo + 2 rows.
            let edgePixels = min(whole, (count / wo + 2) * edgeColumns)
            let patches = UnsafeMutablePointer<Float>.allocate(capacity: max(1, edgePixels * kh * rowFloats))
            defer { table.deallocate(); patches.deallocate() }
            var used = 0
            forEachPixel(q0, count: count, whole: whole, columns: wo) { p, i, j in
                // Past the last pixel (whole blocks), its rows again: no patch beyond the bound above.
                if p >= count {
                    (table + p &* kh).update(from: table + (count &- 1) &* kh, count: kh)
                    return
                }
                let y0 = i &* g.rows.stride &- g.rows.padBefore, x0 = j &* g.cols.stride &- g.cols.padBefore
                let inside = x0 >= 0 && x0 &+ kw <= w
                if inside && y0 >= 0 && y0 &+ (kh &- 1) &* rowDilation < h {
                    // Every kernel row inside the image (most pixels): a fixed step apart.
                    let first = image + (y0 &* w &+ x0) &* cin
                    for di in 0..<kh { table[p &* kh &+ di] = first + di &* rowStep }
                    return
                }
                for di in 0..<kh {
                    let yy = y0 &+ di &* rowDilation
                    if yy < 0 || yy >= h {
                        table[p &* kh &+ di] = UnsafePointer(zeros)
                    } else if inside {
                        table[p &* kh &+ di] = image + (yy &* w &+ x0) &* cin
                    } else {
                        assert(used < edgePixels * kh, "row-merged: more edge patches than the bound")
                        let patch = patches + used &* rowFloats
                        used += 1
                        for dj in 0..<kw {
                            let xx = x0 &+ dj
                            if xx >= 0 && xx < w {
                                (patch + dj &* cin).update(from: image + (yy &* w &+ xx) &* cin, count: cin)
                            } else {
                                (patch + dj &* cin).update(repeating: 0, count: cin)
                            }
                        }
                        table[p &* kh &+ di] = UnsafePointer(patch)
                    }
                }
            }
            for chunk in 0..<panels.chunks {
                let panel = UnsafePointer(panels.panel(group: 0, chunk: chunk))
                let lanes = min(width, cout - chunk * width)
                var p = 0
                while p < count {
                    CPU.convBlock(isa, table + p * kh, tableStride: kh, taps: kh, cpg: rowFloats, panel: panel,
                                  y + (b * ho * wo + q0 + p) * cout + chunk * width, outStride: cout, pixels: min(block, count - p), lanes: lanes)
                    p += block
                }
            }
        }
    }

    /// Two narrow groups (`mergesGroupRows`) row-merged side by side: each group's channels are
    /// copied apart, zero-padded (`[image][group][row][column][Cpg]`), so a group's kernel row is
    /// `KW·Cpg` consecutive floats, and `pairedBlock` computes both groups in one 16-lane block,
    /// one table of first-group pointers serving both (the second group's copy is a plane further on).
    static func pairedRows(_ x: UnsafePointer<Float>, _ f: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ g: Conv2DGeometry,
                           isa: Execution.ISA) {
        let (h, w, cin, cpg, cout, opg) = (g.height, g.width, g.inputChannels, g.channelsPerGroup, g.outputChannels,
                                           g.outputChannelsPerGroup)
        let (kh, kw, ho, wo) = (g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let block = CPU.pairedPixelBlock(isa)
        let panels = FilterPanels(f, g, width: 16, groupsPerPanel: 2, laneStride: 8)
        defer { panels.deallocate() }
        let (hp, wp) = (h + g.rows.padBefore + g.rows.padAfter, w + g.cols.padBefore + g.cols.padAfter)
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: g.batch * hp * wp * cin)
        defer { copy.deallocate() }
        func padded(_ b: Int, _ group: Int, _ r: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
            copy + (((b * 2 + group) * hp + r) * wp + c) * cpg
        }
        // Planted bugs (the test-only twin): every group's copy holds the first group's channels.
        #if CONFORM_MUTANTS
        let firstGroupOnly = Mutants.on(.groupRowsFromFirstGroup) || Mutants.on(.groupsMixChannels)
        #else
        let firstGroupOnly = false
        #endif
        Threading.forEach(g.batch * 2 * hp) { task in
            let (b, group, r) = (task / (2 * hp), task / hp % 2, task % hp)
            let row = padded(b, group, r, 0)
            let source = r - g.rows.padBefore
            guard source >= 0 && source < h else { row.update(repeating: 0, count: wp * cpg); return }
            row.update(repeating: 0, count: g.cols.padBefore * cpg)
            let from = x + (b * h + source) * w * cin + (firstGroupOnly ? 0 : group * cpg)
            // Channel-major: column-major, the compiler made each pixel's few channels a memmove call.
            let into = row + g.cols.padBefore * cpg
            for c in 0..<cpg {
                for column in 0..<w { into[column &* cpg &+ c] = from[column &* cin &+ c] }
            }
            (row + (g.cols.padBefore + w) * cpg).update(repeating: 0, count: g.cols.padAfter * cpg)
        }
        // Planted bug (the test-only twin): one padded row per kernel row whatever the height dilation.
        #if CONFORM_MUTANTS
        let rowStep = (Mutants.on(.rowMergedUndilated) ? 1 : g.rows.dilation) &* wp &* cpg
        #else
        let rowStep = g.rows.dilation &* wp &* cpg
        #endif
        forEachTile(g, isa: isa, block: block) { b, q0, count in
            let whole = (count + block - 1) / block * block
            let table = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: whole * kh)
            defer { table.deallocate() }
            // Each pixel's first kernel row, then the others a fixed step below it.
            forEachPixel(q0, count: count, whole: whole, columns: wo) { p, i, j in
                let first = UnsafePointer(padded(b, 0, i &* g.rows.stride, j &* g.cols.stride))
                for di in 0..<kh { table[p &* kh &+ di] = first + di &* rowStep }
            }
            var p = 0
            while p < count {
                CPU.pairedBlock(isa, table + p * kh, tableStride: kh, taps: kh, cpg: kw * cpg, second: hp * wp * cpg,
                                panel: panels.panel(0), y + (b * ho * wo + q0 + p) * cout, outStride: cout,
                                lanes: opg, pixels: min(block, count - p))
                p += block
            }
        }
    }

    /// Depthwise, M = 1 over `channels` channels: `depthwiseBlock` fed by the same pointer tables.
    static func depthwise(_ x: UnsafePointer<Float>, _ f: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                          _ g: DepthwiseGeometry, channels cm: Int) {
        let (h, w, kh, kw, ho, wo) = (g.height, g.width, g.kernelHeight, g.kernelWidth, g.rows.output, g.cols.output)
        let isa = Execution.current.kernelISA
        PathCounter.hit(isa.path)
        let block = CPU.pixelBlock(isa), taps = kh * kw
        // Planted bugs (the test-only twin): edge or interior blocks drop their last tap.
        #if CONFORM_MUTANTS
        let edgeTaps = Mutants.on(.depthwiseEdgeDropsLastTap) && taps > 1 ? taps - 1 : taps
        let interiorTaps = Mutants.on(.depthwiseInteriorDropsLastTap) && taps > 1 ? taps - 1 : taps
        #else
        let edgeTaps = taps
        let interiorTaps = taps
        #endif
        let interiorSeen = UnsafeSendable(UnsafeMutablePointer<Bool>.allocate(capacity: 2))
        interiorSeen.value.initialize(repeating: false, count: 2)
        defer {
            if interiorSeen.value[0] { PathCounter.hit(.depthwiseInterior) }
            if interiorSeen.value[1] { PathCounter.hit(.depthwiseEdge) }
            interiorSeen.value.deallocate()
        }
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: cm)
        zeros.initialize(repeating: 0, count: cm)
        defer { zeros.deallocate() }
        let blocks = (wo + block - 1) / block
        Threading.forEach(g.batch * ho) { task in
            let (b, i) = (task / ho, task % ho)
            let image = x + b * h * w * cm
            let table = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: blocks * block * taps)
            defer { table.deallocate() }
            for j in 0..<(blocks * block) {
                for di in 0..<kh {
                    let yy = g.rows.position(output: i, tap: di)
                    for dj in 0..<kw {
                        let xx = g.cols.position(output: min(j, wo - 1), tap: dj)
                        let inside = yy >= 0 && yy < h && xx >= 0 && xx < w
                        table[j * taps + di * kw + dj] = inside ? image + (yy * w + xx) * cm : UnsafePointer(zeros)
                    }
                }
            }
            for blockIndex in 0..<blocks {
                let j0 = blockIndex * block
                let out = y + ((b * ho + i) * wo + j0) * cm
                // A whole block inside the image: its pixels read each tap `stride·C` floats apart.
                let stride = g.cols.stride * cm
                let interior = j0 + block <= wo && (0..<taps).allSatisfy { t in
                    table[(j0 + block - 1) * taps + t] == table[j0 * taps + t] + (block - 1) * stride
                        && table[j0 * taps + t] != UnsafePointer(zeros) && table[(j0 + block - 1) * taps + t] != UnsafePointer(zeros)
                }
                // Which kinds of block ran (a benign race: every writer stores true).
                interiorSeen.value[interior ? 0 : 1] = true
                if interior {
                    CPU.depthwiseBlockInterior(isa, table + j0 * taps, pixelStride: stride, taps: interiorTaps, channels: cm, filter: f, out)
                } else {
                    CPU.depthwiseBlock(isa, table + j0 * taps, taps: edgeTaps, channels: cm, filter: f, out, pixels: min(block, wo - j0))
                }
            }
        }
    }
}
