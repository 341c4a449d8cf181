//! Walks module 02's page.
