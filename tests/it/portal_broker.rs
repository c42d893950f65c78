//! Portal pages over HTTP (see tests/support/portal.rs).
