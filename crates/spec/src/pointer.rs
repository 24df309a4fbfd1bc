//! JSON pointers (RFC 6901), written the way apigen writes them everywhere: as URI
//! fragments into a document (`#/paths/~1widgets~1{widget_id}/get`), each token escaped
//! (`~` → `~0`, `/` → `~1`).
//!
//! [`JsonPointer`] is the one type that builds, parses and follows them; a `$ref` read from
//! a spec becomes one with [`JsonPointer::from_ref`], which also decodes `%XX` escapes
//! (a `$ref` is a URI, so `{` may be written `%7B`). Pointers apigen builds itself are not
//! percent-encoded (`%` in a key stays `%`), so nothing else decodes them.

use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A JSON pointer written as a URI fragment: `#`, then `/` and an escaped token per step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// `#`: the whole document.
    pub fn root() -> Self {
        Self("#".to_string())
    }

    /// A pointer already written as a fragment (`#/a/b~1c`): `None` unless it is `#` or
    /// starts with `#/`.
    pub fn parse(text: &str) -> Option<Self> {
        (text == "#" || text.starts_with("#/")).then(|| Self(text.to_string()))
    }

    /// The pointer a local `$ref` names (`#/components/schemas/Widget`), with `%XX` escapes
    /// decoded in each token; `None` for a reference into another document. As the loader
    /// always has, the `/` after `#` may be left out (`#Widget` is `#/Widget`).
    pub fn from_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Self::root());
        }
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        if !rest.contains('%') {
            return Some(Self(format!("#/{rest}")));
        }
        Some(Self::from_tokens(rest.split('/').map(|token| {
            let decoded = percent_decode(token);
            unescape(&decoded).into_owned()
        })))
    }

    /// The pointer to the node reached by `tokens` (unescaped) from the root.
    pub fn from_tokens<T: AsRef<str>>(tokens: impl IntoIterator<Item = T>) -> Self {
        let mut pointer = Self::root();
        for token in tokens {
            pointer.push(token.as_ref());
        }
        pointer
    }

    /// The pointer one step further, to `token` (unescaped): a key or an array index.
    pub fn child(&self, token: &str) -> Self {
        let mut child = self.clone();
        child.push(token);
        child
    }

    /// Steps further, to `token` (unescaped).
    pub fn push(&mut self, token: &str) {
        self.0.push('/');
        self.0.push_str(&escape(token));
    }

    /// Steps further, to the array element `index`.
    pub fn push_index(&mut self, index: usize) {
        use fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = write!(self.0, "/{index}");
    }

    /// Steps back one token (the root stays the root).
    pub fn pop(&mut self) {
        if let Some(slash) = self.0.rfind('/') {
            self.0.truncate(slash);
        }
    }

    /// The pointer one step back; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let (parent, _) = self.0.rsplit_once('/')?;
        Some(Self(parent.to_string()))
    }

    /// The tokens, unescaped.
    pub fn tokens(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.0
            .strip_prefix("#/")
            .into_iter()
            .flat_map(|rest| rest.split('/'))
            .map(unescape)
    }

    /// The tokens, unescaped, as owned strings.
    pub fn to_tokens(&self) -> Vec<String> {
        self.tokens().map(Cow::into_owned).collect()
    }

    /// The last token, unescaped; `None` for the root.
    pub fn last(&self) -> Option<Cow<'_, str>> {
        self.0
            .strip_prefix("#/")
            .and_then(|rest| rest.rsplit('/').next())
            .map(unescape)
    }

    /// The node this pointer names in `doc`. An array index is decimal digits without a
    /// leading zero (RFC 6901).
    pub fn lookup<'v>(&self, doc: &'v Value) -> Option<&'v Value> {
        self.tokens().try_fold(doc, |node, token| match node {
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => array_index(&token).and_then(|i| items.get(i)),
            _ => None,
        })
    }

    /// The pointer as written (`#/a/b~1c`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JsonPointer {
    fn default() -> Self {
        Self::root()
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for JsonPointer {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<JsonPointer> for String {
    fn from(pointer: JsonPointer) -> Self {
        pointer.0
    }
}

impl PartialEq<str> for JsonPointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for JsonPointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Escapes one token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one token (`~1` → `/`, then `~0` → `~`, so `~01` is `~1`).
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Decodes `%XX` escapes (as in a `$ref`, which is a URI); anything malformed is kept.
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(text),
    }
}

