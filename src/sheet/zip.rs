//! Just enough ZIP: headers for stored or deflated entries with UTF-8 names (no ZIP64), an
//! in-memory writer, and a reader for one named entry.

use bytes::{BufMut, BytesMut};
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// How an entry's bytes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

/// What both headers of an entry say.
pub struct EntryInfo<'a> {
    pub name: &'a str,
    pub method: Method,
    pub crc: u32,
    pub size: u32,
    pub compressed: u32,
}

fn common(buf: &mut BytesMut, e: &EntryInfo<'_>) {
    buf.put_u16_le(20); // version needed
    buf.put_u16_le(0x0800); // UTF-8 names
    buf.put_u16_le(e.method.code());
    buf.put_u16_le(0); // time
    buf.put_u16_le(0x21); // date: 1980-01-01
    buf.put_u32_le(e.crc);
    buf.put_u32_le(e.compressed);
    buf.put_u32_le(e.size);
    buf.put_u16_le(e.name.len() as u16);
    buf.put_u16_le(0); // extra
}

/// The local header that precedes an entry's data.
pub fn local_header(e: &EntryInfo<'_>) -> BytesMut {
    let mut buf = BytesMut::with_capacity(30 + e.name.len());
    buf.put_u32_le(0x0403_4b50);
    common(&mut buf, e);
    buf.put_slice(e.name.as_bytes());
    buf
}

/// Appends the central directory record of an entry whose local header is at `offset`.
pub fn put_central(central: &mut BytesMut, e: &EntryInfo<'_>, offset: u32) {
    central.put_u32_le(0x0201_4b50);
    central.put_u16_le(20); // made by
    common(central, e);
    central.put_u16_le(0); // comment
    central.put_u16_le(0); // disk
    central.put_u16_le(0); // internal attributes
    central.put_u32_le(0); // external attributes
    central.put_u32_le(offset);
    central.put_slice(e.name.as_bytes());
}

/// The end-of-central-directory record.
pub fn end_record(entries: u16, central_size: u32, central_offset: u32) -> BytesMut {
    let mut end = BytesMut::with_capacity(22);
    end.put_u32_le(0x0605_4b50);
    end.put_u16_le(0);
    end.put_u16_le(0);
    end.put_u16_le(entries);
    end.put_u16_le(entries);
    end.put_u32_le(central_size);
    end.put_u32_le(central_offset);
    end.put_u16_le(0);
    end
}

/// Builds a small archive in memory (spreadsheets); entries are deflated.
#[derive(Default)]
pub struct ZipWriter {
    out: BytesMut,
    central: BytesMut,
    entries: u16,
}

impl ZipWriter {
    pub fn add(&mut self, name: &str, data: &[u8]) {
        let packed = miniz_oxide::deflate::compress_to_vec(data, 6);
        let info = EntryInfo {
            name,
            method: Method::Deflated,
            crc: crc32fast::hash(data),
            size: data.len() as u32,
            compressed: packed.len() as u32,
        };
        let offset = self.out.len() as u32;
        self.out.put(local_header(&info));
        self.out.put_slice(&packed);
        put_central(&mut self.central, &info, offset);
        self.entries += 1;
    }

    pub fn finish(mut self) -> Vec<u8> {
        let offset = self.out.len() as u32;
        let size = self.central.len() as u32;
        self.out.put(std::mem::take(&mut self.central));
        self.out.put(end_record(self.entries, size, offset));
        self.out.to_vec()
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The entry `wanted` of an archive, inflated to at most `limit` bytes.
pub fn entry(zip: &[u8], wanted: &str, limit: usize) -> Option<Vec<u8>> {
    let end = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))?;
    let count = u16_at(zip, end + 10)?;
    let mut at = u32_at(zip, end + 16)?;
    for _ in 0..count {
        if !zip.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let method = u16_at(zip, at + 10)?;
        let size = u32_at(zip, at + 20)?;
        let name_len = u16_at(zip, at + 28)?;
        let extra_len = u16_at(zip, at + 30)?;
        let comment_len = u16_at(zip, at + 32)?;
        let local = u32_at(zip, at + 42)?;
        let name = zip.get(at + 46..at + 46 + name_len)?;
        if name == wanted.as_bytes() {
            let data_at = local + 30 + u16_at(zip, local + 26)? + u16_at(zip, local + 28)?;
            let data = zip.get(data_at..data_at + size)?;
            return match method {
                0 if data.len() <= limit => Some(data.to_vec()),
                8 => decompress_to_vec_with_limit(data, limit).ok(),
                _ => None,
            };
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_writer_writes_the_reader_reads() {
        let mut zip = ZipWriter::default();
        zip.add("a.txt", b"hello hello hello hello");
        zip.add("目录/b.xml", b"<x/>");
        let bytes = zip.finish();
        assert_eq!(
            entry(&bytes, "a.txt", 1024).as_deref(),
            Some(&b"hello hello hello hello"[..])
        );
        assert_eq!(
            entry(&bytes, "目录/b.xml", 1024).as_deref(),
            Some(&b"<x/>"[..])
        );
        assert_eq!(entry(&bytes, "c", 1024), None);
        // An entry that inflates past the limit is refused (a zip bomb stops early).
        assert_eq!(entry(&bytes, "a.txt", 4), None);
        assert_eq!(entry(b"PK\x03\x04junk", "a.txt", 1024), None);
    }
}
