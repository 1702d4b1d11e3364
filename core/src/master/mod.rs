//! Mastering processors (loudness meter, true-peak limiter, ...).
