/// Conform's own version: `conform --version`, and the producer field of the files it writes.
public enum ConformVersion {
    /// The release this source tree is (the git tag a versioned dependency names).
    public static let current = "0.1.0"
}
