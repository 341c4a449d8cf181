//! Walks module 03's page.
