//! Real PNG bytes of a chosen size for the simulator's `/img/...` endpoint: a small grey
//! image whose file is padded to the requested length with a private ancillary chunk.

fn crc32(bytes: &[u8]) -> u32 {
    // The simulator answers every picture check with a whole PNG: a bitwise CRC over its
    // padding was a tenth of the listing benchmark's CPU.
    crc32fast::hash(bytes)
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A valid 8×8 greyscale PNG of at least `size` bytes; `shade` varies the pixels.
pub fn png_of_size(size: usize, shade: u8) -> Vec<u8> {
    let (w, h) = (8u32, 8u32);
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0); // filter: none
        raw.extend(std::iter::repeat_n(shade, w as usize));
    }
    // zlib stream with one stored block.
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    z.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut out = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    let fixed = out.len() + 12 + 12;
    if size > fixed {
        chunk(&mut out, b"spAd", &vec![0u8; size - fixed]);
    }
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn pngs_have_the_requested_size_and_signature() {
        for size in [0, 500, 200_000] {
            let png = png_of_size(size, 128);
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
            assert!(png.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
            assert!(png.len() >= size);
            if size > 200 {
                assert_eq!(png.len(), size);
            }
        }
    }
}
