//! Walks module 04's page.
