//! The built-in copy of `www/` as a backend of tower-http's `ServeDir`.

use std::{
    borrow::Cow,
    future::{Ready, ready},
    io::{self, Cursor},
    path::{Component, Path, PathBuf},
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, SystemTime},
};

use rust_embed::RustEmbed;
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};
use tower_http::services::fs::{Backend, File, Metadata};

/// `www/` as it was when the server was compiled: `index.html`, `admin/`
/// and, once `npm run build` has run, `dist/`. `build.rs` recompiles the
/// server when anything in it changes.
#[derive(Debug, RustEmbed)]
#[folder = "../www"]
pub(crate) struct Www;

/// [`ServeDir`]'s backend for the built-in copy: it asks for paths like
/// `./admin/app.js` (its folder, then the request's path).
#[derive(Debug, Clone, Copy)]
pub(super) struct Builtin;

impl Builtin {
    /// The copy's name for `path` (`admin/app.js`), or `None` for a path
    /// that cannot name anything in it.
    fn name(path: &Path) -> Option<String> {
        let mut parts = Vec::new();
        for component in path.components() {
            match component {
                Component::CurDir => {}
                Component::Normal(part) => parts.push(part.to_str()?),
                _ => return None,
            }
        }
        Some(parts.join("/"))
    }

    fn find(path: &Path) -> io::Result<(Entry, Option<rust_embed::EmbeddedFile>)> {
        let name = Self::name(path).ok_or(io::ErrorKind::NotFound)?;
        if let Some(file) = Www::get(&name) {
            let entry = Entry {
                dir: false,
                len: file.data.len() as u64,
                modified: file
                    .metadata
                    .last_modified()
                    .map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs(secs)),
            };
            return Ok((entry, Some(file)));
        }
        let prefix = format!("{name}/");
        if name.is_empty() || Www::iter().any(|file| file.starts_with(&prefix)) {
            let entry = Entry {
                dir: true,
                len: 0,
                modified: None,
            };
            return Ok((entry, None));
        }
        Err(io::ErrorKind::NotFound.into())
    }
}

impl Backend for Builtin {
    type File = BuiltinFile;
    type Metadata = Entry;
    type OpenFuture = Ready<io::Result<BuiltinFile>>;
    type MetadataFuture = Ready<io::Result<Entry>>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        ready(Self::find(&path).and_then(|found| match found {
            (entry, Some(file)) => Ok(BuiltinFile {
                entry,
                data: Cursor::new(file.data),
            }),
            // As opening a folder on disk: ServeDir asks for its metadata first.
            (_, None) => Err(io::ErrorKind::IsADirectory.into()),
        }))
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        ready(Self::find(&path).map(|(entry, _)| entry))
    }
}

/// What [`ServeDir`] needs to know of a built-in file or folder.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    dir: bool,
    len: u64,
    /// The file's modification time when the server was compiled, for
    /// Last-Modified and the ETag.
    modified: Option<SystemTime>,
}

impl Metadata for Entry {
    fn is_dir(&self) -> bool {
        self.dir
    }

    fn modified(&self) -> io::Result<SystemTime> {
        self.modified
            .ok_or_else(|| io::Error::other("no modification time"))
    }

    fn len(&self) -> u64 {
        self.len
    }
}

/// A built-in file, opened: its bytes are in the binary.
#[derive(Debug)]
pub(super) struct BuiltinFile {
    entry: Entry,
    data: Cursor<Cow<'static, [u8]>>,
}

impl File for BuiltinFile {
    type Metadata = Entry;
    type MetadataFuture<'a> = Ready<io::Result<Entry>>;

    fn metadata(&self) -> Self::MetadataFuture<'_> {
        ready(Ok(self.entry))
    }
}

impl AsyncRead for BuiltinFile {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.data).poll_read(cx, buf)
    }
}

impl AsyncSeek for BuiltinFile {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        Pin::new(&mut self.data).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.data).poll_complete(cx)
    }
}
