//! Proof under load and faults, for the workshop's bank and module 3's transfers.
//!
//! - [`chaos`]: 200 transfers asked for through the UI, one Idempotency-Key each, while the
//!   worker, the account API and the UI are SIGKILLed and restarted, the Temporal dev server
//!   restarts and the bank loses responses after committing; then the books are checked to
//!   the cent ([`chaos::verify`](mod@chaos::verify)).
//! - [`http`]: a minimal HTTP/1.1 client: exact bytes on the wire, keep-alive connections.
//! - [`load`]: a bounded load generator (connections × requests) with latency percentiles.
//! - [`binaries`]: module 3's binary, of the profile being measured.
//! - [`throughput`]: the floor (a no-op worker) and module 3 under a batch of transfers.
//! - [`moments`]: the workshop's "watch it happen" moments at a learner's pace, against the
//!   waits the pages promise.
//! - [`room`]: many learners' module 3 on one server beside other learners' workflows.
//! - [`doc_section`]: rewriting one marked section of docs/benchmarks.md.
//!
//! Used by the tests in `tests/` and by the `chaos`, `bench`, `throughput`, `moments` and `room`
//! programs.

pub mod binaries;
pub mod chaos;
pub mod doc_section;
pub mod http;
pub mod load;
pub mod moments;
pub mod room;
pub mod throughput;

/// Module 3's names in Temporal: the chaos run and the benchmarks drive module 3.
pub use workshop::MODULE03;

/// The first field of /proc/loadavg (the 1-minute load average), or "?": a benchmark's table
/// says how busy the machine was.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
