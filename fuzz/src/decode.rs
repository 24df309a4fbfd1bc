//! The decode round trip: a value that decodes re-encodes to JSON that decodes to the same
//! value, through serde alone and through the server's validated decoding.

use std::fmt::Debug;

use apigen_runtime::validate::Validate;
use serde::de::DeserializeOwned;
use serde::Serialize;

include!(concat!(env!("OUT_DIR"), "/decoders.rs"));

/// `data` decoded as `T` with serde, then encoded and decoded again: the same value.
pub fn roundtrip<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        same_again(&value, |json| {
            serde_json::from_slice::<T>(json).map_err(|e| e.to_string())
        });
    }
}

/// [`roundtrip`], and the server's decoding of a request body (serde, then the schema's
/// constraints): what it accepts, encoded again, is accepted as the same value.
pub fn roundtrip_validated<T: DeserializeOwned + Serialize + PartialEq + Debug + Validate>(
    data: &[u8],
) {
    roundtrip::<T>(data);
    if let Ok(value) = apigen_runtime::server::decode_body::<T>(data) {
        same_again(&value, |json| {
            apigen_runtime::server::decode_body::<T>(json).map_err(|e| format!("{e:?}"))
        });
    }
}

fn same_again<T: Serialize + PartialEq + Debug>(
    value: &T,
    decode: impl Fn(&[u8]) -> Result<T, String>,
) {
    let json = serde_json::to_vec(value).expect("a decoded value encodes");
    match decode(&json) {
        Ok(again) => assert_eq!(
            &again,
            value,
            "{} decodes to another value",
            String::from_utf8_lossy(&json)
        ),
        Err(e) => panic!(
            "{value:?} encodes to {}, which does not decode: {e}",
            String::from_utf8_lossy(&json)
        ),
    }
}
