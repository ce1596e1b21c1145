//! The one content hash: cache-busting names, preview diffs, golden checks.

/// A short content hash for cache-busting file names and asset URLs.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hasher = Fingerprint::default();
    hasher.write(bytes);
    hasher.finish_hex()
}

/// A content hash fed in pieces: FxHash's multiply-rotate over 8-byte
/// words, fast enough for the megabytes of a search index. Not for
/// security; only to change a file name when its content changes.
#[derive(Default)]
pub struct Fingerprint(u64);

impl Fingerprint {
    pub fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for b in words.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
        // Length and a separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0.rotate_left(5) ^ bytes.len() as u64 ^ 0xff).wrapping_mul(K);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    pub fn finish_hex(&self) -> String {
        // Fold the high bits in: the multiply leaves the low ones weak.
        format!("{:08x}", (self.0 ^ (self.0 >> 32)) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_change_with_content_and_split() {
        assert_eq!(fingerprint(b"abc"), fingerprint(b"abc"));
        assert_ne!(fingerprint(b"abc"), fingerprint(b"abd"));
        assert_ne!(fingerprint(b"12345678x"), fingerprint(b"12345678y"));
        let (mut one, mut two) = (Fingerprint::default(), Fingerprint::default());
        one.write(b"ab");
        one.write(b"c");
        two.write(b"a");
        two.write(b"bc");
        assert_ne!(one.finish_hex(), two.finish_hex());
    }
}
