//! A small non-cryptographic hash, for names and freshness marks.

/// A 64-bit FNV-1a hash: marks which DOT source a Graphviz picture was drawn
/// from, and names temporary files (not for security).
///
/// ```
/// assert_eq!(annals::fingerprint::fingerprint(b""), 0xcbf2_9ce4_8422_2325);
/// ```
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
