//! `accord serve`: a local web page where a person describes a partnership in a form the
//! rule base's vocabulary generates, reads the advice beside it as they type, answers the
//! questions, and saves the case. A thin client of the library, as the command line is:
//! the advice, the reports, the checks and the saving are the library's; this module
//! holds the HTTP server, its pages and its safety checks. Must not decide advice.
//!
//! The parts: `form` (the case as a form generated from the vocabulary, and the form's
//! fields read back into a case), `server` (binding, running, stopping), `workspace` (what
//! every request shares: the folder of cases, the rule base, the token), `rules` (the rule
//! base, reloaded when its files change), `files` (which names may be read and written),
//! `guard` (the checks and headers of every request), `routes` (the handlers), `pages`
//! (the HTML), `editing` (a case from a request's fields) and `assets` (the embedded
//! stylesheets and scripts).

mod assets;
mod editing;
mod files;
pub mod form;
mod guard;
mod pages;
mod routes;
mod rules;
mod server;
mod workspace;

pub use routes::app;
pub use rules::RuleSet;
pub use server::{Options, Server, serve};
pub use workspace::Workspace;
