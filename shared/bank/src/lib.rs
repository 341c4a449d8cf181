//! The workshop bank (work in progress).
