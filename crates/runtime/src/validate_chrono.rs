//! [`Validate`] for the `chrono` types of `date-time` and `date` values: nothing to check.

use super::validate::Validate;

impl Validate for chrono::DateTime<chrono::Utc> {}
impl Validate for chrono::DateTime<chrono::FixedOffset> {}
impl Validate for chrono::NaiveDate {}
