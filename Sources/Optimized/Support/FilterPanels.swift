import Reference

/// HWIO filters repacked for the direct kernels: `[group][chunk][tap][c][width]`, each chunk
/// holding `width` output channels of one group, zero-padded past the group's last one, so a
/// kernel loads one contiguous `width`-wide row of weights per tap and input channel.
struct FilterPanels<T: ConformFloat> {
    let base: UnsafeMutablePointer<T>
    let width: Int
    /// Chunks per group, and elements per panel.
    let chunks: Int, panelSize: Int

    init(_ f: UnsafePointer<T>, _ g: Conv2DGeometry, width: Int) {
        let (taps, cpg, cout, opg) = (g.kernelHeight * g.kernelWidth, g.channelsPerGroup, g.outputChannels, g.outputChannelsPerGroup)
        self.width = width
        chunks = (opg + width - 1) / width
        panelSize = taps * cpg * width
        base = UnsafeMutablePointer<T>.allocate(capacity: g.groups * chunks * panelSize)
        for group in 0..<g.groups {
            for chunk in 0..<chunks {
                let panel = base + (group * chunks + chunk) * panelSize
                for row in 0..<(taps * cpg) {
                    for lane in 0..<width {
                        let o = chunk * width + lane
                        panel[row * width + lane] = o < opg ? f[row * cout + group * opg + o] : 0
                    }
                }
            }
        }
    }

    /// The panel of `chunk` in `group`.
    func panel(group: Int, chunk: Int) -> UnsafeMutablePointer<T> { base + (group * chunks + chunk) * panelSize }

    func deallocate() { base.deallocate() }
}
