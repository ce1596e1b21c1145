//! Rendered article bodies kept in a file between loading and rendering.
//!
//! Loading parses every article's Markdown for its facts (links, headings,
//! search text); rendering needs its HTML. Holding all the HTML in memory
//! from one to the other doubled a large build's memory, and rendering it
//! again meant reading and parsing every file twice. Instead, loading
//! writes each body's HTML to one unnamed file beside the output and keeps
//! only where it is: the page reads it back with one call.

use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// An unnamed file that bodies are appended to, from any thread.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: AtomicU64,
}

/// Where one body is in its [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spilled {
    at: u64,
    len: u32,
}

impl Spill {
    /// A new, empty spill file in `folder`; it has no name there, so it
    /// never shows among the folder's files and goes when it is dropped.
    pub fn create_in(folder: &Path) -> std::io::Result<Spill> {
        static FILES: AtomicU64 = AtomicU64::new(0);
        let n = FILES.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!(".waymark-spill-{}-{n}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        std::fs::remove_file(&path)?;
        Ok(Spill {
            file,
            end: AtomicU64::new(0),
        })
    }

    /// Appends `text`; returns where it is.
    pub fn put(&self, text: &str) -> std::io::Result<Spilled> {
        let len = u32::try_from(text.len()).map_err(|_| std::io::ErrorKind::FileTooLarge)?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        self.file.write_all_at(text.as_bytes(), at)?;
        Ok(Spilled { at, len })
    }

    /// The text put at `spilled`.
    pub fn get(&self, spilled: Spilled) -> std::io::Result<String> {
        let mut bytes = vec![0; spilled.len as usize];
        self.file.read_exact_at(&mut bytes, spilled.at)?;
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_from_many_threads_and_leave_no_file() {
        let temp = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create_in(temp.path()).expect("creates");
        assert_eq!(std::fs::read_dir(temp.path()).expect("lists").count(), 0);
        let texts: Vec<String> = (0..200)
            .map(|i| format!("<p>body {i} é</p>").repeat(i))
            .collect();
        let spilled: Vec<Spilled> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(50)
                .map(|chunk| {
                    s.spawn(|| {
                        chunk
                            .iter()
                            .map(|t| spill.put(t).expect("puts"))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("joins"))
                .collect()
        });
        for (text, at) in texts.iter().zip(spilled) {
            assert_eq!(&spill.get(at).expect("gets"), text);
        }
    }
}
