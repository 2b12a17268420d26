import CGSL
import Reference

/// Sizes of the FFT convolution: planes padded to lengths whose only prime factors are 2, 3 and 5.
public enum FFTPlan {
    /// The smallest `n ≥ m` of the form 2ᵃ·3ᵇ·5ᶜ (GSL's mixed-radix FFT is fastest there).
    public static func paddedLength(_ m: Int) -> Int {
        var n = max(1, m)
        while true {
            var r = n
            for p in [2, 3, 5] { while r % p == 0 { r /= p } }
            if r == 1 { return n }
            n += 1
        }
    }
}

/// Stride-1 convolution through 2-D FFTs in Float64 (GSL `gsl_fft_complex_*`).
///
/// The zero-padded input plane `X_c` (padding in place) and the dilated kernel `W_{c,o}` go onto a
/// `P_h × P_w` grid with `P ≥` the padded input, so circular correlation equals linear correlation
/// on every output: `Y_o = IFFT(Σ_c FFT(X_c) · conj(FFT(W_{c,o})))`, read at `[0..<Ho, 0..<Wo]`.
/// Error: norm-wise, `|got − exact| ≤ u_T·|exact| + (8·log₂P + 2·Cin)·u₆₄·‖x‖₂·‖w‖₂` per element.
enum FFTConvolution {
    /// Wavetables for one plane size (read-only once made, so shared by every thread).
    final class Tables: @unchecked Sendable {
        let rows: UnsafeMutablePointer<gsl_fft_complex_wavetable>, cols: UnsafeMutablePointer<gsl_fft_complex_wavetable>

        init(rows: Int, cols: Int) {
            // GSL returns nil only when out of memory; there is nothing sensible to continue with then.
            self.rows = gsl_fft_complex_wavetable_alloc(rows)!
            self.cols = gsl_fft_complex_wavetable_alloc(cols)!
        }

        deinit {
            gsl_fft_complex_wavetable_free(rows)
            gsl_fft_complex_wavetable_free(cols)
        }
    }

    /// A 2-D transform: shared wavetables, its own workspaces (GSL's workspace is not shareable).
    final class Transform {
        let rows: Int, cols: Int
        let tables: Tables
        let rowWork: UnsafeMutablePointer<gsl_fft_complex_workspace>, colWork: UnsafeMutablePointer<gsl_fft_complex_workspace>

        init(rows: Int, cols: Int, tables: Tables) {
            self.rows = rows
            self.cols = cols
            self.tables = tables
            rowWork = gsl_fft_complex_workspace_alloc(cols)!
            colWork = gsl_fft_complex_workspace_alloc(rows)!
        }

        deinit {
            gsl_fft_complex_workspace_free(rowWork)
            gsl_fft_complex_workspace_free(colWork)
        }

        /// In-place 2-D transform of interleaved complex data (`inverse` includes the 1/P scaling).
        func run(_ data: UnsafeMutablePointer<Double>, inverse: Bool) {
            for r in 0..<rows {
                let row = data + 2 * r * cols
                _ = inverse ? gsl_fft_complex_inverse(row, 1, cols, tables.cols, rowWork)
                            : gsl_fft_complex_forward(row, 1, cols, tables.cols, rowWork)
            }
            for c in 0..<cols {
                let col = data + 2 * c
                _ = inverse ? gsl_fft_complex_inverse(col, cols, rows, tables.rows, colWork)
                            : gsl_fft_complex_forward(col, cols, rows, tables.rows, colWork)
            }
        }
    }

    // Specialised even where the module is compiled file by file (debug builds, which run the campaign).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    static func conv2d<T: ConformFloat>(
        _ x: UnsafePointer<T>, _ f: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: Conv2DGeometry
    ) {
        PathCounter.hit(.fft)
        gsl_set_error_handler_off()
        let ph = FFTPlan.paddedLength(g.height + g.rows.padBefore + g.rows.padAfter)
        let pw = FFTPlan.paddedLength(g.width + g.cols.padBefore + g.cols.padAfter)
        let plane = ph * pw
        let tables = Tables(rows: ph, cols: pw)
        let (cin, cout, h, w, ho, wo) = (g.inputChannels, g.outputChannels, g.height, g.width, g.rows.output, g.cols.output)
        // Transforms of every input plane, shared read-only by the threads.
        let inputs = UnsafeMutablePointer<Double>.allocate(capacity: g.batch * cin * 2 * plane)
        defer { inputs.deallocate() }
        // Planted bug (the test-only twin): the input placed after the right padding instead of the left.
        #if CONFORM_MUTANTS
        let left = Mutants.on(.fftPadSidesSwapped) ? g.cols.padAfter : g.cols.padBefore
        #else
        let left = g.cols.padBefore
        #endif
        Threading.forEach(g.batch * cin) { task in
            let (b, c) = (task / cin, task % cin)
            let data = inputs + task * 2 * plane
            data.initialize(repeating: 0, count: 2 * plane)
            for r in 0..<h {
                for col in 0..<w {
                    data[2 * ((r + g.rows.padBefore) * pw + col + left)] = Double(x[((b * h + r) * w + col) * cin + c])
                }
            }
            Transform(rows: ph, cols: pw, tables: tables).run(data, inverse: false)
        }
        Threading.forEach(cout) { o in
            let transform = Transform(rows: ph, cols: pw, tables: tables)
            let kernel = UnsafeMutablePointer<Double>.allocate(capacity: 2 * plane)
            let sums = UnsafeMutablePointer<Double>.allocate(capacity: g.batch * 2 * plane)
            defer { kernel.deallocate(); sums.deallocate() }
            sums.initialize(repeating: 0, count: g.batch * 2 * plane)
            for c in 0..<cin {
                kernel.initialize(repeating: 0, count: 2 * plane)
                for a in 0..<g.kernelHeight {
                    for bb in 0..<g.kernelWidth {
                        let v = f[((a * g.kernelWidth + bb) * cin + c) * cout + o]
                        kernel[2 * (a * g.rows.dilation * pw + bb * g.cols.dilation)] = Double(v)
                    }
                }
                transform.run(kernel, inverse: false)
                for b in 0..<g.batch {
                    let xs = inputs + (b * cin + c) * 2 * plane, s = sums + b * 2 * plane
                    for k in 0..<plane {
                        // X · conj(W)
                        let (xr, xi, wr, wi) = (xs[2 * k], xs[2 * k + 1], kernel[2 * k], kernel[2 * k + 1])
                        s[2 * k] += xr * wr + xi * wi
                        s[2 * k + 1] += xi * wr - xr * wi
                    }
                }
            }
            for b in 0..<g.batch {
                let s = sums + b * 2 * plane
                transform.run(s, inverse: true)
                for i in 0..<ho {
                    for j in 0..<wo { y[((b * ho + i) * wo + j) * cout + o] = T(s[2 * (i * pw + j)]) }
                }
            }
        }
    }
}