/// An array index token: `0`, or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_are_escaped_and_unescaped() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // `~01` is an escaped `~` followed by `1`, not an escaped `/`.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(escape("~1"), "~01");
        assert!(matches!(escape("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn pointers_are_built_and_taken_apart() {
        let mut p = JsonPointer::root().child("paths").child("/widgets/{id}");
        assert_eq!(p, "#/paths/~1widgets~1{id}");
        p.push("get");
        p.push_index(3);
        assert_eq!(p.as_str(), "#/paths/~1widgets~1{id}/get/3");
        assert_eq!(p.to_tokens(), ["paths", "/widgets/{id}", "get", "3"]);
        assert_eq!(p.last().as_deref(), Some("3"));
        p.pop();
        assert_eq!(
            p.parent().map(String::from).as_deref(),
            Some("#/paths/~1widgets~1{id}")
        );
        assert_eq!(JsonPointer::from_tokens(["a~b"]), "#/a~0b");
        assert_eq!(JsonPointer::root().to_tokens(), Vec::<String>::new());
        assert_eq!(JsonPointer::root().last(), None);
        assert_eq!(JsonPointer::root().parent(), None);
        let mut root = JsonPointer::root();
        root.pop();
        assert_eq!(root, "#");
    }

    #[test]
    fn fragments_parse() {
        assert_eq!(
            JsonPointer::parse("#/a~1b").map(String::from).as_deref(),
            Some("#/a~1b")
        );
        assert_eq!(JsonPointer::parse("#"), Some(JsonPointer::root()));
        assert_eq!(JsonPointer::parse("/a"), None);
        assert_eq!(JsonPointer::parse("#a"), None);
    }

    #[test]
    fn refs_decode_percent_escapes() {
        let p = JsonPointer::from_ref("#/paths/~1a~1%7Bid%7D/get").expect("a local ref");
        assert_eq!(p, "#/paths/~1a~1{id}/get");
        assert_eq!(p.to_tokens(), ["paths", "/a/{id}", "get"]);
        // A `%2F` is a `/` inside the token; `%25` a `%`; a malformed escape is kept.
        assert_eq!(
            JsonPointer::from_ref("#/a%2Fb/%25/%zz")
                .unwrap()
                .to_tokens(),
            ["a/b", "%", "%zz"]
        );
        assert_eq!(
            JsonPointer::from_ref("#/a~1b"),
            Some(JsonPointer::parse("#/a~1b").unwrap())
        );
        assert_eq!(JsonPointer::from_ref("#"), Some(JsonPointer::root()));
        assert_eq!(
            JsonPointer::from_ref("#Widget")
                .map(String::from)
                .as_deref(),
            Some("#/Widget")
        );
        assert_eq!(JsonPointer::from_ref("other.yaml#/a"), None);
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("%FF"), "%FF");
    }

    #[test]
    fn pointers_look_up_nodes() {
        let doc = json!({"a/b": {"c~d": [10, 11]}, "": {"x": 1}});
        let at = |p: &str| JsonPointer::from_ref(p).and_then(|p| p.lookup(&doc).cloned());
        assert_eq!(at("#/a~1b/c~0d/1"), Some(json!(11)));
        assert_eq!(at("#/a~1b/c~0d/01"), None);
        assert_eq!(at("#/a~1b/c~0d/+1"), None);
        assert_eq!(at("#/a~1b/c~0d/2"), None);
        assert_eq!(at("#//x"), Some(json!(1)));
        assert_eq!(at("#"), Some(doc.clone()));
        assert_eq!(at("#/missing"), None);
    }
}
