//! The only stage that writes to disk. A build goes into a hidden sibling
//! folder that replaces the output only once everything succeeded, so a
//! failed or interrupted build leaves the previous site as it was.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::base::folder::Folder;

/// A file of the built site, by path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Where rendered files go: written, or collected as here.
pub type Sink<'a> = dyn Fn(OutputFile) -> anyhow::Result<()> + Sync + 'a;

/// Runs `render` with a sink that keeps the files; returns them sorted by
/// path.
pub fn collect(
    render: impl FnOnce(&Sink) -> anyhow::Result<usize>,
) -> anyhow::Result<Vec<OutputFile>> {
    let collected = std::sync::Mutex::new(Vec::new());
    render(&|file| {
        collected
            .lock()
            .map_err(|_| anyhow::anyhow!("a render thread panicked"))?
            .push(file);
        Ok(())
    })?;
    let mut files = collected
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a render thread panicked"))?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A build in progress; dropping it without `commit` discards it.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    /// `temp`, open: files are made relative to it.
    folder: Folder,
    committed: bool,
    /// Tells this build's folders from another's in [`LAST_FOLDER`].
    id: u64,
}

thread_local! {
    /// The folder this thread last made sure of, and for which staging:
    /// files come in runs into one folder (the search index's hundreds),
    /// and asking for an existing folder again cost two system calls a
    /// file.
    static LAST_FOLDER: std::cell::RefCell<(u64, PathBuf)> =
        const { std::cell::RefCell::new((0, PathBuf::new())) };
}

impl Staging {
    /// Checks that `output` is a safe place to replace, then prepares a
    /// temporary sibling folder for the new site.
    pub fn begin(root: &Path, output: &Path) -> anyhow::Result<Staging> {
        let target = absolute(output)?;
        check_safe(&absolute(root)?, &target)?;
        let parent = target
            .parent()
            .context("the output folder has no parent folder")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        remove_leftovers(&target);
        let temp = sibling(&target, &format!("tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir(&temp)
            .with_context(|| format!("failed to create `{}`", temp.display()))?;
        let folder =
            Folder::open(&temp).with_context(|| format!("failed to open `{}`", temp.display()))?;
        static STAGINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Staging {
            target,
            temp,
            folder,
            committed: false,
            id: STAGINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Where the new site is made.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Writes one file; safe to call from several threads.
    pub fn write(&self, file: &OutputFile) -> anyhow::Result<()> {
        if file.path.split('/').any(|s| s == ".." || s.is_empty()) || file.path.starts_with('/') {
            bail!(
                "refusing to write outside the output folder: `{}`",
                file.path
            );
        }
        let path = Path::new(&file.path);
        let failed = |what: &str, path: &Path| {
            format!("failed to {what} `{}`", self.temp.join(path).display())
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            LAST_FOLDER.with_borrow_mut(|(staging, last)| {
                if *staging != self.id || last != dir {
                    self.folder
                        .make_dirs(dir)
                        .with_context(|| failed("create", dir))?;
                    *staging = self.id;
                    dir.clone_into(last);
                }
                anyhow::Ok(())
            })?;
        }
        self.folder
            .write(path, &file.bytes)
            .with_context(|| failed("write", path))
    }

    /// Swaps the new site in place of the old one.
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        let old = sibling(&self.target, &format!("old-{}", std::process::id()));
        if self.target.exists() {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "failed to move the previous output `{}` aside",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.temp, &self.target) {
            let _ = std::fs::rename(&old, &self.target);
            return Err(e).with_context(|| {
                format!("failed to move the new site to `{}`", self.target.display())
            });
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&old);
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.waymark-{tag}"))
}

/// Removes temporary folders of builds that were killed before finishing.
fn remove_leftovers(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.waymark-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// An absolute path with `.`/`..` resolved and existing parts canonical.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let joined = std::env::current_dir()
        .context("no current folder")?
        .join(path);
    let mut out = PathBuf::new();
    for c in crate::text::link::normalize(&joined).components() {
        out.push(c);
        if let Ok(real) = out.canonicalize() {
            out = real;
        }
    }
    Ok(out)
}

/// Refuses output folders whose replacement would destroy something.
fn check_safe(root: &Path, target: &Path) -> anyhow::Result<()> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if target.parent().is_none() || Some(target) == home.as_deref() {
        bail!(
            "refusing to use `{}` as the output folder",
            target.display()
        );
    }
    if root.starts_with(target) {
        bail!(
            "refusing to use `{}` as the output folder: it holds the site itself; use a folder such as `public/`",
            target.display()
        );
    }
    if target.starts_with(root.join("content")) {
        bail!("refusing to write the output inside `content/`: use a folder such as `public/`");
    }
    if target.is_dir() && !target.join("index.html").exists() {
        let mut entries = std::fs::read_dir(target)
            .with_context(|| format!("failed to read `{}`", target.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to replace `{}`: it is not empty and holds no earlier site (no index.html); empty it or choose another folder",
                target.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_targets() {
        let root = Path::new("/srv/site");
        assert!(check_safe(root, Path::new("/")).is_err());
        assert!(check_safe(root, Path::new("/srv/site")).is_err());
        assert!(check_safe(root, Path::new("/srv")).is_err());
        assert!(check_safe(root, Path::new("/srv/site/content/out")).is_err());
        assert!(check_safe(root, Path::new("/srv/site/public")).is_ok());
    }
}
