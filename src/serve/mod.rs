//! `accord serve`: a local web page where a person describes a partnership in a form the
//! rule base's vocabulary generates, reads the advice beside it as they type, answers the
//! questions, and saves the case. A thin client of the library, as the command line is:
//! the advice, the reports, the checks and the saving are the library's; this module
//! holds the HTTP server, its pages and its safety checks. Must not decide advice.
//!
//! The parts: `form` (the case as a form generated from the vocabulary, and the form's
//! fields read back into a case).

pub mod form;
