//! Opens a connection to Temporal: `temporalio_client::Connection::connect`, boxed.
//!
//! Why a crate for one call: the compiler generates the code of an `async fn`'s future (here,
//! the gRPC channel and a client for each of ~200 service methods) in the crate that awaits
//! it. Awaited in `workshop`, which needs the whole SDK first, that took 18 s at the end of
//! every cold build, with one core idle. Boxed here, in a crate that needs only
//! `temporalio-client`, it is generated while cargo compiles the SDK (docs/benchmarks.md,
//! Build). Every program of the workshop connects through this function.

use futures::future::BoxFuture;
use temporalio_client::errors::ClientConnectError;
use temporalio_client::{Connection, ConnectionOptions};

/// `Connection::connect(options)`, as a future built in this crate.
pub fn connect(options: ConnectionOptions) -> BoxFuture<'static, Result<Connection, ClientConnectError>> {
    Box::pin(Connection::connect(options))
}
