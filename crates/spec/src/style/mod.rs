//! The response styles (see `DIALECTS.md`): one module each, one registry.
