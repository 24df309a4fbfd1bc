//! `apply`: the wire spec, a source spec with a style applied.
