//! Shared runtime for apikit clients.
