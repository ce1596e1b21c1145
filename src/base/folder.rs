//! Files read and written by paths relative to an open folder. A build
//! reads and writes tens of thousands of files under two folders: opening
//! each by its full path made the kernel walk the folder's path again
//! for every one of them.

use std::io::Write as _;
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;

/// An open folder.
#[derive(Debug)]
pub struct Folder {
    fd: OwnedFd,
}

impl Folder {
    pub fn open(path: &Path) -> std::io::Result<Folder> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(Folder {
            fd: rustix::fs::open(path, flags, Mode::empty())?,
        })
    }

    /// The whole file at `path` (relative to the folder).
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let flags = OFlags::RDONLY | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, path, flags, Mode::empty())?;
        // Read until the end, without asking the size first: help
        // articles fit the first read, and the second finds the end.
        let mut bytes = Vec::with_capacity(16 * 1024);
        loop {
            if bytes.capacity() - bytes.len() < 4096 {
                bytes.reserve(bytes.capacity());
            }
            match rustix::io::read(&fd, rustix::buffer::spare_capacity(&mut bytes)) {
                Ok(0) => return Ok(bytes),
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Creates folder `path` and any missing parents.
    pub fn make_dirs(&self, path: &Path) -> std::io::Result<()> {
        let make = || match rustix::fs::mkdirat(&self.fd, path, Mode::from_raw_mode(0o777)) {
            Err(Errno::EXIST) => Ok(()),
            made => made,
        };
        match make() {
            Err(Errno::NOENT) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    self.make_dirs(parent)?;
                }
                Ok(make()?)
            }
            made => Ok(made?),
        }
    }

    /// Creates (or replaces) the file at `path` holding `bytes`; its
    /// folder must exist.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, path, flags, Mode::from_raw_mode(0o666))?;
        std::fs::File::from(fd).write_all(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_and_read_back_under_new_folders() {
        let temp = tempfile::tempdir().expect("temp dir");
        let folder = Folder::open(temp.path()).expect("opens");
        folder.make_dirs(Path::new("a/b/c")).expect("makes");
        folder.make_dirs(Path::new("a/b/c")).expect("again");
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        for (name, bytes) in [
            ("a/b/c/x.html", &b"hello"[..]),
            ("a/big", &big),
            ("a/empty", b""),
        ] {
            folder.write(Path::new(name), bytes).expect("writes");
            assert_eq!(folder.read(Path::new(name)).expect("reads"), bytes);
            assert_eq!(std::fs::read(temp.path().join(name)).expect("std"), bytes);
        }
        assert!(folder.read(Path::new("missing")).is_err());
        assert!(folder.write(Path::new("no/such/x"), b"x").is_err());
    }
}
