//! Bodies that are not JSON, shared by the server and the client: [`Binary`] (a body of
//! bytes, streamed) and [`FilePart`] (a file of a `multipart/form-data` body).
//!
//! A [`Binary`] is a stream of chunks (`Stream<Item = Result<Bytes, BodyError>>`) with its
//! media type: the server receives an upload as one (read it chunk by chunk, the body limit
//! still applies) and may answer with one; the client uploads from one and downloads into
//! one. Neither side holds the whole body in memory unless it asks to ([`Binary::bytes`]).
//!
//! This module never names the crate it is compiled in (only `super::`), so its source can
//! be copied verbatim into a generated crate as well as used from `apigen-runtime`.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};

/// Why a body could not be read (or written): the connection failed, the body was larger
/// than the server's limit, or the stream it came from failed. On the server, `?` turns it
/// into an `ApiError` (`413` past the body limit, else `400`).
#[derive(Debug)]
pub struct BodyError {
    error: Box<dyn std::error::Error + Send + Sync>,
    too_large: bool,
}

impl BodyError {
    /// Wraps what failed (a `BodyError` stays itself).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        match error.into().downcast::<BodyError>() {
            Ok(itself) => *itself,
            Err(error) => Self {
                error,
                too_large: false,
            },
        }
    }

    /// The body went past the server's body limit.
    pub fn too_large(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            error: error.into(),
            too_large: true,
        }
    }

    /// Whether the body was refused for being larger than the server's body limit.
    pub fn is_too_large(&self) -> bool {
        self.too_large
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the body could not be read: {}", self.error)?;
        let mut cause = self.error.source();
        while let Some(inner) = cause {
            write!(f, ": {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error.as_ref())
    }
}

impl From<BodyError> for std::io::Error {
    fn from(error: BodyError) -> Self {
        std::io::Error::other(error)
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, BodyError>> + Send>>;

/// Where a [`Binary`]'s bytes are.
enum Source {
    /// In memory (taken once streamed).
    Bytes(Option<Bytes>),
    /// Arriving chunk by chunk.
    Stream(ChunkStream),
}

/// A body of bytes (`application/octet-stream`, `image/*`, any `format: binary` schema),
/// in memory or streamed, with its media type. It is itself a
/// `Stream<Item = Result<Bytes, BodyError>>`.
pub struct Binary {
    content_type: Option<String>,
    length: Option<u64>,
    source: Source,
}

impl Binary {
    /// A body held in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            content_type: None,
            length: Some(bytes.len() as u64),
            source: Source::Bytes(Some(bytes)),
        }
    }

    /// A body streamed from `stream`, chunk by chunk.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let stream = stream.map(|chunk| chunk.map(Into::into).map_err(BodyError::new));
        Self {
            content_type: None,
            length: None,
            source: Source::Stream(Box::pin(stream)),
        }
    }

    /// An empty body.
    pub fn empty() -> Self {
        Self::from_bytes(Bytes::new())
    }

    /// Sets the media type (`image/png`): sent as `Content-Type` (else the operation's
    /// declared media type).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Sets the length in bytes, when it is known ahead (sent as `Content-Length`).
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }

    /// The media type, when known (the `Content-Type` it came with, or the one set).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The length in bytes, when known ahead (in memory, or `Content-Length`).
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// The bytes, when the body is held in memory (not streamed).
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Bytes(bytes) => bytes.as_ref(),
            Source::Stream(_) => None,
        }
    }

    /// Reads the whole body into memory.
    pub async fn bytes(self) -> Result<Bytes, BodyError> {
        match self.source {
            Source::Bytes(bytes) => Ok(bytes.unwrap_or_default()),
            Source::Stream(stream) => {
                let chunks: Vec<Bytes> = stream.try_collect().await?;
                Ok(match <[Bytes; 1]>::try_from(chunks) {
                    Ok([one]) => one,
                    Err(chunks) => Bytes::from(chunks.concat()),
                })
            }
        }
    }

    /// The chunks, without the media type.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, BodyError>> + Send {
        self
    }
}

impl Stream for Binary {
    type Item = Result<Bytes, BodyError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().source {
            Source::Bytes(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(Ok)),
            Source::Stream(stream) => stream.as_mut().poll_next(cx),
        }
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(Some(bytes)) => format!("{} bytes in memory", bytes.len()),
            Source::Bytes(None) => "read".to_string(),
            Source::Stream(_) => "a stream".to_string(),
        };
        f.debug_struct("Binary")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .field("source", &source)
            .finish()
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

/// A file of a `multipart/form-data` body: its name, media type and bytes. The client sends
/// it from bytes or a stream; the server receives it in memory (within the body limit).
#[derive(Debug)]
pub struct FilePart {
    /// The file name (`filename` of the part's `Content-Disposition`).
    pub file_name: Option<String>,
    /// The part's `Content-Type` (else the spec's `encoding` for the field, if any).
    pub content_type: Option<String>,
    /// The bytes.
    pub body: Binary,
}

impl FilePart {
    /// A file from bytes or a [`Binary`] (its media type is the part's).
    pub fn new(body: impl Into<Binary>) -> Self {
        let body = body.into();
        Self {
            file_name: None,
            content_type: body.content_type().map(str::to_string),
            body,
        }
    }

    /// Names the file.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// Whether the media type `actual` (a `Content-Type`, parameters allowed) is one that
/// `declared` (from the spec, maybe a range: `image/*`, `*/*`) covers. JSON media types
/// (`application/json`, `…+json`) cover each other.
pub fn media_matches(declared: &str, actual: &str) -> bool {
    let essence = |m: &str| {
        m.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let (declared, actual) = (essence(declared), essence(actual));
    let json = |m: &str| {
        m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
    };
    if declared == actual || declared == "*/*" || (json(&declared) && json(&actual)) {
        return true;
    }
    match (declared.split_once('/'), actual.split_once('/')) {
        (Some((dtype, "*")), Some((atype, _))) => dtype == atype,
        (Some((dtype, dsub)), Some((atype, "*"))) => dtype == atype && !dsub.is_empty(),
        _ => false,
    }
}
