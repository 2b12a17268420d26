import Reference

/// HWIO filters repacked for the direct kernels, zero-padded, so a kernel loads one contiguous
/// `width`-wide row of weights per tap and input channel. Two layouts:
///
/// - one group per panel: `[group][chunk][tap][c][width]`, each chunk holding `width` output
///   channels of one group;
/// - groups sharing a panel (the narrow-group kernels): `[panel][tap][c][width]`, group `k` in
///   panel `k / groupsPerPanel` at lanes `(k % groupsPerPanel)·laneStride ..< + Cout/G`.
///
/// Panels are 64-byte aligned, so a vector load of a row never straddles cache lines needlessly
/// (with malloc's 16-byte alignment a layer's time varied by where the panels happened to land).
struct FilterPanels<T: ConformFloat> {
    let base: UnsafeMutablePointer<T>
    let width: Int
    /// Chunks per group (1 where groups share panels), and elements per panel.
    let chunks: Int, panelSize: Int

    /// One group per panel, in chunks of `width` output channels.
    init(_ f: UnsafePointer<T>, _ g: Conv2DGeometry, width: Int) {
        let (taps, cpg, cout, opg) = (g.kernelHeight * g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        self.width = width
        chunks = (opg + width - 1) / width
        panelSize = taps * cpg * width
        base = Self.allocate(g.groups * chunks * panelSize)
        for group in 0..<g.groups {
            for chunk in 0..<chunks {
                let panel = base + (group * chunks + chunk) * panelSize
                // A whole chunk of real output channels is one contiguous run per row; the last may be partial.
                let lanes = min(width, opg - chunk * width)
                for row in 0..<(taps * cpg) {
                    (panel + row * width).update(from: f + row * cout + group * opg + chunk * width, count: lanes)
                }
            }
        }
    }

    /// `groupsPerPanel` groups of at most `laneStride` output channels share each panel.
    init(_ f: UnsafePointer<T>, _ g: Conv2DGeometry, width: Int, groupsPerPanel: Int, laneStride: Int) {
        let (taps, cpg, cout, opg) = (g.kernelHeight * g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        self.width = width
        chunks = 1
        panelSize = taps * cpg * width
        base = Self.allocate((g.groups + groupsPerPanel - 1) / groupsPerPanel * panelSize)
        for group in 0..<g.groups {
            let panel = base + group / groupsPerPanel * panelSize + group % groupsPerPanel * laneStride
            for row in 0..<(taps * cpg) { (panel + row * width).update(from: f + row * cout + group * opg, count: opg) }
        }
    }

    /// Zeroed, 64-byte aligned room for `count` elements.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<T>.stride, alignment: 64)
            .initializeMemory(as: T.self, repeating: 0, count: count)
    }

    /// The panel of `chunk` in `group`.
    func panel(group: Int, chunk: Int) -> UnsafeMutablePointer<T> { base + (group * chunks + chunk) * panelSize }

    /// Panel `index` of the shared layout.
    func panel(_ index: Int) -> UnsafeMutablePointer<T> { base + index * panelSize }

    func deallocate() { UnsafeMutableRawPointer(base).deallocate() }
}
