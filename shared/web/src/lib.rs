//! The plumbing of the workshop's two local web servers, the account API (`bank`) and the Money
//! Transfer UI (`transfer-ui`): what every request passes before a handler sees it, and how a
//! refusal is said. Nothing here knows about money or Temporal.
//!
//! - [`front_door`]: the `Host`, `Origin` and `Content-Type` refusals, and the
//!   `--allowed-host` flag ([`AllowedHostsArgs`]).
//! - [`error`]: [`ApiError`], the one JSON shape of every error answer.
//! - [`extract`]: [`JsonBody`], a JSON object or a refusal in that shape.
//! - [`listen`](mod@listen): binding a port, saying how to free a taken one.

#![warn(missing_docs)]

pub mod error;
pub mod extract;
pub mod front_door;
pub mod listen;

pub use error::{ApiError, ErrorBody};
pub use extract::JsonBody;
pub use front_door::{AllowedHostsArgs, FrontDoor};
pub use listen::listen;

/// Request bodies are tiny; anything bigger is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
