//! A small non-cryptographic hash, for names and freshness marks.

/// A 64-bit FNV-1a hash: marks which DOT source a Graphviz picture was drawn
/// from, and names temporary files (not for security).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn it_is_fnv_1a() {
        assert_eq!(super::fingerprint(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fingerprint(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
