//! The Live API `setup` message, typed: the pieces a token's constraints are made of.
//!
//! Every message here serializes to the REST API's camelCase JSON and deserializes
//! from it strictly: an unknown field is an error. The snake_case keys and shorthands
//! that Python and JavaScript users write are accepted by
//! [`CreateAuthTokenConfig`](crate::CreateAuthTokenConfig), which translates them
//! first.

mod content;
mod generation;
mod safety;
mod session;
mod tools;

pub use content::*;
pub use generation::*;
pub use safety::*;
pub use session::*;
pub use tools::*;

pub(crate) use generation::with_flat_generation_fields;

// The case conversions of field names, for the emulator and the tests; to move to the
// public module of wire text forms.
#[doc(hidden)]
pub use crate::suggest::{camel_to_snake, snake_to_camel};
