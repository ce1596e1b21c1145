//! LEB128: unsigned numbers in 7-bit groups, low first, the high bit
//! set on every byte but the last. The packed search terms and postings
//! store id gaps this way: most take one or two bytes instead of four.

/// Appends `n` to `out`.
pub fn push(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads one number from `bytes`; `None` at the end.
pub fn read(bytes: &mut impl Iterator<Item = u8>) -> Option<u32> {
    let mut n = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes.next()?;
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_as_written() {
        let numbers = [0, 1, 0x7f, 0x80, 300, 16_383, 16_384, u32::MAX];
        let mut out = Vec::new();
        for n in numbers {
            push(&mut out, n);
        }
        assert_eq!(out[..4], [0, 1, 0x7f, 0x80]);
        let mut bytes = out.into_iter();
        let read: Vec<u32> = std::iter::from_fn(|| read(&mut bytes)).collect();
        assert_eq!(read, numbers);
    }
}
