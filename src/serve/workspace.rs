//! What every request of one server shares: the folder of cases, the rule base in use,
//! the addresses it answers to and its token. Must not read or write case files: `files`
//! and the handlers do.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::Mutex;

use super::rules::RuleSet;

/// The state of a server, cheap to clone (each request holds a clone).
#[derive(Clone)]
pub struct Workspace(Arc<Inner>);

struct Inner {
    cases: PathBuf,
    rules: RuleSet,
    token: String,
    hosts: Vec<String>,
    /// Listening on every address (`--bind 0.0.0.0`): any address of the machine, written
    /// as an IP address, is its own too.
    any_address: Option<u16>,
    max_body: usize,
    /// Held while a file of the folder is written, so that saves of one file follow one
    /// another instead of finding it changed under them.
    writing: Mutex<()>,
    /// The cases advised lately, by key (see [`Workspace::remember`]).
    recent: std::sync::Mutex<std::collections::VecDeque<(String, Arc<str>)>>,
}

/// How many advised cases [`Workspace::remember`] keeps.
const RECENT: usize = 64;

impl Workspace {
    /// The workspace of a server at `address` over the case folder `cases` (which must
    /// exist), advising with `rules`; request bodies and cases are limited to `max_body`
    /// bytes.
    ///
    /// # Errors
    ///
    /// The folder cannot be found.
    pub fn new(
        cases: &Path,
        rules: RuleSet,
        address: SocketAddr,
        max_body: usize,
    ) -> Result<Workspace, String> {
        let cases = cases
            .canonicalize()
            .map_err(|why| format!("cannot open the folder of cases `{}`: {why}", cases.display()))?;
        if !cases.is_dir() {
            return Err(format!("`{}` is not a folder", cases.display()));
        }
        Ok(Workspace(Arc::new(Inner {
            cases,
            rules,
            token: new_token(),
            hosts: hosts(address),
            any_address: address.ip().is_unspecified().then_some(address.port()),
            max_body,
            writing: Mutex::new(()),
            recent: std::sync::Mutex::new(std::collections::VecDeque::with_capacity(RECENT)),
        })))
    }

    /// The folder of cases, canonical.
    pub fn cases(&self) -> &Path {
        &self.0.cases
    }

    /// The rule base in use.
    pub fn rules(&self) -> &RuleSet {
        &self.0.rules
    }

    /// The token that requests changing files must carry (in the form's `token` field):
    /// made at random when the server starts, shown only in its pages, never in a URL.
    pub fn token(&self) -> &str {
        &self.0.token
    }

    /// Keeps `case` (a case's JSON text, as the page advised it) among the last few, and
    /// gives the key by which [`Workspace::recall`] finds it: what a "Why?" link carries,
    /// so that the explanation is of the case the advice was given for, edits not yet
    /// saved included, without the whole case in every link.
    pub(super) fn remember(&self, case: &str) -> String {
        // Not a defence: the server is for one person's own machine, and a key only names
        // a case they advised.
        let key = format!("{:016x}{:x}", crate::load::fnv1a([case.as_bytes()]), case.len());
        let mut recent = self.0.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !recent.iter().any(|(known, _)| *known == key) {
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back((key.clone(), Arc::from(case)));
        }
        key
    }

    /// The case [`Workspace::remember`] kept under `key`, if it still keeps it.
    pub(super) fn recall(&self, key: &str) -> Option<Arc<str>> {
        let recent = self.0.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        recent.iter().find(|(known, _)| known == key).map(|(_, case)| Arc::clone(case))
    }

    /// Whether `token` is the server's.
    pub(super) fn token_matches(&self, token: Option<&str>) -> bool {
        // Compared whole, byte by byte, so that the time taken does not tell how much of
        // a guess was right.
        token.is_some_and(|token| {
            token.len() == self.0.token.len()
                && token.bytes().zip(self.0.token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        })
    }

    /// Whether the server answers to the `Host` header `host`: its address as a browser
    /// writes it (`127.0.0.1:7878`, `localhost:7878`, `[::1]:7878`, the address bound),
    /// or, bound to every address, any IP address with its port. Any other is a page that
    /// reached it by a DNS name of its own (DNS rebinding).
    pub(super) fn answers_to(&self, host: &str) -> bool {
        self.0.hosts.iter().any(|own| own.eq_ignore_ascii_case(host))
            || self
                .0
                .any_address
                .is_some_and(|port| host.parse::<SocketAddr>().is_ok_and(|a| a.port() == port))
    }

    /// The largest request body and case, in bytes.
    pub(super) fn max_body(&self) -> usize {
        self.0.max_body
    }

    /// Held while a case file is written.
    pub(super) fn writing(&self) -> &Mutex<()> {
        &self.0.writing
    }
}

/// The `Host` values a browser sends to `address`.
fn hosts(address: SocketAddr) -> Vec<String> {
    let port = address.port();
    let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    let own = match address.ip() {
        IpAddr::V4(ip) => format!("{ip}:{port}"),
        IpAddr::V6(ip) => format!("[{ip}]:{port}"),
    };
    if !address.ip().is_unspecified() && !hosts.contains(&own) {
        hosts.push(own);
    }
    hosts
}

/// 128 random bits in hex, from the system's random source; should it be unreadable,
/// from std's randomly keyed hashers (seeded by the system too).
fn new_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut file| file.read_exact(&mut bytes));
    if read.is_err() {
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let word = RandomState::new().hash_one(i).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
    bytes.iter().fold(String::with_capacity(32), |mut hex, byte| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
