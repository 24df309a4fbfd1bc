//! [`Validate`] for `uuid` values: nothing to check.

use super::validate::Validate;

impl Validate for uuid::Uuid {}
