import Reference

/// HWIO filters repacked for the direct kernels: `[group][chunk][tap][c][width]`, each chunk
/// holding `width` output channels of one group, zero-padded past the group's last one, so a
/// kernel loads one contiguous `width`-wide row of weights per tap and input channel.
struct FilterPanels<T: ConformFloat> {
    let base: UnsafeMutablePointer<T>
    let width: Int
    /// Chunks per group, and elements per panel.
    let chunks: Int, panelSize: Int

    /// With `pairs` (two groups of at most `width / 2` channels, `pairedBlock`), one panel holds
    /// both: group `j`'s weights at lanes `j·width/2 ..< j·width/2 + Cout/G`.
    init(_ f: UnsafePointer<T>, _ g: Conv2DGeometry, width: Int, pairs: Bool = false) {
        let (taps, cpg, cout, opg) = (g.kernelHeight * g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        self.width = width
        if pairs {
            (chunks, panelSize) = (1, taps * cpg * width)
            base = UnsafeMutablePointer<T>.allocate(capacity: panelSize)
            base.initialize(repeating: 0, count: panelSize)
            for row in 0..<(taps * cpg) {
                for group in 0..<2 { (base + row * width + group * width / 2).update(from: f + row * cout + group * opg, count: opg) }
            }
            return
        }
        chunks = (opg + width - 1) / width
        panelSize = taps * cpg * width
        base = UnsafeMutablePointer<T>.allocate(capacity: g.groups * chunks * panelSize)
        for group in 0..<g.groups {
            for chunk in 0..<chunks {
                let panel = base + (group * chunks + chunk) * panelSize
                // A whole chunk of real output channels is one contiguous run per row; the last may be partial.
                let lanes = min(width, opg - chunk * width)
                for row in 0..<(taps * cpg) {
                    let dst = panel + row * width
                    dst.update(from: f + row * cout + group * opg + chunk * width, count: lanes)
                    if lanes < width { (dst + lanes).update(repeating: 0, count: width - lanes) }
                }
            }
        }
    }

    /// The panel of `chunk` in `group`.
    func panel(group: Int, chunk: Int) -> UnsafeMutablePointer<T> { base + (group * chunks + chunk) * panelSize }

    func deallocate() { base.deallocate() }
}
